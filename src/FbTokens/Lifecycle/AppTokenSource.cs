namespace FbTokens;

/// <summary>How the app access token is obtained.</summary>
public enum AppTokenSource
{
    /// <summary><c>{app-id}|{app-secret}</c>, composed locally with no network call (Graph's documented shortcut).</summary>
    AppIdAndSecret = 0,

    /// <summary><c>oauth/access_token?grant_type=client_credentials</c>, fetched once and cached in memory.</summary>
    ClientCredentials = 1,
}
