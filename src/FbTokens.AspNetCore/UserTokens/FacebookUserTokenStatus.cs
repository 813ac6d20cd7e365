namespace FbTokens;

/// <summary>What <see cref="FacebookUserTokenHttpContextExtensions.GetFacebookUserTokenAsync(Microsoft.AspNetCore.Http.HttpContext, CancellationToken)"/> found.</summary>
public enum FacebookUserTokenStatus
{
    /// <summary>A usable token: <see cref="FacebookUserTokenResult.Token"/> is set.</summary>
    Found = 0,

    /// <summary>Nobody is signed in, or the principal has no Facebook user id claim.</summary>
    NotSignedIn = 1,

    /// <summary>
    /// No usable token is stored for the signed-in user (none saved, or it is invalid or expired): send the person through
    /// Facebook Login again. <see cref="FacebookUserTokenResult.Reason"/> says why.
    /// </summary>
    ReauthenticationRequired = 2,

    /// <summary>The page token asked for is stored, but it belongs to another user: it is not handed out.</summary>
    PageNotOwned = 3,
}
