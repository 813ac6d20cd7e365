namespace FbTokens;

/// <summary>
/// Settings of the Facebook Login dialog URL builder (<see cref="IFacebookLoginUrlBuilder"/>). Bind them from
/// configuration (section <c>FbTokens:Login</c> by convention) or set them in code; they are validated at start-up.
/// The app id and the Graph API version come from <see cref="FbTokensOptions"/>.
/// </summary>
public sealed class FacebookLoginOptions
{
    /// <summary>The host of the Login dialog, <c>https://www.facebook.com/</c> by default. Must be absolute (https, or http on loopback).</summary>
    public Uri DialogBaseAddress { get; set; } = new("https://www.facebook.com/");

    /// <summary>
    /// The app's Facebook Login callback (absolute, https or http on loopback), e.g. <c>https://example.com/signin-facebook</c>.
    /// Optional: when set, the token manager's notices that need the person back carry a ready
    /// <see cref="FacebookLoginRequest"/> for it; when null they carry the auth type and scopes only. Null by default.
    /// </summary>
    public Uri? RedirectUri { get; set; }

    /// <summary>How long a <see cref="FacebookLoginState"/> is accepted after it was created. Default 10 minutes; between 1 second and 1 day.</summary>
    public TimeSpan StateLifetime { get; set; } = TimeSpan.FromMinutes(10);
}
