namespace FbTokens;

/// <summary>
/// The person's 90-day data-access window ends soon; only the person renews it, with a login that asks for
/// <c>auth_type=reauthorize</c> before <see cref="DataAccessExpiresAt"/> (the deadline). Raised once per user and window,
/// <see cref="TokenManagerOptions.DataAccessNoticeBefore"/> ahead.
/// </summary>
/// <param name="Key">The token's key.</param>
/// <param name="UserId">The app-scoped user concerned, when known.</param>
/// <param name="DataAccessExpiresAt">When data access ends: the deadline for the new login.</param>
/// <param name="Scopes">The permissions the token has, to ask for again.</param>
public sealed record DataAccessExpiringNotice(TokenKey Key, string? UserId, DateTimeOffset DataAccessExpiresAt, IReadOnlyList<string> Scopes)
{
    /// <summary>
    /// The login to send the person through, with <see cref="FacebookLoginAuthType.Reauthorize"/> and <see cref="Scopes"/>,
    /// for <see cref="FacebookLoginOptions.RedirectUri"/>; null when that is not configured: then build it with your own
    /// redirect URI.
    /// </summary>
    public FacebookLoginRequest? LoginRequest { get; init; }
}
