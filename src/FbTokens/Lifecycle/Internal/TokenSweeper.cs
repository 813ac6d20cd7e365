using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace FbTokens.Internal;

/// <summary>
/// Checks this app's tokens in chunks of <see cref="TokenManagerOptions.SweepBatchSize"/> (never holding more), each chunk
/// with one batched <c>debug_token</c> request, marks invalid tokens, refreshes due ones and raises notices. Only this
/// app's tokens: each app sweeps its own, with its own app token. One sweep at a time: the scheduled one
/// (<see cref="TokenValidationService"/>) and <see cref="ITokenValidationSweep.SweepNowAsync"/> take turns.
/// </summary>
/// <remarks>
/// <para>A scheduled round over a store that keeps the sweep's schedule (<see cref="ITokenSweepSchedule"/>) drains what
/// is due at the round's start: it claims a chunk with a lease (<see cref="TokenManagerOptions.SweepLeaseDuration"/>),
/// checks it, and sets its next check one <see cref="TokenManagerOptions.SweepInterval"/> after the round's start, until a
/// claim comes back empty. Instances sharing the store share the work, so each token is checked once per interval in
/// total. Tokens already invalid are claimed but not sent to Graph (they wait for a new login), only rescheduled. A
/// batch request that fails ends the round and reschedules nothing: its chunk is due again when the lease passes.</para>
/// <para>A store without a schedule is walked whole, by every instance, as <see cref="SweepNowAsync"/> always does.</para>
/// <para>Before each chunk the sweep reads <see cref="IGraphUsageMonitor"/>: at or above
/// <see cref="TokenManagerOptions.SweepUsageThreshold"/> of the app's or a business use case's budget it pauses, for
/// Graph's estimated time to regain access or else <see cref="PacingStep"/>, counted from when the report arrived.</para>
/// <para>In three parts: the rounds and claims here, checking one chunk in TokenSweeper.Checking.cs, pacing and the
/// round's backlog metrics in TokenSweeper.Pacing.cs.</para>
/// </remarks>
internal sealed partial class TokenSweeper : ITokenValidationSweep, IDisposable
{
    /// <summary>How long the sweep pauses on high usage when Graph gives no estimate of regained access.</summary>
    internal static readonly TimeSpan PacingStep = TimeSpan.FromMinutes(1);

    private readonly SemaphoreSlim _oneAtATime = new(1, 1);
    private readonly ITokenStore _store;
    private readonly ITokenSweepSchedule? _schedule;
    private readonly TokenRefresher _refresher;
    private readonly TokenInvalidator _invalidator;
    private readonly PersonNotices _notices;
    private readonly GraphBatchDebugClient _batch;
    private readonly IGraphUsageMonitor _usage;
    private readonly TokenManagerOptions _options;
    private readonly string _appId;
    private readonly string? _keyAppId;
    private readonly string?[] _owned;
    private readonly TimeProvider _timeProvider;
    private readonly ILogger _logger;
    private int _unscheduledLogged;

    public TokenSweeper(
        ITokenStore store,
        TokenRefresher refresher,
        TokenInvalidator invalidator,
        PersonNotices notices,
        GraphBatchDebugClient batch,
        IGraphUsageMonitor usage,
        IOptions<TokenManagerOptions> options,
        IOptions<FbTokensOptions> fbOptions,
        TimeProvider timeProvider,
        ILogger<TokenSweeper> logger)
    {
        _store = store;
        _schedule = TokenSweepSchedules.Of(store);
        _refresher = refresher;
        _invalidator = invalidator;
        _notices = notices;
        _batch = batch;
        _usage = usage;
        _options = options.Value;
        _appId = fbOptions.Value.AppId;
        _keyAppId = fbOptions.Value.TokenKeyAppId;

        // The key app ids LifecycleRules.Owns accepts: this app's key app id and, when it differs, the app id itself.
        _owned = _keyAppId == _appId ? [_appId] : [_keyAppId, _appId];
        _timeProvider = timeProvider;
        _logger = logger;
    }

    /// <summary>Whether the store keeps the sweep's schedule, so that instances share the scheduled rounds.</summary>
    internal bool SharesRounds => _schedule is not null;

