namespace FbTokens;

/// <summary>
/// A token that the manager cannot renew expires soon: only the person can renew it, by logging in again before
/// <see cref="ExpiresAt"/> (the deadline). Raised once per token and expiry, <see cref="TokenManagerOptions.ExpiringNoticeBefore"/>
/// ahead; send the person an e-mail with a link to your login endpoint.
/// </summary>
/// <param name="Key">The token's key.</param>
/// <param name="UserId">The app-scoped user to bring back, when known (null for a system-user token, which an admin renews).</param>
/// <param name="ExpiresAt">When it expires: the deadline for the new login.</param>
public sealed record TokenExpiringNotice(TokenKey Key, string? UserId, DateTimeOffset ExpiresAt)
{
    /// <summary>The permissions to ask for at the new login: the token's own plus any required ones it lacks.</summary>
    public IReadOnlyList<string> Scopes { get; init; } = [];

    /// <summary><see cref="FacebookLoginAuthType.Rerequest"/> when the token lacks a permission of
    /// <see cref="TokenManagerOptions.RequiredPermissions"/>, else <see cref="FacebookLoginAuthType.None"/>.</summary>
    public FacebookLoginAuthType AuthType { get; init; }

    /// <summary>
    /// The login to send the person through (<see cref="IFacebookLoginUrlBuilder.Build"/> it when they follow your link),
    /// for <see cref="FacebookLoginOptions.RedirectUri"/>; null when that is not configured (or for a system-user token):
    /// then build it from <see cref="Scopes"/> and <see cref="AuthType"/> with your own redirect URI.
    /// </summary>
    public FacebookLoginRequest? LoginRequest { get; init; }
}
