namespace FbTokens;

/// <summary>
/// A user token lacks permissions listed in <see cref="TokenManagerOptions.RequiredPermissions"/> (declined at login, or
/// removed later). Raised once per user and missing set; a login with <see cref="FacebookLoginAuthType.Rerequest"/> asks again.
/// </summary>
/// <param name="Key">The token's key.</param>
/// <param name="UserId">The app-scoped user concerned.</param>
/// <param name="MissingPermissions">The required permissions the token lacks, sorted.</param>
public sealed record PermissionsMissingNotice(TokenKey Key, string? UserId, IReadOnlyList<string> MissingPermissions)
{
    /// <summary>
    /// The login to send the person through, with <see cref="FacebookLoginAuthType.Rerequest"/> and
    /// <see cref="MissingPermissions"/>, for <see cref="FacebookLoginOptions.RedirectUri"/>; null when that is not configured:
    /// then build it with your own redirect URI.
    /// </summary>
    public FacebookLoginRequest? LoginRequest { get; init; }
}
