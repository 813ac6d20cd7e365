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

    /// <summary>How many pages to ask for per <c>/accounts</c> request (Graph's <c>limit</c>), 1–100. Default 100.</summary>
    public int PageSize { get; set; } = 100;

    /// <summary>The retry and timeout settings of the built-in resilience pipeline.</summary>
    public GraphResilienceOptions Resilience { get; set; } = new();

    /// <summary>Bounds on response bodies and paging (<c>FbTokens:Limits:*</c>).</summary>
    public GraphResponseLimits Limits { get; set; } = new();
}