    /// <summary>Checks every token of this app now, due or not; with a schedule, each one checked is next due an interval on.</summary>
    public Task<TokenSweepResult> SweepNowAsync(CancellationToken cancellationToken = default) =>
        TakeTurnAsync(static (sweeper, start, ct) => sweeper.ScanAsync(start, ct), cancellationToken);

    public void Dispose() => _oneAtATime.Dispose();

    /// <summary>A scheduled round that starts now (see <see cref="SweepAsync(DateTimeOffset?, CancellationToken)"/>).</summary>
    public Task<TokenSweepResult> SweepAsync(CancellationToken cancellationToken) => SweepAsync(null, cancellationToken);

    /// <summary>
    /// A scheduled round anchored at <paramref name="roundStart"/> (the service's wake time; now when null): drains the tokens
    /// due by then from the store's schedule, or walks the whole store when it keeps none.
    /// </summary>
    public Task<TokenSweepResult> SweepAsync(DateTimeOffset? roundStart, CancellationToken cancellationToken) =>
        TakeTurnAsync(
            (sweeper, now, ct) => sweeper._schedule is { } schedule
                ? sweeper.DrainAsync(schedule, roundStart ?? now, ct)
                : sweeper.ScanUnscheduledAsync(roundStart ?? now, ct),
            cancellationToken);

