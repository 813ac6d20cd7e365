using System.Security.Claims;

namespace FbTokens;

/// <summary>
/// How FbTokens.AspNetCore finds the Facebook user of a <see cref="ClaimsPrincipal"/>. Configure it with
/// <c>services.Configure&lt;FacebookUserTokenOptions&gt;(o =&gt; o.UserIdClaimType = "…")</c>; without it the defaults apply.
/// </summary>
public sealed class FacebookUserTokenOptions
{
    /// <summary>
    /// The claim that holds the app-scoped Facebook user id. Default <see cref="ClaimTypes.NameIdentifier"/>, the claim
    /// ASP.NET Core's Facebook handler maps from <c>id</c>; the sign-in bridge and <c>MapFacebookLogin</c> add it when the
    /// principal has none.
    /// </summary>
    public string UserIdClaimType { get; set; } = ClaimTypes.NameIdentifier;
}
