using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace FbTokens.Internal;

/// <summary>
/// Walks the store in chunks of <see cref="TokenManagerOptions.SweepBatchSize"/> (never holding more), checks each
/// chunk with one batched <c>debug_token</c> request, marks invalid tokens, refreshes due ones and raises notices. Only
/// this app's tokens: each app sweeps its own, with its own app token. One sweep at a time: the scheduled one
/// (<see cref="TokenValidationService"/>) and <see cref="ITokenValidationSweep.SweepNowAsync"/> take turns.
/// </summary>
internal sealed class TokenSweeper : ITokenValidationSweep, IDisposable
{
    private readonly SemaphoreSlim _oneAtATime = new(1, 1);
    private readonly ITokenStore _store;
    private readonly TokenRefresher _refresher;
    private readonly TokenInvalidator _invalidator;
    private readonly PersonNotices _notices;
    private readonly GraphBatchDebugClient _batch;
    private readonly TokenManagerOptions _options;
    private readonly string _appId;
    private readonly string? _keyAppId;
    private readonly TimeProvider _timeProvider;
    private readonly ILogger _logger;

    public TokenSweeper(
        ITokenStore store,
        TokenRefresher refresher,
        TokenInvalidator invalidator,
        PersonNotices notices,
        GraphBatchDebugClient batch,
        IOptions<TokenManagerOptions> options,
        IOptions<FbTokensOptions> fbOptions,
        TimeProvider timeProvider,
        ILogger<TokenSweeper> logger)
    {
        _store = store;
        _refresher = refresher;
        _invalidator = invalidator;
        _notices = notices;
        _batch = batch;
        _options = options.Value;
        _appId = fbOptions.Value.AppId;
        _keyAppId = fbOptions.Value.TokenKeyAppId;
        _timeProvider = timeProvider;
        _logger = logger;
    }

    public Task<TokenSweepResult> SweepNowAsync(CancellationToken cancellationToken = default) => SweepAsync(cancellationToken);

    public void Dispose() => _oneAtATime.Dispose();

    public async Task<TokenSweepResult> SweepAsync(CancellationToken cancellationToken)
    {
        await _oneAtATime.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            return await SweepOnceAsync(cancellationToken).ConfigureAwait(false);
        }
        finally
        {
            _oneAtATime.Release();
        }
    }

    private async Task<TokenSweepResult> SweepOnceAsync(CancellationToken cancellationToken)
    {
        LifecycleLog.SweepStarted(_logger);
        var started = _timeProvider.GetTimestamp();
        var totals = new Totals();
        var chunk = new List<StoredToken>(_options.SweepBatchSize);
        await foreach (var token in _store.ListAsync(kind: null, cancellationToken).ConfigureAwait(false))
        {
            // App tokens are never stored by the manager; invalid ones wait for a new login. Another app's tokens (in a
            // store the apps share) are that app's sweep's: checked with this app's token they would all look invalid.
            if (token.Key.Kind == TokenKind.App || token.Status == TokenStatus.Invalid || !LifecycleRules.Owns(token.Key, _appId, _keyAppId))
            {
                continue;
            }

            chunk.Add(token);
            if (chunk.Count == _options.SweepBatchSize)
            {
                await ProcessChunkAsync(chunk, totals, cancellationToken).ConfigureAwait(false);
                chunk.Clear();
            }
        }

        if (chunk.Count > 0)
        {
            await ProcessChunkAsync(chunk, totals, cancellationToken).ConfigureAwait(false);
        }

        GraphTelemetry.SweepDuration.Record(_timeProvider.GetElapsedTime(started).TotalSeconds);
        var result = new TokenSweepResult(totals.Checked, totals.Invalid, totals.Refreshed, totals.Failed, totals.Requests);
        LifecycleLog.SweepCompleted(_logger, result.Checked, result.Invalid, result.Refreshed, result.Failed, result.Requests);
        return result;
    }

    private async Task ProcessChunkAsync(List<StoredToken> chunk, Totals totals, CancellationToken cancellationToken)
    {
        var before = (totals.Checked, totals.Invalid, totals.Refreshed, totals.Failed);
        try
        {
            await CheckChunkAsync(chunk, totals, cancellationToken).ConfigureAwait(false);
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

    private async Task CheckChunkAsync(List<StoredToken> chunk, Totals totals, CancellationToken cancellationToken)
    {
        var results = await DebugWithRetriesAsync(chunk, totals, cancellationToken).ConfigureAwait(false);
        for (var i = 0; i < chunk.Count; i++)
        {
            var token = chunk[i];
            // Not a negated pattern: a mutation tool flips it into code that no longer compiles (definite assignment).
            var debug = results[i].Response;
            if (debug is null)
            {
                totals.Failed++;
                continue;
            }

            totals.Checked++;
            try
            {
                await HandleAsync(token, debug, totals, cancellationToken).ConfigureAwait(false);
            }
            catch (Exception ex) when (ex is not OperationCanceledException)
            {
                LifecycleLog.SweepTokenFailed(_logger, token.Key, ex);
            }
        }
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

    private sealed class Totals
    {
        public int Checked;
        public int Invalid;
        public int Refreshed;
        public int Failed;
        public int Requests;
    }
}
