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

    /// <summary>Whether the manager can renew <paramref name="token"/>: a user token, or a page token whose owner is
    /// known, that has an expiry.</summary>
    public static bool IsRefreshable(StoredToken token) =>
        token.ExpiresAt is not null && (token.Key.Kind == TokenKind.User || (token.Key.Kind == TokenKind.Page && token.OwnerUserId is not null));

    /// <summary>The person a notice about <paramref name="key"/> is for: the user, or the owner of a page token.</summary>
    public static string? UserIdOf(TokenKey key, StoredToken? token) =>
        key.Kind == TokenKind.User ? key.SubjectId : token?.OwnerUserId;

    /// <summary>The stored form of a page token fetched with <paramref name="user"/>'s token.</summary>
    public static StoredToken PageToken(StoredToken user, PageTokenResponse page, DateTimeOffset now) => new()
    {
        Key = TokenKey.ForPage(page.Id),
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
