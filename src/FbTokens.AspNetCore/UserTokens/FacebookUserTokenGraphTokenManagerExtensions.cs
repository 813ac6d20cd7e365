using System.Security.Claims;
using FbTokens.Internal;

namespace FbTokens;

/// <summary>A <see cref="ClaimsPrincipal"/>'s stored Facebook tokens, outside a request (hubs, background work, tests).</summary>
public static class FacebookUserTokenGraphTokenManagerExtensions
{
    /// <summary>Gets the user token of the Facebook user that <paramref name="principal"/> names.</summary>
    /// <param name="manager">The token manager.</param>
    /// <param name="principal">The signed-in principal.</param>
    /// <param name="userIdClaimType">The claim holding the app-scoped user id; null for <see cref="ClaimTypes.NameIdentifier"/>.</param>
    /// <param name="cancellationToken">Cancels the wait.</param>
    /// <returns>The token, or why there is none.</returns>
    public static Task<FacebookUserTokenResult> GetFacebookUserTokenAsync(
        this IGraphTokenManager manager, ClaimsPrincipal? principal, string? userIdClaimType = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(manager);
        return UserTokenReader.ReadAsync(manager, principal, userIdClaimType ?? ClaimTypes.NameIdentifier, null, cancellationToken);
    }

    /// <summary>Gets the token of page <paramref name="pageId"/> when the user that <paramref name="principal"/> names owns it.</summary>
    /// <param name="manager">The token manager.</param>
    /// <param name="principal">The signed-in principal.</param>
    /// <param name="pageId">The page's id.</param>
    /// <param name="userIdClaimType">The claim holding the app-scoped user id; null for <see cref="ClaimTypes.NameIdentifier"/>.</param>
    /// <param name="cancellationToken">Cancels the wait.</param>
    /// <returns>The page token, or why there is none.</returns>
    /// <exception cref="ArgumentException"><paramref name="pageId"/> is empty or not an id.</exception>
    public static Task<FacebookUserTokenResult> GetFacebookPageTokenAsync(
        this IGraphTokenManager manager, ClaimsPrincipal? principal, string pageId, string? userIdClaimType = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(manager);
        _ = TokenKey.ForPage(pageId);
        return UserTokenReader.ReadAsync(manager, principal, userIdClaimType ?? ClaimTypes.NameIdentifier, pageId, cancellationToken);
    }
}
