using FbTokens.Testing.Internal;

namespace FbTokens.Testing;

/// <summary>
/// A local emulator of the Facebook Graph API token endpoints (<c>oauth/access_token</c>, <c>oauth/client_code</c>,
/// <c>{user-id}/accounts</c>, <c>debug_token</c>, <c>me</c>, <c>me/permissions</c> and batch requests) and of the Facebook
/// Login dialog (<c>{version}/dialog/oauth</c>), with app removal and data-deletion callbacks, faithful to Graph's fields, errors,
/// lifetimes and usage headers. Host it in memory with <see cref="CreateHttpMessageHandler"/> (unit tests) or on
/// loopback with <see cref="StartServerAsync"/> (out-of-process clients); both hosts share one engine and one state.
/// </summary>
/// <remarks>
/// Thread-safe. Time comes from the <see cref="System.TimeProvider"/> given to the constructor, so a
/// <c>FakeTimeProvider</c> can expire tokens and codes without waiting. The emulator never logs: requests carry tokens.
/// </remarks>
public sealed class GraphTokenEmulator : IAsyncDisposable
{
    private static readonly string[] DefaultScopes = ["email", "public_profile", "pages_show_list", "pages_read_engagement", "pages_manage_posts"];
    private static readonly string[] DefaultSystemUserScopes = ["business_management", "pages_show_list", "pages_read_engagement"];
    private static readonly string[] DefaultTasks = ["ANALYZE", "ADVERTISE", "MODERATE", "CREATE_CONTENT", "MANAGE"];

    private readonly EmulatorEngine _engine;
    private readonly SemaphoreSlim _serverGate = new(1, 1);
    private KestrelGraphHost? _server;

    /// <summary>Creates an emulator with one app (<see cref="DefaultApp"/>) and no users.</summary>
    /// <param name="timeProvider">The clock for expiries, usage windows and injected latency; <see cref="TimeProvider.System"/> when null.</param>
    /// <param name="options">Settings; defaults when null.</param>
    public GraphTokenEmulator(TimeProvider? timeProvider = null, GraphTokenEmulatorOptions? options = null)
    {
        TimeProvider = timeProvider ?? TimeProvider.System;
        _engine = new EmulatorEngine(TimeProvider, options ?? new GraphTokenEmulatorOptions());
        Faults = new EmulatorFaults(_engine);
    }

    /// <summary>The address the in-memory handler answers for (<c>https://graph.emulator.test/</c>); it answers any host, this one just names it.</summary>
    public static Uri InMemoryBaseAddress { get; } = new("https://graph.emulator.test/");

    /// <summary>
    /// The address to set as <c>FbTokensOptions.GraphBaseAddress</c>: the Kestrel server's <c>http://127.0.0.1:{port}/</c>
    /// once <see cref="StartServerAsync"/> has run, else <see cref="InMemoryBaseAddress"/>.
    /// </summary>
    public Uri BaseAddress => _server?.BaseAddress ?? InMemoryBaseAddress;

    /// <summary>The engine, for the admin-route tests.</summary>
    internal EmulatorEngine Engine => _engine;

    /// <summary>The clock the emulator runs on.</summary>
    public TimeProvider TimeProvider { get; }

    /// <summary>The app created with the emulator, from <see cref="GraphTokenEmulatorOptions"/>.</summary>
    public EmulatedApp DefaultApp => _engine.Store.DefaultApp;

    /// <summary>Fault injection: invalidated tokens are on the emulator itself; throttles, transient failures, broken bodies, resets and latency are here.</summary>
    public EmulatorFaults Faults { get; }

    /// <summary>Adds another app.</summary>
    /// <param name="name">The app name; a generated one when null.</param>
    /// <param name="requireAppSecretProof">Whether calls with a user or page token must carry <c>appsecret_proof</c>.</param>
    /// <param name="callBudgetPerHour">Calls per rolling hour that make 100 % in <c>X-App-Usage</c>.</param>
    /// <returns>The app, with its generated id, secret and client token.</returns>
    public EmulatedApp AddApp(string? name = null, bool requireAppSecretProof = false, int callBudgetPerHour = 100_000) =>
        _engine.Store.AddApp(null, null, name ?? "Emulated App", requireAppSecretProof, callBudgetPerHour);

