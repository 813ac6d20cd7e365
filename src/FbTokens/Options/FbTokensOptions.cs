namespace FbTokens;

/// <summary>
/// Settings of the FbTokens client. Bind them from configuration (section <c>FbTokens</c> by convention:
/// <c>FbTokens:AppId</c>, <c>FbTokens:AppSecret</c>, …) or set them in code. They are validated at start-up.
/// </summary>
public sealed class FbTokensOptions
{
    /// <summary>The default Graph API version, chosen in November 2026 as the newest stable version we could verify.</summary>
    public const string DefaultGraphApiVersion = "v24.0";

    /// <summary>The numeric app id from the app dashboard. Required.</summary>
    public string AppId { get; set; } = string.Empty;

    /// <summary>
    /// The app secret. Keep it on the server, in a secret store. Required for every operation except
    /// <see cref="IGraphTokenClient.RedeemClientCodeAsync"/>; those fail fast with <see cref="InvalidOperationException"/> without it.
    /// </summary>
    public string? AppSecret { get; set; }

    /// <summary>The app's client token from the dashboard, for <c>{app-id}|{client-token}</c> calls. Optional.</summary>
    public string? ClientToken { get; set; }

    /// <summary>The Graph API version, <c>vNN.N</c>. Defaults to <see cref="DefaultGraphApiVersion"/>.</summary>
    public string GraphApiVersion { get; set; } = DefaultGraphApiVersion;

    /// <summary>The Graph host, <c>https://graph.facebook.com/</c> by default. Point it at the emulator in tests. Must be absolute.</summary>
    public Uri GraphBaseAddress { get; set; } = new("https://graph.facebook.com/");

    /// <summary>Whether to send <c>appsecret_proof</c> with every request that carries a user, page or system-user token. On by default.</summary>
    public bool UseAppSecretProof { get; set; } = true;

    /// <summary>
    /// Where the caller's own credential goes on a GET read (<c>/accounts</c>, <c>debug_token</c>, and requests through
    /// the Graph access-token handler): in the <c>Authorization: Bearer</c> header when true (the default), or as the
    /// <c>access_token</c> query parameter when false. Bind it from <c>FbTokens:SendAccessTokenInHeader</c>.
    /// </summary>
    /// <remarks>
    /// <para>In the header, the token is in no URL that a proxy, an access log, a browser history or a redirect could
    /// keep, and IHttpClientFactory's logging always redacts it. Meta documents the header for user, page and
    /// system-user tokens on reads; it does not document it for the app token (<c>{app-id}|{app-secret}</c>) that
    /// <c>debug_token</c> sends, where only the <c>access_token</c> parameter is documented.</para>
    /// <para>Turn it off if Graph, or a proxy or gateway in front of it, does not take the header: for example when
    /// <c>debug_token</c> or <c>/accounts</c> answers error 104 ("An access token is required") or 190 while the same
    /// token works as a parameter. The credential is then sent as before, as the <c>access_token</c> query parameter.
    /// FbTokens never logs URLs, masks the token in every message, log and tag, and IHttpClientFactory's own request
    /// logging (if a host adds it back) replaces the query with <c>*</c> unless <c>System.Net.Http.DisableUriRedaction</c>
    /// is set; but a proxy or access log outside the process may keep the URL.</para>
    /// <para>Either way, <c>appsecret_proof</c> and <c>debug_token</c>'s <c>input_token</c> are query parameters (Graph
    /// reads them only there), and POST requests (the <c>oauth/*</c> endpoints, the sweep's batch) carry the credential
    /// in the form body.</para>
    /// </remarks>
    public bool SendAccessTokenInHeader { get; set; } = true;

    /// <summary>How many pages to ask for per <c>/accounts</c> request (Graph's <c>limit</c>), 1–100. Default 100.</summary>
    public int PageSize { get; set; } = 100;

    /// <summary>The retry and timeout settings of the built-in resilience pipeline.</summary>
    public GraphResilienceOptions Resilience { get; set; } = new();

    /// <summary>Bounds on response bodies and paging (<c>FbTokens:Limits:*</c>).</summary>
    public GraphResponseLimits Limits { get; set; } = new();

    /// <summary>
    /// The name of the app these options belong to (<c>AddFbTokens(name, …)</c>); null for the unnamed app. Set by the
    /// registration, never bound: it tells every part built from these options which app it serves.
    /// </summary>
    internal string? AppName { get; set; }

    /// <summary>
    /// The <see cref="TokenKey.AppId"/> of this app's stored tokens: null for the unnamed app (as before several apps
    /// could share a host), <see cref="AppId"/> for a named one, so that one store keeps every app's tokens apart.
    /// </summary>
    internal string? TokenKeyAppId => AppName is null ? null : AppId;
}
