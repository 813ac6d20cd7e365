using Microsoft.Extensions.Logging;

namespace FbTokens.Internal;

/// <summary>The token lifecycle's log messages; event ids 2000–2999 are stable. No message ever holds a token value.</summary>
internal static partial class LifecycleLog
{
    [LoggerMessage(2001, LogLevel.Information, "Saved {TokenKey} (expires {ExpiresAt}; exchanged for a long-lived token: {Exchanged}).")]
    public static partial void TokenSaved(ILogger logger, TokenKey tokenKey, DateTimeOffset? expiresAt, bool exchanged);

    [LoggerMessage(2002, LogLevel.Information, "Saved {Count} page tokens of {TokenKey}.")]
    public static partial void PageTokensSaved(ILogger logger, int count, TokenKey tokenKey);

    [LoggerMessage(2003, LogLevel.Information, "Refreshed {TokenKey} (expired {PreviousExpiresAt}, now expires {ExpiresAt}).")]
    public static partial void TokenRefreshed(ILogger logger, TokenKey tokenKey, DateTimeOffset? previousExpiresAt, DateTimeOffset? expiresAt);

    [LoggerMessage(2004, LogLevel.Warning, "Refreshing {TokenKey} failed; the stored token is kept and the refresh is tried again after {RetryAt}.")]
    public static partial void RefreshFailed(ILogger logger, TokenKey tokenKey, DateTimeOffset retryAt, Exception exception);

    [LoggerMessage(2005, LogLevel.Debug, "Another writer stored {TokenKey} during its refresh; keeping theirs.")]
    public static partial void RefreshLostRace(ILogger logger, TokenKey tokenKey);

    [LoggerMessage(2006, LogLevel.Warning, "Marked {TokenKey} invalid ({Reason}); the person must log in again.")]
    public static partial void TokenMarkedInvalid(ILogger logger, TokenKey tokenKey, TokenErrorReason reason);

    [LoggerMessage(2007, LogLevel.Error, "Token lifecycle observer {Observer} failed handling {Notification} for {TokenKey}.")]
    public static partial void ObserverFailed(ILogger logger, string observer, string notification, TokenKey tokenKey, Exception exception);

    [LoggerMessage(2008, LogLevel.Trace, "Using {TokenKey} version {Version}: {MaskedToken}.")]
    public static partial void TokenUsed(ILogger logger, TokenKey tokenKey, long version, string maskedToken);

    [LoggerMessage(2009, LogLevel.Debug, "Refresh of {TokenKey} is due but waits until {RetryAt} after a failure.")]
    public static partial void RefreshDeferred(ILogger logger, TokenKey tokenKey, DateTimeOffset retryAt);

    [LoggerMessage(2020, LogLevel.Warning, "Graph rejected {TokenKey} (error {Code}/{Subcode}).")]
    public static partial void HandlerTokenRejected(ILogger logger, TokenKey tokenKey, int code, int? subcode);

    [LoggerMessage(2021, LogLevel.Information, "Retrying the request once with a replacement for {TokenKey}.")]
    public static partial void HandlerRetrying(ILogger logger, TokenKey tokenKey);

    [LoggerMessage(2030, LogLevel.Information, "Token validation sweep started.")]
    public static partial void SweepStarted(ILogger logger);

    [LoggerMessage(2031, LogLevel.Information, "Token validation sweep done: {Checked} checked, {Invalid} invalid, {Refreshed} refreshed, {Failed} not checked, {Requests} batch requests.")]
    public static partial void SweepCompleted(ILogger logger, int @checked, int invalid, int refreshed, int failed, int requests);

    [LoggerMessage(2032, LogLevel.Error, "Token validation sweep failed; the next one runs as scheduled.")]
    public static partial void SweepFailed(ILogger logger, Exception exception);

    [LoggerMessage(2033, LogLevel.Debug, "Graph did not complete {Count} batch operations; resending them (attempt {Attempt}).")]
    public static partial void BatchOperationsIncomplete(ILogger logger, int count, int attempt);

    [LoggerMessage(2034, LogLevel.Warning, "The sweep could not handle {TokenKey}.")]
    public static partial void SweepTokenFailed(ILogger logger, TokenKey tokenKey, Exception exception);

    [LoggerMessage(2120, LogLevel.Warning, "Renewing {TokenKey} returned no later expiry than {ExpiresAt}: only the person can renew it (a new login). Recorded; not tried again.")]
    public static partial void RenewalNotExtended(ILogger logger, TokenKey tokenKey, DateTimeOffset? expiresAt);

    [LoggerMessage(2121, LogLevel.Information, "Told the person of {TokenKey}: {Notice}, deadline {Deadline}.")]
    public static partial void PersonNotified(ILogger logger, TokenKey tokenKey, string notice, DateTimeOffset deadline);

    [LoggerMessage(2122, LogLevel.Debug, "Another writer stored {TokenKey} while its notices were recorded; theirs stands, the next sweep looks again.")]
    public static partial void NoticeLostRace(ILogger logger, TokenKey tokenKey);

    [LoggerMessage(2123, LogLevel.Information, "{TokenKey} lacks {Count} required permission(s); told the person.")]
    public static partial void PermissionsMissing(ILogger logger, TokenKey tokenKey, int count);

    [LoggerMessage(2124, LogLevel.Debug, "FbTokens:Login:RedirectUri is not configured: the notice carries the auth type and scopes, not a login request.")]
    public static partial void NoRedirectUri(ILogger logger);

    [LoggerMessage(2125, LogLevel.Information, "{TokenKey} was replaced by a new login; fetching the page tokens it had again.")]
    public static partial void ReturningUserPages(ILogger logger, TokenKey tokenKey);

    [LoggerMessage(2126, LogLevel.Warning, "Fetching the page tokens of {TokenKey} again after a new login failed; the stored ones are kept.")]
    public static partial void ReturningUserPagesFailed(ILogger logger, TokenKey tokenKey, Exception exception);
}
