using Microsoft.Extensions.Logging;

namespace FbTokens.Internal;

/// <summary>
/// Log messages of FbTokens.AspNetCore (event ids 6000–6049). None carries a token, code, state, app secret, proof or
/// signed request: only user and page ids, outcomes and exception types.
/// </summary>
internal static partial class AspNetCoreLog
{
    /// <summary>The logger category of every message here.</summary>
    public const string Category = "FbTokens.AspNetCore";

    [LoggerMessage(EventId = 6000, EventName = "SignInTokenSaved", Level = LogLevel.Information,
        Message = "Saved the Facebook user token of {UserId} from the {Scheme} sign-in (page tokens: {IncludePageTokens})")]
    public static partial void SignInTokenSaved(ILogger logger, string userId, string scheme, bool includePageTokens);

    [LoggerMessage(EventId = 6001, EventName = "SignInUserIdClaimAdded", Level = LogLevel.Debug,
        Message = "Added the {ClaimType} claim for Facebook user {UserId} to the {Scheme} sign-in")]
    public static partial void SignInUserIdClaimAdded(ILogger logger, string claimType, string userId, string scheme);

    [LoggerMessage(EventId = 6002, EventName = "SignInUserIdMismatch", Level = LogLevel.Warning,
        Message = "The {Scheme} sign-in names user {ClaimedUserId} in its {ClaimType} claim but its token belongs to {TokenUserId}; the sign-in fails")]
    public static partial void SignInUserIdMismatch(ILogger logger, string scheme, string claimType, string claimedUserId, string tokenUserId);

    [LoggerMessage(EventId = 6010, EventName = "UserTokenHandlerNoUser", Level = LogLevel.Debug,
        Message = "No signed-in Facebook user for an outgoing request: no user token attached")]
    public static partial void UserTokenHandlerNoUser(ILogger logger);

    [LoggerMessage(EventId = 6020, EventName = "LoginStarted", Level = LogLevel.Debug,
        Message = "Sent a browser to the Facebook Login dialog (callback {CallbackPath})")]
    public static partial void LoginStarted(ILogger logger, string callbackPath);

    [LoggerMessage(EventId = 6021, EventName = "LoginSucceeded", Level = LogLevel.Information,
        Message = "Facebook Login succeeded for user {UserId}")]
    public static partial void LoginSucceeded(ILogger logger, string userId);

    [LoggerMessage(EventId = 6022, EventName = "LoginFailed", Level = LogLevel.Warning,
        Message = "Facebook Login failed: {Failure}")]
    public static partial void LoginFailed(ILogger logger, FacebookLoginFailure failure);

    [LoggerMessage(EventId = 6023, EventName = "LoginStateCookieUnreadable", Level = LogLevel.Warning,
        Message = "The Facebook Login state cookie could not be read (tampered, or protected with another key)")]
    public static partial void LoginStateCookieUnreadable(ILogger logger);

    [LoggerMessage(EventId = 6024, EventName = "LoginExchangeFailed", Level = LogLevel.Warning,
        Message = "Facebook Login could not exchange the code or save the token ({ExceptionType}): {Failure}")]
    public static partial void LoginExchangeFailed(ILogger logger, string exceptionType, FacebookLoginFailure failure, Exception exception);

    [LoggerMessage(EventId = 6030, EventName = "SignedRequestRejected", Level = LogLevel.Warning,
        Message = "A Facebook {Callback} callback was rejected: {Reason}")]
    public static partial void SignedRequestRejected(ILogger logger, string callback, string reason);

    [LoggerMessage(EventId = 6031, EventName = "UserDeauthorized", Level = LogLevel.Information,
        Message = "Facebook user {UserId} removed the app: {Count} stored token(s) marked invalid")]
    public static partial void UserDeauthorized(ILogger logger, string userId, int count);

    [LoggerMessage(EventId = 6032, EventName = "UserDataDeleted", Level = LogLevel.Information,
        Message = "Facebook user {UserId} asked for data deletion: {Count} stored token(s) removed")]
    public static partial void UserDataDeleted(ILogger logger, string userId, int count);

    [LoggerMessage(EventId = 6033, EventName = "CallbackFailed", Level = LogLevel.Error,
        Message = "A Facebook {Callback} callback for user {UserId} could not be completed ({ExceptionType})")]
    public static partial void CallbackFailed(ILogger logger, string callback, string userId, string exceptionType, Exception exception);
}
