using Microsoft.AspNetCore.Http;

namespace FbTokens;

/// <summary>Options of the endpoints mapped by <c>MapFacebookLogin</c>.</summary>
public sealed class FacebookLoginEndpointOptions
{
    /// <summary>The permissions to ask for (e.g. <c>email</c>, <c>pages_show_list</c>); none by default.</summary>
    public IList<string> Scopes { get; } = [];

    /// <summary>A Facebook Login for Business configuration id, or null.</summary>
    public string? ConfigId { get; set; }

    /// <summary>
    /// The callback's path below the login pattern; default <c>callback</c> (so <c>MapFacebookLogin("/login/facebook")</c>
    /// serves <c>/login/facebook/callback</c>, the redirect URI to register with Facebook).
    /// </summary>
    public string CallbackPath { get; set; } = "callback";

    /// <summary>
    /// The absolute redirect URI sent to Facebook, when the app is behind a proxy that hides its public address; null to
    /// build it from the request (scheme, host, path base and the callback path).
    /// </summary>
    public Uri? RedirectUri { get; set; }

    /// <summary>Also fetch and store the tokens of every page the person manages.</summary>
    public bool IncludePageTokens { get; set; }

    /// <summary>
    /// An authentication scheme (e.g. the cookie scheme) to sign the person in with after the token is saved: a principal
    /// with the user id in <see cref="FacebookUserTokenOptions.UserIdClaimType"/>. Null (default) to leave signing in to
    /// <see cref="OnSuccess"/>.
    /// </summary>
    public string? SignInScheme { get; set; }

    /// <summary>Where to go after a login that was started without a (local) <c>returnUrl</c>; default <c>/</c>.</summary>
    public string DefaultReturnUrl { get; set; } = "/";

    /// <summary>
    /// The prefix of the state cookie's name (one cookie per login in progress, named after the state's hash);
    /// default <c>.FbTokens.Login</c>.
    /// </summary>
    public string CookieName { get; set; } = ".FbTokens.Login";

    /// <summary>
    /// What to answer once the token is saved (and the person signed in, with <see cref="SignInScheme"/>); null to redirect
    /// to the return URL. Exceptions it throws are the host's own.
    /// </summary>
    public Func<FacebookLoginSuccessContext, Task<IResult>>? OnSuccess { get; set; }

    /// <summary>
    /// What to answer when the callback fails for any <see cref="FacebookLoginFailure"/>; null to redirect to
    /// <see cref="FailureRedirectPath"/> with <c>?error={failure}</c>, or without one answer 400 with a short text page.
    /// </summary>
    public Func<FacebookLoginFailureContext, Task<IResult>>? OnFailure { get; set; }

    /// <summary>A local path to redirect failures to (with <c>?error={failure}</c>) when <see cref="OnFailure"/> is null; default null (a 400 page).</summary>
    public string? FailureRedirectPath { get; set; }
}
