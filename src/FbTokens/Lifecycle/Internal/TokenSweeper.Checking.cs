using Microsoft.Extensions.Logging;

namespace FbTokens.Internal;

/// <summary>
/// Checking one chunk: one batched <c>debug_token</c> request (resent for the operations Graph left unanswered), then per
/// token: mark it invalid, keep what Graph reports, refresh it when due, and raise the notices that are due.
/// </summary>
internal sealed partial class TokenSweeper
{
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
}
