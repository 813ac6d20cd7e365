namespace FbTokens;

/// <summary>What to ask the Facebook Login dialog for.</summary>
/// <param name="RedirectUri">
/// Where Facebook sends the person back with <c>code</c> and <c>state</c>: absolute, https (http only on loopback),
/// no fragment, and registered as a valid OAuth redirect URI of the app. The code exchange must use the same URI.
/// </param>
public sealed record FacebookLoginRequest(Uri RedirectUri)
{
    /// <summary>The permissions to ask for, e.g. <c>email</c>, <c>pages_show_list</c>; sent comma-separated. Empty by default (Facebook then grants <c>public_profile</c>).</summary>
    public IReadOnlyList<string> Scopes { get; init; } = [];

    /// <summary>
    /// What else to ask of the dialog: <see cref="FacebookLoginAuthType.Rerequest"/> to ask again for declined permissions,
    /// <see cref="FacebookLoginAuthType.Reauthorize"/> to renew an ending data-access window. Default
    /// <see cref="FacebookLoginAuthType.None"/>.
    /// </summary>
    public FacebookLoginAuthType AuthType { get; init; }

    /// <summary>The configuration id of Facebook Login for Business (<c>config_id</c>); it replaces <see cref="Scopes"/> on Facebook's side. Null by default.</summary>
    public string? ConfigId { get; init; }
}
