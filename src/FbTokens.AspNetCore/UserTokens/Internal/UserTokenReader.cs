using System.Security.Claims;

namespace FbTokens.Internal;

/// <summary>Reads the signed-in user's id from a principal and their (or their page's) token from the manager.</summary>
internal static class UserTokenReader
{
    /// <summary>The user id claim's value; null when the principal is not authenticated or has no such claim.</summary>
    public static string? UserIdOf(ClaimsPrincipal? principal, string claimType)
    {
        if (principal?.Identities.Any(i => i.IsAuthenticated) != true)
        {
            return null;
        }

        var value = principal.FindFirst(claimType)?.Value;
        return string.IsNullOrWhiteSpace(value) || value.Length > TokenKey.MaxIdLength ? null : value;
    }

    public static async Task<FacebookUserTokenResult> ReadAsync(
        IGraphTokenManager manager, ClaimsPrincipal? principal, string claimType, string? pageId, CancellationToken cancellationToken)
    {
        var userId = UserIdOf(principal, claimType);
        if (userId is null)
        {
            return new FacebookUserTokenResult(FacebookUserTokenStatus.NotSignedIn, null, null, null);
        }

        TokenKey key;
        try
        {
            key = pageId is null ? TokenKey.ForUser(userId) : TokenKey.ForPage(pageId);
        }
        catch (ArgumentException) when (pageId is null)
        {
            // A claim value that cannot be a Graph id (white space, ':' or '@') names nobody whose token could be stored.
            return new FacebookUserTokenResult(FacebookUserTokenStatus.NotSignedIn, null, null, null);
        }

        try
        {
            var token = await manager.GetTokenAsync(key, cancellationToken).ConfigureAwait(false);
            if (pageId is not null && !string.Equals(token.OwnerUserId, userId, StringComparison.Ordinal))
            {
                return new FacebookUserTokenResult(FacebookUserTokenStatus.PageNotOwned, userId, null, null);
            }

            return new FacebookUserTokenResult(FacebookUserTokenStatus.Found, userId, token, null);
        }
        catch (ReauthenticationRequiredException ex)
        {
            return new FacebookUserTokenResult(FacebookUserTokenStatus.ReauthenticationRequired, userId, null, ex.Reason);
        }
    }
}
