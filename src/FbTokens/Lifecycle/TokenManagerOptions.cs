namespace FbTokens;

/// <summary>
/// Settings of <see cref="IGraphTokenManager"/> and of the validation sweep (the <c>Sweep*</c> properties). Bind them
/// from configuration (section <c>FbTokens:TokenManager</c> by convention, one key per property, e.g.
/// <c>FbTokens:TokenManager:SweepInterval</c>) or set them in code. Validated at start-up; every problem is listed at
/// once, under the key that was read.
/// </summary>
public sealed class TokenManagerOptions
{
    /// <summary>The most tokens one Graph batch request may hold; Graph's own limit.</summary>
    public const int MaxSweepBatchSize = 50;

    /// <summary>
    /// How long before a long-lived user token expires it is refreshed (re-exchanged with <c>fb_exchange_token</c>).
    /// Default 7 days; must be positive and under 59 days (a long-lived token lives about 60).
    /// </summary>
    public TimeSpan RefreshBeforeExpiry { get; set; } = TimeSpan.FromDays(7);

    /// <summary>
    /// The most a token's refresh is moved earlier, so that tokens saved together are not all refreshed at once. Each
    /// token gets a fixed share of it, derived from its key and expiry, so every instance agrees. Default 12 hours; 0 turns it off.
    /// </summary>
    public TimeSpan RefreshJitter { get; set; } = TimeSpan.FromHours(12);

    /// <summary>
    /// Whether a caller that asks for a token due for refresh but still valid gets it at once while the refresh runs in
    /// the background (one per key across instances, as always), instead of waiting for Graph. Default true: only a
    /// caller whose token has expired, or was rejected and must be replaced, ever waits. A background failure is logged,
    /// counted (<c>fbtokens.token.renewals</c>, <c>outcome=failed</c>) and retried after <see cref="RefreshRetryDelay"/>;
    /// disposing the host cancels it. Set false in short-lived processes (a script, a CLI run) that want the refresh done
    /// before they use the token.
    /// </summary>
    public bool RefreshInBackground { get; set; } = true;

    /// <summary>How long to wait after a failed refresh before trying again; callers keep the still-valid token meanwhile. Default 1 minute.</summary>
    public TimeSpan RefreshRetryDelay { get; set; } = TimeSpan.FromMinutes(1);

    /// <summary>
    /// A user token saved with more than this left is already long-lived and is stored as it is; otherwise it is
    /// exchanged first. Default 24 hours (short-lived tokens last 1–2 hours).
    /// </summary>
    public TimeSpan LongLivedThreshold { get; set; } = TimeSpan.FromHours(24);

    /// <summary>
    /// How long before expiry the sweep raises <see cref="ITokenLifecycleObserver.OnTokenExpiringAsync"/> for a token it
    /// cannot renew (a long-lived user token whose re-exchange did not move its expiry, a failed refresh): the person's
    /// lead time to log in again. Default 7 days.
    /// </summary>
    public TimeSpan ExpiringNoticeBefore { get; set; } = TimeSpan.FromDays(7);

    /// <summary>How long before the 90-day data-access window ends the sweep raises <see cref="ITokenLifecycleObserver.OnDataAccessExpiringAsync"/>. Default 14 days.</summary>
    public TimeSpan DataAccessNoticeBefore { get; set; } = TimeSpan.FromDays(14);

    /// <summary>How often the validation sweep checks every token (once per interval in total, however many instances share a
    /// store that keeps the sweep's schedule). Default 6 hours; at least 1 minute.</summary>
    public TimeSpan SweepInterval { get; set; } = TimeSpan.FromHours(6);

    /// <summary>How long after start-up the first sweep runs. Default 1 minute.</summary>
    public TimeSpan SweepStartDelay { get; set; } = TimeSpan.FromMinutes(1);

    /// <summary>How many tokens are checked per Graph batch request (and held in memory at once), 1–50. Default 50.</summary>
    public int SweepBatchSize { get; set; } = MaxSweepBatchSize;

    /// <summary>How many times a sweep resends batch operations Graph did not complete (<c>null</c> entries). Default 2.</summary>
    public int SweepRetryAttempts { get; set; } = 2;

    /// <summary>
    /// How long a chunk of tokens an instance claimed from a shared store stays its own (stores that keep the sweep's
    /// schedule, <see cref="ITokenSweepSchedule"/>): no other instance checks those tokens before the lease passes, and if
    /// the instance dies, or its batch request fails, they are due again when it does. Default 10 minutes; must be
    /// positive. At most half of <see cref="SweepInterval"/> is used, so a short interval needs no lease setting of its own.
    /// </summary>
    public TimeSpan SweepLeaseDuration { get; set; } = TimeSpan.FromMinutes(10);

    /// <summary>
    /// The Graph usage, in percent of the app's or a business use case's budget (as <see cref="IGraphUsageMonitor"/>
    /// reports it), at which the sweep pauses before claiming more tokens: for Graph's estimated time to regain access when
    /// it gives one, else a minute, then one batch goes out and its answer brings a fresh report. Default 75; 100 or more
    /// turns pacing off.
    /// </summary>
    public double SweepUsageThreshold { get; set; } = 75;

    /// <summary>
    /// The permissions the host needs, e.g. <c>pages_show_list</c>. When a user token's granted scopes lack one, the
    /// observer hears it once per user and missing set (<see cref="ITokenLifecycleObserver.OnPermissionsMissingAsync"/>).
    /// Bind as <c>FbTokens:TokenManager:RequiredPermissions:0</c>, <c>…:1</c>, …. Empty by default.
    /// </summary>
    public IList<string> RequiredPermissions { get; set; } = [];

    /// <summary>How the app access token is obtained. Default <see cref="AppTokenSource.AppIdAndSecret"/>.</summary>
    public AppTokenSource AppTokenSource { get; set; } = AppTokenSource.AppIdAndSecret;
}
