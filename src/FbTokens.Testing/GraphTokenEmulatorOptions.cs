namespace FbTokens.Testing;

/// <summary>Settings of a <see cref="GraphTokenEmulator"/>: the default app and the lifetimes it gives out.</summary>
public sealed class GraphTokenEmulatorOptions
{
    /// <summary>The default app's id (digits). Default <c>1000000000000001</c>.</summary>
    public string AppId { get; set; } = "1000000000000001";

    /// <summary>The default app's secret; null gives a random one. Read it back from <see cref="GraphTokenEmulator.DefaultApp"/>.</summary>
    public string? AppSecret { get; set; }

    /// <summary>The default app's name, reported by <c>debug_token</c> as <c>application</c>. Default <c>FbTokens Emulator</c>.</summary>
    public string AppName { get; set; } = "FbTokens Emulator";

    /// <summary>Whether the default app has "Require App Secret" on: calls with a user or page token then need <c>appsecret_proof</c>. Default false.</summary>
    public bool RequireAppSecretProof { get; set; }

    /// <summary>Calls per rolling hour that make 100 % in <c>X-App-Usage</c>; past it calls fail with code 4. Default 100,000.</summary>
    public int CallBudgetPerHour { get; set; } = 100_000;

    /// <summary>The lifetime of a short-lived user token (code exchange). Default 1.5 hours, within Graph's 1–2 hours.</summary>
    public TimeSpan ShortLivedTokenLifetime { get; set; } = TimeSpan.FromMinutes(90);

    /// <summary>The lifetime of a long-lived user token. Default 5,183,944 s (about 60 days), Graph's <c>expires_in</c>.</summary>
    public TimeSpan LongLivedTokenLifetime { get; set; } = TimeSpan.FromSeconds(5_183_944);

    /// <summary>How long an authorization code or a client code can be redeemed. Default 10 minutes.</summary>
    public TimeSpan CodeLifetime { get; set; } = TimeSpan.FromMinutes(10);

    /// <summary>
    /// The data-access window reported as <c>data_access_expires_at</c>, counted from the person's last login (a code
    /// redeemed, or a short-lived token minted for them). Once it has closed the token still authenticates
    /// (<c>debug_token</c> says <c>is_valid: true</c>) but reading the person's data (<c>me</c>) fails with error 190,
    /// subcode 493, until they log in again. Default 90 days.
    /// </summary>
    public TimeSpan DataAccessLifetime { get; set; } = TimeSpan.FromDays(90);

    /// <summary>
    /// Whether <c>fb_exchange_token</c> on a valid long-lived user token extends it. False (the default, as the field
    /// reports say): Graph answers with the same token and the expiry it already had, so <c>expires_in</c> is what is
    /// left. True: the answer is a new token with a fresh <see cref="LongLivedTokenLifetime"/>, as FbTokens once
    /// assumed. Exchanging a short-lived token gives a fresh long-lived one either way.
    /// </summary>
    public bool LongLivedExchangeExtends { get; set; }

    /// <summary>The page size of <c>/accounts</c> when the request has no <c>limit</c>. Default 25, as Graph.</summary>
    public int DefaultPageSize { get; set; } = 25;

    /// <summary>
    /// The client that delivers the deauthorize and data-deletion callbacks (<see cref="GraphTokenEmulator.RemoveAppAsync"/>,
    /// <see cref="GraphTokenEmulator.RequestDataDeletionAsync"/>), e.g. a <c>TestServer</c>'s client so in-memory tests
    /// reach the app without a socket. Null (the default): the emulator uses a client of its own. The emulator never disposes it.
    /// </summary>
    public HttpClient? CallbackHttpClient { get; set; }

    /// <summary>
    /// Whether the Kestrel host (<see cref="GraphTokenEmulator.StartServerAsync"/>) also serves the admin routes under
    /// <c>/_emulator/</c> (mint a code, remove the app for a user, request data deletion), answered only to loopback
    /// callers. The in-memory handler never serves them. Default false; <c>fbtokens emulator</c> turns it on.
    /// </summary>
    public bool EnableAdminRoutes { get; set; }
}
