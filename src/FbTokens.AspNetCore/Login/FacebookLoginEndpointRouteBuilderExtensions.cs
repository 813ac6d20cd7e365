using FbTokens.Internal;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;

namespace FbTokens;

/// <summary>Facebook Login without an authentication handler: a start endpoint and a callback endpoint.</summary>
public static class FacebookLoginEndpointRouteBuilderExtensions
{
    /// <summary>
    /// Maps <c>GET {pattern}</c>, which sends the browser to the Facebook Login dialog (<see cref="IFacebookLoginUrlBuilder"/>)
    /// with a fresh <c>state</c> kept in a Data Protection-protected, HttpOnly, SameSite=Lax cookie (Secure on https) that
    /// lives <see cref="FacebookLoginOptions.StateLifetime"/>; query <c>returnUrl</c> (local paths only) and
    /// <c>rerequest=true</c> (ask again for declined permissions). And <c>GET {pattern}/{CallbackPath}</c>, which checks
    /// the state (<see cref="IFacebookLoginUrlBuilder.ValidateCallback"/>) and deletes its cookie, exchanges the single-use
    /// code once, saves the token through <see cref="IGraphTokenManager.SaveUserTokenAsync"/>, optionally signs the person
    /// in (<see cref="FacebookLoginEndpointOptions.SignInScheme"/>), then calls <see cref="FacebookLoginEndpointOptions.OnSuccess"/>
    /// or redirects to the return URL. Every failure (declined dialog, missing, forged, expired or replayed state, a
    /// rejected code, Graph or the store unavailable) goes to <see cref="FacebookLoginEndpointOptions.OnFailure"/> (default:
    /// a redirect to <see cref="FacebookLoginEndpointOptions.FailureRedirectPath"/> or a 400 page), never a 500.
    /// Needs <c>AddFbTokens(...).AddTokenManager().AddFacebookLogin()</c> and <c>AddDataProtection()</c>.
    /// </summary>
    /// <param name="endpoints">The route builder.</param>
    /// <param name="pattern">A literal path such as <c>/login/facebook</c> (no route parameters).</param>
    /// <param name="configure">Sets scopes, the sign-in scheme, the outcome delegates.</param>
    /// <returns>The group of both endpoints, to add conventions (rate limiting, CORS, ...).</returns>
    /// <exception cref="ArgumentException">The pattern or the callback path is not a literal path, or a local URL option is not local.</exception>
    public static IEndpointConventionBuilder MapFacebookLogin(this IEndpointRouteBuilder endpoints, string pattern, Action<FacebookLoginEndpointOptions>? configure = null)
    {
        ArgumentNullException.ThrowIfNull(endpoints);
        var basePath = LiteralPath(pattern, nameof(pattern));
        var options = new FacebookLoginEndpointOptions();
        configure?.Invoke(options);
        var callback = LiteralPath("/" + (options.CallbackPath ?? string.Empty).Trim('/'), nameof(configure));
        if (callback == "/")
        {
            throw new ArgumentException("FacebookLoginEndpointOptions.CallbackPath must not be empty.", nameof(configure));
        }

        if (!LocalUrl.IsLocal(options.DefaultReturnUrl) || (options.FailureRedirectPath is { } failurePath && !LocalUrl.IsLocal(failurePath)))
        {
            throw new ArgumentException("DefaultReturnUrl and FailureRedirectPath must be local paths starting with '/'.", nameof(configure));
        }

        if (options.RedirectUri is { IsAbsoluteUri: false })
        {
            throw new ArgumentException("FacebookLoginEndpointOptions.RedirectUri must be absolute.", nameof(configure));
        }

        ArgumentException.ThrowIfNullOrWhiteSpace(options.CookieName, nameof(configure));
        var callbackPath = (basePath == "/" ? string.Empty : basePath) + callback;
        var handlers = new FacebookLoginEndpoints(options, callbackPath);
        var group = endpoints.MapGroup(basePath);
        group.MapGet("/", handlers.StartAsync).WithDisplayName("Facebook Login start");
        group.MapGet(callback, handlers.CallbackAsync).WithDisplayName("Facebook Login callback");
        return group;
    }

    private static string LiteralPath(string? path, string paramName)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(path, paramName);
        var trimmed = "/" + path.Trim().Trim('/');
        foreach (var c in trimmed)
        {
            if (c is '{' or '}' or '*' or '?' or '#' or '\\' || char.IsControl(c) || char.IsWhiteSpace(c))
            {
                throw new ArgumentException("The path must be a literal path such as /login/facebook.", paramName);
            }
        }

        return trimmed;
    }
}
