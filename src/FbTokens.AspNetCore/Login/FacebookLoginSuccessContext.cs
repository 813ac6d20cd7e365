using Microsoft.AspNetCore.Http;

namespace FbTokens;

/// <summary>What <see cref="FacebookLoginEndpointOptions.OnSuccess"/> is told about a completed Facebook Login.</summary>
public sealed class FacebookLoginSuccessContext
{
    /// <summary>Creates the context.</summary>
    /// <param name="httpContext">The callback request.</param>
    /// <param name="userToken">The saved user token.</param>
    /// <param name="returnUrl">The local URL to go back to.</param>
    public FacebookLoginSuccessContext(HttpContext httpContext, StoredToken userToken, string returnUrl)
    {
        ArgumentNullException.ThrowIfNull(httpContext);
        ArgumentNullException.ThrowIfNull(userToken);
        ArgumentNullException.ThrowIfNull(returnUrl);
        HttpContext = httpContext;
        UserToken = userToken;
        ReturnUrl = returnUrl;
    }

    /// <summary>The callback request.</summary>
    public HttpContext HttpContext { get; }

    /// <summary>The saved user token (long-lived); <see cref="StoredToken.Key"/> names the app-scoped user. Its <c>ToString()</c> masks the value.</summary>
    public StoredToken UserToken { get; }

    /// <summary>The local URL the login was started for (<see cref="FacebookLoginEndpointOptions.DefaultReturnUrl"/> when none or not local).</summary>
    public string ReturnUrl { get; }
}
