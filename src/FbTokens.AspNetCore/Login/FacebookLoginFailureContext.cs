using Microsoft.AspNetCore.Http;

namespace FbTokens;

/// <summary>What <see cref="FacebookLoginEndpointOptions.OnFailure"/> is told about a failed Facebook Login callback.</summary>
public sealed class FacebookLoginFailureContext
{
    /// <summary>Creates the context.</summary>
    /// <param name="httpContext">The callback request.</param>
    /// <param name="failure">Why it failed.</param>
    /// <param name="returnUrl">The local URL the login was started for, when known.</param>
    public FacebookLoginFailureContext(HttpContext httpContext, FacebookLoginFailure failure, string? returnUrl)
    {
        ArgumentNullException.ThrowIfNull(httpContext);
        HttpContext = httpContext;
        Failure = failure;
        ReturnUrl = returnUrl;
    }

    /// <summary>The callback request.</summary>
    public HttpContext HttpContext { get; }

    /// <summary>Why it failed.</summary>
    public FacebookLoginFailure Failure { get; }

    /// <summary>The local URL the login was started for, when the state cookie was read; else null.</summary>
    public string? ReturnUrl { get; }
}
