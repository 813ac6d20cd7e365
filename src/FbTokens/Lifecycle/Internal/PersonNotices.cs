using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace FbTokens.Internal;

/// <summary>
/// Tells the person what only they can do, once: a token the manager cannot renew expires soon, the data-access window
/// ends soon, required permissions are missing. What was told is recorded on the stored token (compare-and-set on its
/// version) before the observers hear it, so each notice goes out once per token and deadline (or missing set), across
/// restarts and instances sharing the store. A crash between the write and the call loses that one notice rather than
/// repeating it.
/// </summary>
internal sealed class PersonNotices
{
    private readonly ITokenStore _store;
    private readonly TokenLifecycleNotifier _notifier;
    private readonly LifecycleStopping _stopping;
    private readonly TokenManagerOptions _options;
    private readonly IOptions<FacebookLoginOptions> _loginOptions;
    private readonly ILogger _logger;

    public PersonNotices(
        ITokenStore store,
        TokenLifecycleNotifier notifier,
        LifecycleStopping stopping,
        IOptions<TokenManagerOptions> options,
        IOptions<FacebookLoginOptions> loginOptions,
        ILogger<PersonNotices> logger)
    {
        _store = store;
        _notifier = notifier;
        _stopping = stopping;
        _options = options.Value;
        _loginOptions = loginOptions;
        _logger = logger;
    }

    /// <summary>
    /// Raises the notices due for <paramref name="token"/> at <paramref name="now"/> that were not raised before, and
    /// returns the token as stored afterwards (unchanged when nothing was due, or when another writer got there first:
    /// the next sweep looks again).
    /// </summary>
    /// <param name="token">The token as read from the store.</param>
    /// <param name="granted">The permissions Graph reports granted (scopes and granular scopes), when just read;
    /// null to use <see cref="StoredToken.Scopes"/>.</param>
    /// <param name="now">The current time.</param>
    /// <param name="cancellationToken">Cancels the store write.</param>
    public async Task<StoredToken> NotifyIfDueAsync(StoredToken token, IEnumerable<string>? granted, DateTimeOffset now, CancellationToken cancellationToken)
    {
        if (token.Status != TokenStatus.Valid)
        {
            return token;
        }

        var missing = Missing(token, granted);
        var expiryDue = IsExpiryNoticeDue(token, now, _options);
        var dataAccessDue = IsDataAccessNoticeDue(token, now, _options);
        var missingChanged = !missing.SequenceEqual(token.MissingPermissionsNoticed, StringComparer.Ordinal);
        if (!expiryDue && !dataAccessDue && !missingChanged)
        {
            return token;
        }

        var marked = token with
        {
            ExpiryNoticeSentFor = expiryDue ? token.ExpiresAt : token.ExpiryNoticeSentFor,
            DataAccessNoticeSentFor = dataAccessDue ? token.DataAccessExpiresAt : token.DataAccessNoticeSentFor,
            MissingPermissionsNoticed = missing,
            UpdatedAt = now,
        };

        StoredToken stored;
        try
        {
            stored = await _store.SetAsync(marked, token.Version, cancellationToken).ConfigureAwait(false);
        }
        catch (TokenStoreConcurrencyException)
        {
            // Someone wrote since the read (maybe another instance recording the same notice): theirs stands.
            LifecycleLog.NoticeLostRace(_logger, token.Key);
            return token;
        }

        // On the parts' own token: a caller that gives up must not swallow the person's notice once it is recorded.
        var stopping = _stopping.Token;
        var userId = LifecycleRules.UserIdOf(token.Key, token);
        if (expiryDue && token.ExpiresAt is { } expiresAt)
        {
            var authType = missing.Count > 0 ? FacebookLoginAuthType.Rerequest : FacebookLoginAuthType.None;
            var scopes = Union(token.Scopes, _options.RequiredPermissions);
            LifecycleLog.PersonNotified(_logger, token.Key, nameof(TokenExpiringNotice), expiresAt);
            await _notifier.TokenExpiringAsync(
                new TokenExpiringNotice(token.Key, userId, expiresAt)
                {
                    Scopes = scopes,
                    AuthType = authType,
                    LoginRequest = token.Key.Kind == TokenKind.User ? LoginRequest(scopes, authType) : null,
                },
                stopping).ConfigureAwait(false);
        }

        if (dataAccessDue && token.DataAccessExpiresAt is { } dataAccessExpiresAt)
        {
            var scopes = Union(token.Scopes, _options.RequiredPermissions);
            LifecycleLog.PersonNotified(_logger, token.Key, nameof(DataAccessExpiringNotice), dataAccessExpiresAt);
            await _notifier.DataAccessExpiringAsync(
                new DataAccessExpiringNotice(token.Key, userId, dataAccessExpiresAt, scopes)
                {
                    LoginRequest = LoginRequest(scopes, FacebookLoginAuthType.Reauthorize),
                },
                stopping).ConfigureAwait(false);
        }

        if (missingChanged && missing.Count > 0)
        {
            LifecycleLog.PermissionsMissing(_logger, token.Key, missing.Count);
            await _notifier.PermissionsMissingAsync(
                new PermissionsMissingNotice(token.Key, userId, missing) { LoginRequest = LoginRequest(missing, FacebookLoginAuthType.Rerequest) },
                stopping).ConfigureAwait(false);
        }

        return stored;
    }

