namespace FbTokens.Internal;

/// <summary>The few rules every lifecycle part applies the same way.</summary>
internal static class LifecycleRules
{
    /// <summary>Throws unless <paramref name="key"/> names the app in <c>FbTokens:AppId</c> (or no app).</summary>
    /// <exception cref="ArgumentNullException"><paramref name="key"/> is null.</exception>
    /// <exception cref="ArgumentException"><paramref name="key"/> names another app.</exception>
    public static void CheckKey(TokenKey key, string appId)
    {
        ArgumentNullException.ThrowIfNull(key);
        if (key.AppId is not null && key.AppId != appId)
        {
            throw new ArgumentException("This manager serves the app in FbTokens:AppId only; the key names another app.", nameof(key));
        }

        if (key.Kind == TokenKind.App && key.SubjectId != appId)
        {
            throw new ArgumentException("An app token key must name the app in FbTokens:AppId.", nameof(key));
        }
    }

    /// <summary>
    /// <paramref name="key"/> as this app stores it, after <see cref="CheckKey"/>: a named app's tokens carry its id in
    /// <see cref="TokenKey.AppId"/> (<paramref name="keyAppId"/>, see <see cref="FbTokensOptions.TokenKeyAppId"/>), so that
    /// apps sharing one store never read each other's; a key that names no app is taken as this app's. The unnamed app's
    /// keys stay as given. App-token keys are never stored and stay as they are.
    /// </summary>
    /// <exception cref="ArgumentNullException"><paramref name="key"/> is null.</exception>
    /// <exception cref="ArgumentException"><paramref name="key"/> names another app.</exception>
    public static TokenKey Scope(TokenKey key, string appId, string? keyAppId)
    {
        CheckKey(key, appId);
        return keyAppId is null || key.AppId is not null || key.Kind == TokenKind.App ? key : new TokenKey(key.Kind, key.SubjectId, keyAppId);
    }

    /// <summary>
    /// Whether a stored <paramref name="key"/> is this app's: it names this app, or (for the unnamed app, whose
    /// <paramref name="keyAppId"/> is null) no app. The sweep leaves every other app's tokens to that app.
    /// </summary>
    public static bool Owns(TokenKey key, string appId, string? keyAppId) =>
        key.AppId == keyAppId || key.AppId == appId;

    /// <summary>Whether the manager can try to renew <paramref name="token"/>: a user token, a 60-day system-user token, or a
    /// page token whose owner is known, that has an expiry, unless a renewal already showed that only the person can renew it
    /// (<see cref="StoredToken.RenewalNeedsPerson"/>).</summary>
    public static bool IsRefreshable(StoredToken token) =>
        token.ExpiresAt is not null
        && !token.RenewalNeedsPerson
        && (token.Key.Kind is TokenKind.User or TokenKind.SystemUser || (token.Key.Kind == TokenKind.Page && token.OwnerUserId is not null));

    /// <summary>Whether a renewal moved the expiry forward: the new token never expires, or expires later than the old.</summary>
    public static bool ExpiryMoved(DateTimeOffset? previous, DateTimeOffset? renewed) =>
        renewed is null || (previous is { } before && renewed > before);

    /// <summary>The person a notice about <paramref name="key"/> is for: the user, or the owner of a page token.</summary>
    public static string? UserIdOf(TokenKey key, StoredToken? token) =>
        key.Kind == TokenKind.User ? key.SubjectId : token?.OwnerUserId;

    /// <summary>The stored form of a page token fetched with <paramref name="user"/>'s token.</summary>
    public static StoredToken PageToken(StoredToken user, PageTokenResponse page, DateTimeOffset now) => new()
    {
        // In the owner's app: a named app's page tokens carry its id, as its user tokens do.
        Key = TokenKey.ForPage(page.Id, user.Key.AppId),
        Value = page.AccessToken,

        // A page token obtained with a long-lived user token does not expire; with a short-lived one it lasts as long.
        ExpiresAt = user.ExpiresAt is { } userExpiry && userExpiry - now <= TimeSpan.FromDays(1) ? userExpiry : null,
        DataAccessExpiresAt = user.DataAccessExpiresAt,
        Scopes = user.Scopes,
        Status = TokenStatus.Valid,
        IssuedAt = now,
        UpdatedAt = now,
        OwnerUserId = user.Key.SubjectId,
    };
}
