namespace FbTokens;

/// <summary>
/// Builds Facebook Login dialog URLs for the server-side (authorization code) flow, with a random CSRF
/// <c>state</c>, and checks the state when Facebook redirects back. Register it with
/// <c>services.AddFbTokens(...).AddFacebookLogin()</c>.
/// </summary>
public interface IFacebookLoginUrlBuilder
{
    /// <summary>
    /// Builds <c>https://www.facebook.com/{version}/dialog/oauth?client_id&amp;redirect_uri&amp;state&amp;response_type=code</c>
    /// (plus <c>scope</c>, <c>auth_type=rerequest</c> and <c>config_id</c> when asked for) with a fresh random state.
    /// </summary>
    /// <param name="request">The redirect URI, scopes and flags.</param>
    /// <returns>The URL to redirect the browser to, and the <see cref="FacebookLoginState"/> to keep until the callback.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="request"/> or its redirect URI is null.</exception>
    /// <exception cref="ArgumentException">
    /// The redirect URI is relative, not https (http is allowed on loopback only) or has a fragment; a scope is empty or
    /// contains white space, a comma or a control character; the config id is empty or contains white space or control characters.
    /// </exception>
    FacebookLoginUrl Build(FacebookLoginRequest request);

    /// <summary>
    /// Checks the <c>state</c> Facebook sent back against the one the app kept: present, equal (compared in constant
    /// time), not older than <see cref="FacebookLoginOptions.StateLifetime"/> and not accepted before by this builder.
    /// Delete the kept state afterwards whatever the outcome: that is what makes it single-use across a web farm.
    /// </summary>
    /// <param name="stored">The state the app kept; null when it has none (e.g. the cookie is gone).</param>
    /// <param name="returnedState">The callback's <c>state</c> query parameter.</param>
    /// <returns>The redirect URI the state was created for (<see cref="FacebookLoginState.RedirectUri"/>): pass it to <see cref="IGraphTokenClient.ExchangeCodeAsync"/>.</returns>
    /// <exception cref="FacebookLoginStateException">The state is missing, does not match, has expired or was used before (<see cref="FacebookLoginStateException.Reason"/>).</exception>
    Uri ValidateCallback(FacebookLoginState? stored, string? returnedState);
}