    /// <summary>Creates a test user who has logged into the app, with a fresh short-lived user token.</summary>
    /// <param name="name">The user's name; a generated one when null.</param>
    /// <param name="appId">The app; <see cref="DefaultApp"/> when null.</param>
    /// <param name="scopes">The permissions granted; <c>email, public_profile, pages_show_list, pages_read_engagement, pages_manage_posts</c> when null.</param>
    /// <returns>The user and their short-lived token.</returns>
    /// <exception cref="ArgumentException">The app does not exist.</exception>
    public EmulatedUser CreateTestUser(string? name = null, string? appId = null, IEnumerable<string>? scopes = null) =>
        _engine.Store.CreateUser(name, appId, scopes?.ToArray() ?? DefaultScopes);

    /// <summary>
    /// Creates a Business system user with the app installed and one token, as <c>POST /{system-user-id}/access_tokens</c>
    /// gives it: a non-expiring token, or with <paramref name="tokenExpiresIn60Days"/> one valid for
    /// <see cref="GraphTokenEmulatorOptions.LongLivedTokenLifetime"/> (60 days) that <c>fb_exchange_token</c> with
    /// <c>set_token_expires_in_60_days=true</c> renews. <c>debug_token</c> reports it as <c>SYSTEM_USER</c>, with no
    /// data-access window. <see cref="IssueUserToken"/> with its id issues another token of the same kind.
    /// </summary>
    /// <param name="name">The system user's name; a generated one when null.</param>
    /// <param name="tokenExpiresIn60Days">True for the 60-day kind, false for the non-expiring kind.</param>
    /// <param name="appId">The app; <see cref="DefaultApp"/> when null.</param>
    /// <param name="scopes">The permissions granted; <c>business_management, pages_show_list, pages_read_engagement</c> when null.</param>
    /// <returns>The system user and its token.</returns>
    /// <exception cref="ArgumentException">The app does not exist.</exception>
    public EmulatedUser CreateSystemUser(string? name = null, bool tokenExpiresIn60Days = false, string? appId = null, IEnumerable<string>? scopes = null) =>
        _engine.Store.CreateSystemUser(name, appId, scopes?.ToArray() ?? DefaultSystemUserScopes, tokenExpiresIn60Days);

