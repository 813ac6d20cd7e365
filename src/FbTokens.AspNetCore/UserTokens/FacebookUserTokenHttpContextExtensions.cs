using FbTokens.Internal;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace FbTokens;

/// <summary>The signed-in user's stored Facebook tokens, from the request's <see cref="HttpContext.User"/>.</summary>
public static class FacebookUserTokenHttpContextExtensions
{
    /// <summary>
    /// Gets the signed-in user's usable user token through <see cref="IGraphTokenManager.GetTokenAsync"/> (a valid token
    /// at once; a due refresh runs in the background). The user id is read from <see cref="FacebookUserTokenOptions.UserIdClaimType"/>.
    /// </summary>
    /// <param name="context">The request; needs <c>AddFbTokens(...).AddTokenManager()</c>.</param>
    /// <param name="cancellationToken">Cancels the wait.</param>
    /// <returns>The token, or <see cref="FacebookUserTokenStatus.NotSignedIn"/> / <see cref="FacebookUserTokenStatus.ReauthenticationRequired"/>.</returns>
    /// <exception cref="GraphApiException">A refresh that was due failed in a way the manager does not absorb.</exception>
    public static Task<FacebookUserTokenResult> GetFacebookUserTokenAsync(this HttpContext context, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(context);
        return UserTokenReader.ReadAsync(ManagerOf(context), context.User, ClaimTypeOf(context), null, cancellationToken);
    }

    /// <summary>
    /// Gets the token of page <paramref name="pageId"/> when the signed-in user owns it (its <see cref="StoredToken.OwnerUserId"/>
    /// is the user), else <see cref="FacebookUserTokenStatus.PageNotOwned"/>.
    /// </summary>
    /// <param name="context">The request; needs <c>AddFbTokens(...).AddTokenManager()</c>.</param>
    /// <param name="pageId">The page's id.</param>
    /// <param name="cancellationToken">Cancels the wait.</param>
    /// <returns>The page token, or why there is none.</returns>
    /// <exception cref="ArgumentException"><paramref name="pageId"/> is empty or not an id.</exception>
    public static Task<FacebookUserTokenResult> GetFacebookPageTokenAsync(this HttpContext context, string pageId, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(context);
        _ = TokenKey.ForPage(pageId);
        return UserTokenReader.ReadAsync(ManagerOf(context), context.User, ClaimTypeOf(context), pageId, cancellationToken);
    }

    internal static IGraphTokenManager ManagerOf(HttpContext context) =>
        context.RequestServices.GetService<IGraphTokenManager>()
            ?? throw new InvalidOperationException("The signed-in user's Facebook tokens need the token manager: call AddFbTokens(...).AddTokenManager().");

    internal static string ClaimTypeOf(HttpContext context) =>
        context.RequestServices.GetService<IOptions<FacebookUserTokenOptions>>()?.Value.UserIdClaimType
            ?? System.Security.Claims.ClaimTypes.NameIdentifier;
}
