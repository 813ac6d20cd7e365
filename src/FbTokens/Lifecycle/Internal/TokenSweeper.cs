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

    /// <summary>The round's starting point, as metrics: how many tokens are due and how late the oldest is.</summary>
    private async Task RecordBacklogAsync(ITokenSweepSchedule schedule, DateTimeOffset roundStart, CancellationToken cancellationToken)
    {
        long due = 0;
        DateTimeOffset? oldest = null;
        foreach (var owner in _owned)
        {
            var backlog = await schedule.GetBacklogAsync(owner, roundStart, cancellationToken).ConfigureAwait(false);
            due += backlog.DueCount;
            if (backlog.OldestDueAt is { } at && (oldest is null || at < oldest))
            {
                oldest = at;
            }
        }

        var lag = oldest is { } since ? roundStart - since : TimeSpan.Zero;
        GraphTelemetry.SweepDue.Record(due);
        GraphTelemetry.SweepLag.Record(Math.Max(0, lag.TotalSeconds));
        RoundBacklog(_logger, due, oldest);
    }

    /// <summary>
    /// Pauses while the latest usage report is at or above <see cref="TokenManagerOptions.SweepUsageThreshold"/>: until
    /// Graph's estimate of regained access (else <see cref="PacingStep"/>) has passed since the report arrived. Then one
    /// batch goes out, and its answer brings a fresh report; so the sweep slows to Graph's pace and never stops for good.
    /// </summary>
    private async Task PaceAsync(CancellationToken cancellationToken)
    {
        var threshold = _options.SweepUsageThreshold;
        if (threshold >= 100 || _usage.Current is not { } usage || _usage.UpdatedAt is not { } reportedAt)
        {
            return;
        }

        var percent = SweepPercent(usage);
        if (percent < threshold)
        {
            return;
        }

        var pause = GraphUsageThrottle.EstimatedTimeToRegainAccess(usage) ?? PacingStep;
        var wait = reportedAt + pause - _timeProvider.GetUtcNow();
        if (wait <= TimeSpan.Zero)
        {
            return;
        }

        // A clock that went back never makes the pause longer than the report asked for.
        wait = wait > pause ? pause : wait;
        GraphTelemetry.SweepPauses.Add(1);
        SweepPaused(_logger, percent, threshold, wait);
        await Task.Delay(wait, _timeProvider, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>The usage the sweep's requests spend: the app's budget and the business use cases'.</summary>
    private static double SweepPercent(GraphUsage usage)
    {
        var max = usage.App?.MaxPercent ?? 0;
        foreach (var bucket in usage.BusinessUseCases)
        {
            max = Math.Max(max, bucket.MaxPercent);
        }

        return max;
    }

    private TokenSweepResult Completed(long started, Totals totals)
    {
        GraphTelemetry.SweepDuration.Record(_timeProvider.GetElapsedTime(started).TotalSeconds);
        var result = new TokenSweepResult(totals.Checked, totals.Invalid, totals.Refreshed, totals.Failed, totals.Requests);
        LifecycleLog.SweepCompleted(_logger, result.Checked, result.Invalid, result.Refreshed, result.Failed, result.Requests);
        return result;
    }

    /// <summary>Checks a chunk; returns the keys Graph answered for (the ones that count as checked this round).</summary>
    private async Task<List<TokenKey>> ProcessChunkAsync(List<StoredToken> chunk, Totals totals, CancellationToken cancellationToken)
    {
        var before = (totals.Checked, totals.Invalid, totals.Refreshed, totals.Failed);
        try
        {
            return await CheckChunkAsync(chunk, totals, cancellationToken).ConfigureAwait(false);
        }
        finally
        {
            // Progress as the sweep goes, one batch at a time, not only when it ends.
            AddSwept("checked", totals.Checked - before.Checked);
            AddSwept("invalid", totals.Invalid - before.Invalid);
            AddSwept("refreshed", totals.Refreshed - before.Refreshed);
            AddSwept("failed", totals.Failed - before.Failed);
        }
    }

    private static void AddSwept(string outcome, int count)
    {
        if (count > 0)
        {
            GraphTelemetry.SweptTokens.Add(count, new KeyValuePair<string, object?>(GraphTelemetry.OutcomeTag, outcome));
        }
    }

    private async Task<List<TokenKey>> CheckChunkAsync(List<StoredToken> chunk, Totals totals, CancellationToken cancellationToken)
    {
        var results = await DebugWithRetriesAsync(chunk, totals, cancellationToken).ConfigureAwait(false);
        var done = new List<TokenKey>(chunk.Count);
        for (var i = 0; i < chunk.Count; i++)
        {
            var token = chunk[i];
            // Not a negated pattern: a mutation tool flips it into code that no longer compiles (definite assignment).
            var debug = results[i].Response;
            if (debug is null)
            {
                // No answer for it: it keeps its lease, and is due again when that passes.
                totals.Failed++;
                continue;
            }

            totals.Checked++;
            done.Add(token.Key);
            try
            {
                await HandleAsync(token, debug, totals, cancellationToken).ConfigureAwait(false);
            }
            catch (Exception ex) when (ex is not OperationCanceledException)
            {
                LifecycleLog.SweepTokenFailed(_logger, token.Key, ex);
            }
        }

        return done;
    }

    private async Task<BatchDebugResult[]> DebugWithRetriesAsync(List<StoredToken> chunk, Totals totals, CancellationToken cancellationToken)
    {
        totals.Requests++;
        var results = await _batch.DebugAsync(chunk.ConvertAll(t => t.Value), cancellationToken).ConfigureAwait(false);
        for (var attempt = 1; attempt <= _options.SweepRetryAttempts; attempt++)
        {
            var pending = new List<int>();
            for (var i = 0; i < results.Length; i++)
            {
                if (results[i].Retry)
                {
                    pending.Add(i);
                }
            }

            if (pending.Count == 0)
            {
                break;
            }

            LifecycleLog.BatchOperationsIncomplete(_logger, pending.Count, attempt);
            totals.Requests++;
            var retried = await _batch.DebugAsync(pending.ConvertAll(i => chunk[i].Value), cancellationToken).ConfigureAwait(false);
            for (var j = 0; j < pending.Count; j++)
            {
                results[pending[j]] = retried[j];
            }
        }

        return results;
    }

    private async Task HandleAsync(StoredToken token, DebugTokenResponse debug, Totals totals, CancellationToken cancellationToken)
    {
        var now = _timeProvider.GetUtcNow();
        if (!debug.IsValid)
        {
            totals.Invalid++;
            var reason = debug.Error?.Reason is { } r && r != TokenErrorReason.Unknown
                ? r
                : debug.ExpiresAt is { } expired && expired <= now ? TokenErrorReason.Expired : TokenErrorReason.Unknown;
            await _invalidator.MarkInvalidAsync(token.Key, reason, token.Version, cancellationToken).ConfigureAwait(false);
            return;
        }

        // Keep what Graph knows (expiry, data-access window, scopes); write only when something changed.
        var current = token with
        {
            ExpiresAt = debug.ExpiresAt ?? token.ExpiresAt,
            DataAccessExpiresAt = debug.DataAccessExpiresAt ?? token.DataAccessExpiresAt,
            Scopes = debug.Scopes.Count > 0 ? debug.Scopes : token.Scopes,
        };
        if (current.ExpiresAt != token.ExpiresAt || current.DataAccessExpiresAt != token.DataAccessExpiresAt || !current.Scopes.SequenceEqual(token.Scopes))
        {
            try
            {
                current = await _store.SetAsync(current with { UpdatedAt = now }, token.Version, cancellationToken).ConfigureAwait(false);
            }
            catch (TokenStoreConcurrencyException)
            {
                // Someone wrote a newer token meanwhile: it is theirs to keep, and the next sweep checks it.
                return;
            }
        }

        var refreshed = false;
        if (_refresher.IsRefreshDue(current, now))
        {
            try
            {
                var fresh = await _refresher.RefreshIfDueAsync(current, cancellationToken).ConfigureAwait(false);
                // Refreshed only when the expiry moved: a renewal that did not is recorded on the token, not counted.
                refreshed = fresh.Value != current.Value && LifecycleRules.ExpiryMoved(current.ExpiresAt, fresh.ExpiresAt);
                current = fresh;
                if (refreshed)
                {
                    totals.Refreshed++;
                }
            }
            catch (ReauthenticationRequiredException)
            {
                totals.Invalid++;
                return;
            }
            catch (Exception ex) when (ex is not OperationCanceledException)
            {
                // Logged by the refresh; the token stays, and is reported as expiring below if it is close.
            }
        }

        // What only the person can do, told once per deadline (recorded on the token). The scopes Graph just reported
        // count only when they are for the token still stored (a refresh may have replaced it).
        var granted = current.Value == token.Value ? Granted(debug) : null;
        await _notices.NotifyIfDueAsync(current, granted, now, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>The permissions <c>debug_token</c> reports granted: its scopes and the scopes of its granular scopes.</summary>
    private static IEnumerable<string>? Granted(DebugTokenResponse debug) =>
        debug.Scopes.Count == 0 && debug.GranularScopes.Count == 0 ? null : debug.Scopes.Concat(debug.GranularScopes.Select(g => g.Scope));

    [LoggerMessage(2190, LogLevel.Warning, "The token store ({StoreType}) keeps no sweep schedule (ITokenSweepSchedule): every instance sweeps every token, so N instances check each token N times per interval.")]
    private static partial void StoreKeepsNoSchedule(ILogger logger, string storeType);

    [LoggerMessage(2191, LogLevel.Information, "Token validation sweep round: {Due} tokens due, the oldest since {OldestDueAt}.")]
    private static partial void RoundBacklog(ILogger logger, long due, DateTimeOffset? oldestDueAt);

    [LoggerMessage(2192, LogLevel.Information, "Graph reports {Percent:0.#}% of the app's or a business use case's budget used (sweep threshold {Threshold:0.#}%): the sweep pauses for {Pause} before claiming more tokens.")]
    private static partial void SweepPaused(ILogger logger, double percent, double threshold, TimeSpan pause);

    private sealed class Totals
    {
        public int Checked;
        public int Invalid;
        public int Refreshed;
        public int Failed;
        public int Requests;
    }
}