    /// <summary>Gives a user a role on <paramref name="count"/> new pages (named <c>Test Page 1…n</c>, category Brand, all tasks).</summary>
    /// <param name="userId">The user's id.</param>
    /// <param name="count">How many pages to create.</param>
    /// <returns>The pages, in the order <c>/accounts</c> lists them.</returns>
    /// <exception cref="ArgumentException">The user does not exist.</exception>
    public IReadOnlyList<EmulatedPage> CreatePages(string userId, int count)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(count);
        return Enumerable.Range(1, count).Select(i => CreatePage(userId, "Test Page " + i.ToString(System.Globalization.CultureInfo.InvariantCulture))).ToList();
    }

    /// <summary>Gives a user a role on one new page.</summary>
    /// <param name="userId">The user's id.</param>
    /// <param name="name">The page name.</param>
    /// <param name="category">The page category; <c>Brand</c> by default.</param>
    /// <param name="tasks">The user's tasks on the page; <c>ANALYZE, ADVERTISE, MODERATE, CREATE_CONTENT, MANAGE</c> when null.</param>
    /// <returns>The page.</returns>
    /// <exception cref="ArgumentException">The user does not exist.</exception>
    public EmulatedPage CreatePage(string userId, string? name = null, string category = "Brand", IEnumerable<string>? tasks = null)
    {
        ArgumentNullException.ThrowIfNull(userId);
        return _engine.Store.AddPage(userId, name, category, tasks?.ToArray() ?? DefaultTasks);
    }

    /// <summary>Mints the single-use authorization code Facebook Login would send to <paramref name="redirectUri"/>; it expires after <see cref="GraphTokenEmulatorOptions.CodeLifetime"/>.</summary>
    /// <param name="userId">The user who logged in.</param>
    /// <param name="redirectUri">The redirect URI of the login dialog; the exchange must use the same one.</param>
    /// <returns>The code.</returns>
    /// <exception cref="ArgumentException">The user does not exist.</exception>
    public string CreateAuthorizationCode(string userId, Uri redirectUri)
    {
        ArgumentNullException.ThrowIfNull(userId);
        ArgumentNullException.ThrowIfNull(redirectUri);
        return _engine.Store.CreateAuthorizationCode(userId, redirectUri);
    }

    /// <summary>
    /// Issues another user token directly, e.g. to seed a token store with many long-lived tokens. A short-lived token
    /// stands for a new login, so it reopens the user's data-access window; a long-lived one leaves it as it is. For a
    /// system user (<see cref="CreateSystemUser"/>) it issues another system-user token of that user's kind.
    /// </summary>
    /// <param name="userId">The user.</param>
    /// <param name="longLived">True for a long-lived token (about 60 days), false for a short-lived one; ignored for a system user.</param>
    /// <returns>The token.</returns>
    /// <exception cref="ArgumentException">The user does not exist.</exception>
    public string IssueUserToken(string userId, bool longLived = true)
    {
        ArgumentNullException.ThrowIfNull(userId);
        return _engine.Store.IssueUserToken(userId, longLived);
    }

    /// <summary>What the emulator knows about a token it issued; null for a token it never issued.</summary>
    /// <param name="accessToken">The token.</param>
    /// <returns>The token's state, or null.</returns>
    public EmulatedToken? FindToken(string accessToken)
    {
        ArgumentNullException.ThrowIfNull(accessToken);
        return _engine.Store.FindToken(accessToken);
    }

    /// <summary>
    /// Makes every token the user holds so far (user and page tokens) fail with error 190 and the reason's subcode,
    /// as after a password change, logout, app removal, checkpoint or expiry. Tokens issued later work again.
    /// </summary>
    /// <param name="userId">The user.</param>
    /// <param name="reason">Why; the value is Graph's subcode.</param>
    /// <returns>How many tokens were invalidated.</returns>
    /// <exception cref="ArgumentException">The user does not exist.</exception>
    public int InvalidateUserTokens(string userId, TokenInvalidationReason reason)
    {
        ArgumentNullException.ThrowIfNull(userId);
        return _engine.Store.InvalidateUserTokens(userId, reason);
    }

    /// <summary>Invalidates one token (and the page tokens derived from it).</summary>
    /// <param name="accessToken">The token.</param>
    /// <param name="reason">Why; the value is Graph's subcode.</param>
    /// <returns>False when the emulator never issued the token.</returns>
    public bool InvalidateToken(string accessToken, TokenInvalidationReason reason)
    {
        ArgumentNullException.ThrowIfNull(accessToken);
        return _engine.Store.InvalidateToken(accessToken, reason);
    }

    /// <summary>
    /// Sets what the next request to the Login dialog (<c>/{version}/dialog/oauth</c>) does: instead of the consent
    /// page it redirects at once, so a test without a browser can GET the dialog and follow the <c>Location</c>.
    /// Used once; null clears it. <c>client_id</c> and <c>redirect_uri</c> are still checked first.
    /// </summary>
    /// <param name="outcome"><see cref="LoginDialogOutcome.Allow"/>, <see cref="LoginDialogOutcome.Decline"/> or <see cref="LoginDialogOutcome.DeclinePermissions"/>; null for the consent page again.</param>
    public void SetNextLoginDialogOutcome(LoginDialogOutcome? outcome) => _engine.LoginDialog.SetNextOutcome(outcome);

    /// <summary>
    /// The person removes the app in their Facebook settings: every token they hold for it (user and page tokens)
    /// fails from now on with error 190, subcode 458 (<see cref="TokenInvalidationReason.AppNotInstalled"/>), their
    /// permissions are gone, and when the app has a <see cref="EmulatedApp.DeauthorizeCallbackUri"/> the emulator POSTs
    /// <c>signed_request</c> to it (a form; <c>HMAC-SHA256</c> with the app secret; payload <c>algorithm</c>,
    /// <c>issued_at</c>, <c>user_id</c>) through <see cref="GraphTokenEmulatorOptions.CallbackHttpClient"/>.
    /// </summary>
    /// <param name="userId">The user.</param>
    /// <param name="appId">The app; the user's app when null.</param>
    /// <param name="cancellationToken">Cancels the callback.</param>
    /// <returns>The callback's HTTP status, or null when the app has no deauthorize callback.</returns>
    /// <exception cref="ArgumentException">The user does not exist or has not logged into <paramref name="appId"/>.</exception>
    /// <exception cref="HttpRequestException">The callback could not be reached (the tokens are invalidated all the same).</exception>
    public async Task<System.Net.HttpStatusCode?> RemoveAppAsync(string userId, string? appId = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(userId);
        var (_, status) = await _engine.Callbacks.RemoveAppAsync(userId, appId, cancellationToken).ConfigureAwait(false);
        return status;
    }

    /// <summary>
    /// The person asks for their data to be deleted: the emulator POSTs <c>signed_request</c> (as in
    /// <see cref="RemoveAppAsync"/>) to the app's <see cref="EmulatedApp.DataDeletionCallbackUri"/> and reads the answer
    /// Meta requires, <c>{ "url": …, "confirmation_code": … }</c>. Tokens are left as they are.
    /// </summary>
    /// <param name="userId">The user.</param>
    /// <param name="appId">The app; the user's app when null.</param>
    /// <param name="cancellationToken">Cancels the callback.</param>
    /// <returns>The callback's answer.</returns>
    /// <exception cref="ArgumentException">The user does not exist or has not logged into <paramref name="appId"/>.</exception>
    /// <exception cref="InvalidOperationException">The app has no data-deletion callback, or it did not answer 2xx with that JSON.</exception>
    /// <exception cref="HttpRequestException">The callback could not be reached.</exception>
    public Task<EmulatedDataDeletionAnswer> RequestDataDeletionAsync(string userId, string? appId = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(userId);
        return _engine.Callbacks.RequestDataDeletionAsync(userId, appId, cancellationToken);
    }

    /// <summary>How many calls an endpoint received since the start or the last <see cref="ResetCallCounts"/>, faulted ones included.</summary>
    /// <param name="endpoint">The endpoint; operations inside a batch count for their own endpoint too.</param>
    /// <returns>The count.</returns>
    public int GetCallCount(GraphEndpoint endpoint) => _engine.CallCounts.Get(endpoint);

    /// <summary>Sets every call count back to zero.</summary>
    public void ResetCallCounts() => _engine.CallCounts.Reset();

    /// <summary>
    /// Creates an in-memory handler that answers like Graph without a socket. Plug it into the FbTokens client with
    /// <c>builder.HttpClientBuilder.ConfigurePrimaryHttpMessageHandler(() =&gt; emulator.CreateHttpMessageHandler())</c>
    /// or <c>UseGraphTokenEmulator</c>. A reset connection surfaces as <see cref="HttpRequestException"/>.
    /// </summary>
    /// <returns>A new handler over the emulator's shared state; disposing it leaves the emulator running.</returns>
    public HttpMessageHandler CreateHttpMessageHandler() => new InMemoryGraphHandler(_engine);

    /// <summary>Starts the Kestrel host on <c>127.0.0.1</c> (only) and returns its base address; idempotent.</summary>
    /// <param name="port">The port; 0 picks a free one.</param>
    /// <param name="cancellationToken">Cancels the start.</param>
    /// <returns>The base address, also in <see cref="BaseAddress"/>.</returns>
    public async Task<Uri> StartServerAsync(int port = 0, CancellationToken cancellationToken = default)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(port);
        await _serverGate.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            _server ??= await KestrelGraphHost.StartAsync(_engine, port, cancellationToken).ConfigureAwait(false);
            return _server.BaseAddress;
        }
        finally
        {
            _serverGate.Release();
        }
    }

    /// <summary>Stops the Kestrel host, if started. The in-memory handlers and the state stay usable.</summary>
    /// <returns>A task that completes when the server has stopped.</returns>
    public async ValueTask DisposeAsync()
    {
        await _serverGate.WaitAsync().ConfigureAwait(false);
        try
        {
            if (_server is not null)
            {
                await _server.DisposeAsync().ConfigureAwait(false);
                _server = null;
            }

            _engine.Callbacks.Dispose();
        }
        finally
        {
            _serverGate.Release();
        }
    }
}