    private async Task<TokenSweepResult> TakeTurnAsync(Func<TokenSweeper, DateTimeOffset, CancellationToken, Task<TokenSweepResult>> sweep, CancellationToken cancellationToken)
    {
        await _oneAtATime.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            return await sweep(this, _timeProvider.GetUtcNow(), cancellationToken).ConfigureAwait(false);
        }
        finally
        {
            _oneAtATime.Release();
        }
    }

    private Task<TokenSweepResult> ScanUnscheduledAsync(DateTimeOffset roundStart, CancellationToken cancellationToken)
    {
        if (Interlocked.Exchange(ref _unscheduledLogged, 1) == 0)
        {
            StoreKeepsNoSchedule(_logger, _store.GetType().Name);
        }

        return ScanAsync(roundStart, cancellationToken);
    }

    /// <summary>Walks the whole store: every token of this app, due or not.</summary>
    private async Task<TokenSweepResult> ScanAsync(DateTimeOffset roundStart, CancellationToken cancellationToken)
    {
        LifecycleLog.SweepStarted(_logger);
        var started = _timeProvider.GetTimestamp();
        var totals = new Totals();
        var chunk = new List<StoredToken>(_options.SweepBatchSize);
        await foreach (var token in _store.ListAsync(kind: null, cancellationToken).ConfigureAwait(false))
        {
            // App tokens are never stored by the manager; invalid ones wait for a new login. Another app's tokens (in a
            // store the apps share) are that app's sweep's: checked with this app's token they would all look invalid.
            if (!IsToCheck(token))
            {
                continue;
            }

            chunk.Add(token);
            if (chunk.Count == _options.SweepBatchSize)
            {
                await ScanChunkAsync(chunk, totals, roundStart, cancellationToken).ConfigureAwait(false);
                chunk.Clear();
            }
        }

        if (chunk.Count > 0)
        {
            await ScanChunkAsync(chunk, totals, roundStart, cancellationToken).ConfigureAwait(false);
        }

        return Completed(started, totals);
    }

    private async Task ScanChunkAsync(List<StoredToken> chunk, Totals totals, DateTimeOffset roundStart, CancellationToken cancellationToken)
    {
        await PaceAsync(cancellationToken).ConfigureAwait(false);
        var done = await ProcessChunkAsync(chunk, totals, cancellationToken).ConfigureAwait(false);
        if (_schedule is { } schedule && done.Count > 0)
        {
            // Checked now: not due again for an interval, whichever instance's round comes next.
            await schedule.ScheduleAsync(done, roundStart + _options.SweepInterval, cancellationToken).ConfigureAwait(false);
        }
    }

    /// <summary>Drains the tokens due by <paramref name="roundStart"/>, a leased chunk at a time, shared with every instance.</summary>
    private async Task<TokenSweepResult> DrainAsync(ITokenSweepSchedule schedule, DateTimeOffset roundStart, CancellationToken cancellationToken)
    {
        LifecycleLog.SweepStarted(_logger);
        var started = _timeProvider.GetTimestamp();
        var totals = new Totals();
        var nextCheck = roundStart + _options.SweepInterval;
        await RecordBacklogAsync(schedule, roundStart, cancellationToken).ConfigureAwait(false);
        foreach (var owner in _owned)
        {
            while (true)
            {
                await PaceAsync(cancellationToken).ConfigureAwait(false);
                var chunk = await ClaimChunkAsync(schedule, owner, roundStart, nextCheck, cancellationToken).ConfigureAwait(false);
                if (chunk.Count == 0)
                {
                    break;
                }

                // A batch request that fails throws out of the round: the chunk keeps its lease and is due when it passes.
                var done = await ProcessChunkAsync(chunk, totals, cancellationToken).ConfigureAwait(false);
                if (done.Count > 0)
                {
                    await schedule.ScheduleAsync(done, nextCheck, cancellationToken).ConfigureAwait(false);
                }
            }
        }

        return Completed(started, totals);
    }

    /// <summary>
    /// Claims up to a batch of tokens to send to Graph; those not to be sent (already invalid) are rescheduled at once and
    /// their places claimed again, so a request carries a full batch while enough are due.
    /// </summary>
    private async Task<List<StoredToken>> ClaimChunkAsync(ITokenSweepSchedule schedule, string? owner, DateTimeOffset dueBy, DateTimeOffset nextCheck, CancellationToken cancellationToken)
    {
        var chunk = new List<StoredToken>(_options.SweepBatchSize);
        while (chunk.Count < _options.SweepBatchSize)
        {
            // From the later of now and the round's start: a lease that ended by then would leave the claimed tokens due in
            // this very round (a clock that went back, a round anchored ahead of it), and the round would never end.
            var now = _timeProvider.GetUtcNow();
            var leaseUntil = (now > dueBy ? now : dueBy) + Lease;
            var claimed = await schedule.ClaimDueAsync(owner, dueBy, leaseUntil, _options.SweepBatchSize - chunk.Count, cancellationToken).ConfigureAwait(false);
            if (claimed.Count == 0)
            {
                break;
            }

            List<TokenKey>? skipped = null;
            foreach (var token in claimed)
            {
                if (IsToCheck(token))
                {
                    chunk.Add(token);
                }
                else
                {
                    (skipped ??= []).Add(token.Key);
                }
            }

            if (skipped is not null)
            {
                await schedule.ScheduleAsync(skipped, nextCheck, cancellationToken).ConfigureAwait(false);
            }
        }

        return chunk;
    }

    /// <summary>The lease a claim takes: <see cref="TokenManagerOptions.SweepLeaseDuration"/>, at most half the interval.</summary>
    private TimeSpan Lease => _options.SweepLeaseDuration < _options.SweepInterval / 2 ? _options.SweepLeaseDuration : _options.SweepInterval / 2;

    private bool IsToCheck(StoredToken token) =>
        token.Key.Kind != TokenKind.App && token.Status != TokenStatus.Invalid && LifecycleRules.Owns(token.Key, _appId, _keyAppId);

    private TokenSweepResult Completed(long started, Totals totals)
    {
        GraphTelemetry.SweepDuration.Record(_timeProvider.GetElapsedTime(started).TotalSeconds);
        var result = new TokenSweepResult(totals.Checked, totals.Invalid, totals.Refreshed, totals.Failed, totals.Requests);
        LifecycleLog.SweepCompleted(_logger, result.Checked, result.Invalid, result.Refreshed, result.Failed, result.Requests);
        return result;
    }

    [LoggerMessage(2190, LogLevel.Warning, "The token store ({StoreType}) keeps no sweep schedule (ITokenSweepSchedule): every instance sweeps every token, so N instances check each token N times per interval.")]
    private static partial void StoreKeepsNoSchedule(ILogger logger, string storeType);

    private sealed class Totals
    {
        public int Checked;
        public int Invalid;
        public int Refreshed;
        public int Failed;
        public int Requests;
    }
}