    /// <summary>
    /// Whether the person must be told that <paramref name="token"/> expires: a user token (or a system-user token, for its
    /// admin) inside <see cref="TokenManagerOptions.ExpiringNoticeBefore"/>, not yet told for this expiry, and not one the
    /// manager will still try to renew (it tries when the refresh is due; only a renewal that failed, or did not move the
    /// expiry, leaves it to the person).
    /// </summary>
    public static bool IsExpiryNoticeDue(StoredToken token, DateTimeOffset now, TokenManagerOptions options) =>
        token.Key.Kind is TokenKind.User or TokenKind.SystemUser
        && token.ExpiresAt is { } expiresAt
        && expiresAt > now
        && expiresAt - now <= options.ExpiringNoticeBefore
        && token.ExpiryNoticeSentFor != expiresAt
        && (!LifecycleRules.IsRefreshable(token) || RefreshSchedule.IsDue(token, now, options));

    /// <summary>Whether the person must be told that their data-access window ends (user tokens only: one notice per person).</summary>
    public static bool IsDataAccessNoticeDue(StoredToken token, DateTimeOffset now, TokenManagerOptions options) =>
        token.Key.Kind == TokenKind.User
        && token.DataAccessExpiresAt is { } dataAccess
        && dataAccess - now <= options.DataAccessNoticeBefore
        && token.DataAccessNoticeSentFor != dataAccess;

    /// <summary>The required permissions a user token lacks, sorted (empty for other kinds).</summary>
    public IReadOnlyList<string> Missing(StoredToken token, IEnumerable<string>? granted)
    {
        if (token.Key.Kind != TokenKind.User || _options.RequiredPermissions.Count == 0)
        {
            return [];
        }

        var have = new HashSet<string>(granted ?? token.Scopes, StringComparer.Ordinal);
        var missing = _options.RequiredPermissions.Where(p => !have.Contains(p)).Distinct(StringComparer.Ordinal).Order(StringComparer.Ordinal).ToArray();
        return missing.Length == 0 ? [] : missing;
    }

    /// <summary>The login to send the person through, for <see cref="FacebookLoginOptions.RedirectUri"/>; null when none is configured.</summary>
    public FacebookLoginRequest? LoginRequest(IReadOnlyList<string> scopes, FacebookLoginAuthType authType)
    {
        if (_loginOptions.Value.RedirectUri is not { } redirect)
        {
            LifecycleLog.NoRedirectUri(_logger);
            return null;
        }

        return new FacebookLoginRequest(redirect) { Scopes = scopes, AuthType = authType };
    }

    private static string[] Union(IReadOnlyList<string> first, IList<string> second) =>
        first.Concat(second).Distinct(StringComparer.Ordinal).ToArray();
}
