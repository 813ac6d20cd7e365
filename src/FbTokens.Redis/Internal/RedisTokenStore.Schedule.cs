using System.Globalization;
using StackExchange.Redis;

namespace FbTokens.Redis.Internal;

/// <summary>
/// <see cref="ITokenSweepSchedule"/> on Redis: a sorted set per shard and app, <c>{tag}:d:{app or -}</c>, members the token
/// keys, scores their next check in unix milliseconds. The token scripts add a new key due from its UpdatedAt (ZADD NX, so an
/// overwrite keeps the next check; never kind App) and drop a removed one. A claim looks at the first due entries of every shard
/// (pipelined), plans how many of the most overdue to take from each, then runs one Lua script per planned shard (take the
/// most overdue, move them to the lease, return them with their hash), so a claim is atomic per shard and the most overdue
/// tokens go first across shards; with several shards a short per-app lock keeps concurrent claims from interleaving.
/// </summary>
internal sealed partial class RedisTokenStore : ITokenSweepSchedule
{
    /// <summary>The most planning passes one claim makes when concurrent claimers keep taking what it planned.</summary>
    private const int MaxClaimPasses = 8;

    /// <summary>How long a claim lock lives if its holder dies mid-claim (a claim takes a few round trips).</summary>
    private static readonly TimeSpan ClaimLockExpiry = TimeSpan.FromSeconds(2);

    /// <summary>How long a claim waits for the claim lock before claiming without it.</summary>
    private static readonly TimeSpan ClaimLockWait = TimeSpan.FromSeconds(5);

    private static readonly TimeSpan MaxClaimLockPoll = TimeSpan.FromMilliseconds(20);

    /// <summary>How long the one-time fill of the due sets is left to one instance before another may take it over.</summary>
    private static readonly TimeSpan DueFillLease = TimeSpan.FromMinutes(15);

    private volatile bool _dueIndexReady;

    public async ValueTask<IReadOnlyList<StoredToken>> ClaimDueAsync(string? appId, DateTimeOffset dueBy, DateTimeOffset leaseUntil, int maxCount, CancellationToken cancellationToken = default)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(maxCount, 1);
        cancellationToken.ThrowIfCancellationRequested();
        await EnsureDueIndexAsync(cancellationToken).ConfigureAwait(false);
        var claimed = new List<(double Score, StoredToken Token)>();
        RedisValue lease = RedisValue.Null;
        IDatabase? db = null;
        try
        {
            db = await _connection.GetDatabaseAsync().ConfigureAwait(false);
            lease = await TakeClaimLockAsync(db, appId, cancellationToken).ConfigureAwait(false);

            // Each pass claims what the plan says from each shard, atomically per shard. A pass can take less than planned
            // when a concurrent claimer was first; then plan again for the rest (bounded: each short pass means others
            // progressed).
            for (var pass = 0; pass < MaxClaimPasses && claimed.Count < maxCount; pass++)
            {
                var plan = await PlanClaimAsync(db, appId, dueBy, maxCount - claimed.Count, cancellationToken).ConfigureAwait(false);
                if (plan.Count == 0)
                {
                    break;
                }

                var replies = await Task.WhenAll(plan.Select(step => db.ScriptEvaluateAsync(
                    RedisScripts.Claim,
                    [_keys.Due(appId, step.Shard)],
                    [Score(dueBy), Score(leaseUntil), step.Count, _keys.TokenPrefix(step.Shard)]))).WaitAsync(cancellationToken).ConfigureAwait(false);
                var planned = plan.Sum(step => step.Count);
                var taken = 0L;
                foreach (var reply in replies.Select(r => (RedisResult[])r!))
                {
                    var dropped = (long)reply[0];
                    if (dropped > 0)
                    {
                        RedisLog.DueEntriesDropped(_logger, dropped);
                    }

                    taken += dropped + (reply.Length - 1) / 4;
                    for (var r = 1; r + 3 < reply.Length; r += 4)
                    {
                        if (TryRead([(RedisValue)reply[r + 2], (RedisValue)reply[r + 3]], (string)reply[r]!) is { } token)
                        {
                            claimed.Add((double.Parse((string)reply[r + 1]!, CultureInfo.InvariantCulture), token));
                        }
                    }
                }

                if (_keys.ShardCount == 1 && taken < planned)
                {
                    break; // one shard, planned without looking: it had no more
                }
            }
        }
        catch (Exception ex) when (IsUnavailable(ex))
        {
            throw Unavailable("claim", "the due tokens of app " + (appId ?? "(none)"), ex);
        }
        finally
        {
            if (!lease.IsNull)
            {
                await ReleaseClaimLockAsync(db!, appId, lease).ConfigureAwait(false);
            }
        }

        return [.. claimed.OrderBy(c => c.Score).Select(c => c.Token)];
    }

    /// <summary>
    /// Sharded layout: takes the app's claim lock, so concurrent claims over several shards do not interleave (they would
    /// split the last due tokens of a round into short chunks: more Graph requests than tokens / chunk size). One shard
    /// needs none: its claim is one script. Waits with a short backoff in real time (it waits for another process's Redis
    /// calls, whatever the host's clock says); after <see cref="ClaimLockWait"/> it claims without the lock (still atomic
    /// per shard, so never twice; at worst a short chunk). Returns the lease to release, or null.
    /// </summary>
    private async Task<RedisValue> TakeClaimLockAsync(IDatabase db, string? appId, CancellationToken cancellationToken)
    {
        if (_keys.ShardCount == 1)
        {
            return RedisValue.Null;
        }

        var key = _keys.ClaimLock(appId);
        RedisValue lease = Guid.NewGuid().ToString("N");
        var delay = TimeSpan.FromMilliseconds(1);
        var started = TimeProvider.System.GetTimestamp();
        while (!await db.StringSetAsync(key, lease, ClaimLockExpiry, When.NotExists).WaitAsync(cancellationToken).ConfigureAwait(false))
        {
            if (TimeProvider.System.GetElapsedTime(started) > ClaimLockWait)
            {
                RedisLog.ClaimLockTimedOut(_logger, appId ?? "(none)", ClaimLockWait);
                return RedisValue.Null;
            }

            await Task.Delay(delay, TimeProvider.System, cancellationToken).ConfigureAwait(false);
            delay = TimeSpan.FromTicks(Math.Min(delay.Ticks * 2, MaxClaimLockPoll.Ticks));
        }

        return lease;
    }

    private async Task ReleaseClaimLockAsync(IDatabase db, string? appId, RedisValue lease)
    {
        try
        {
            await db.ScriptEvaluateAsync(RedisScripts.ReleaseLock, [_keys.ClaimLock(appId)], [lease]).ConfigureAwait(false);
        }
        catch (Exception ex) when (IsUnavailable(ex))
        {
            // It expires by itself; the claim itself succeeded or already failed.
            RedisLog.Unavailable(_logger, "release the claim lock of", "app " + (appId ?? "(none)"), ex);
        }
    }

    /// <summary>
    /// How many to claim from which shard: the <paramref name="wanted"/> most overdue of the app's due sets together, from a
    /// look at each shard's first <paramref name="wanted"/> (one pipelined round trip). With one shard, all from it unseen.
    /// </summary>
    private async Task<List<(int Shard, int Count)>> PlanClaimAsync(IDatabase db, string? appId, DateTimeOffset dueBy, int wanted, CancellationToken cancellationToken)
    {
        if (_keys.ShardCount == 1)
        {
            return [(0, wanted)];
        }

        var max = (double)dueBy.ToUnixTimeMilliseconds();
        var peeks = await Task.WhenAll(Enumerable.Range(0, _keys.ShardCount).Select(shard =>
            db.SortedSetRangeByScoreWithScoresAsync(_keys.Due(appId, shard), double.NegativeInfinity, max, take: wanted))).WaitAsync(cancellationToken).ConfigureAwait(false);
        return [.. peeks
            .SelectMany((entries, shard) => entries.Select(e => (e.Score, Shard: shard)))
            .OrderBy(e => e.Score)
            .Take(wanted)
            .GroupBy(e => e.Shard)
            .Select(g => (g.Key, g.Count()))];
    }

    public async ValueTask ScheduleAsync(IReadOnlyCollection<TokenKey> keys, DateTimeOffset nextCheckAt, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(keys);
        cancellationToken.ThrowIfCancellationRequested();
        var score = (double)nextCheckAt.ToUnixTimeMilliseconds();

        // One script per due set, all pipelined: sets the next check of each key still stored, adding it when its due set
        // lacks it (a token an older version wrote after the one-time fill), never adding back a removed one.
        var groups = keys.Where(key => key.Kind != TokenKind.App).GroupBy(key => _keys.Due(key), StringComparer.Ordinal).ToList();
        if (groups.Count == 0)
        {
            return;
        }

        try
        {
            var db = await _connection.GetDatabaseAsync().ConfigureAwait(false);
            await Task.WhenAll(groups.Select(group => db.ScriptEvaluateAsync(
                RedisScripts.Schedule,
                [group.Key, .. group.Select(key => (RedisKey)_keys.Token(key))],
                [score, .. group.Select(key => (RedisValue)key.ToString())]))).WaitAsync(cancellationToken).ConfigureAwait(false);
        }
        catch (Exception ex) when (IsUnavailable(ex))
        {
            throw Unavailable("schedule", keys.Count.ToString(CultureInfo.InvariantCulture) + " tokens", ex);
        }
    }

    public async ValueTask<TokenSweepBacklog> GetBacklogAsync(string? appId, DateTimeOffset dueBy, CancellationToken cancellationToken = default)
    {
        cancellationToken.ThrowIfCancellationRequested();
        await EnsureDueIndexAsync(cancellationToken).ConfigureAwait(false);
        var max = (double)dueBy.ToUnixTimeMilliseconds();
        try
        {
            var db = await _connection.GetDatabaseAsync().ConfigureAwait(false);
            var counts = new Task<long>[_keys.ShardCount];
            var firsts = new Task<SortedSetEntry[]>[_keys.ShardCount];
            for (var shard = 0; shard < _keys.ShardCount; shard++)
            {
                var due = _keys.Due(appId, shard);
                counts[shard] = db.SortedSetLengthAsync(due, double.NegativeInfinity, max);
                firsts[shard] = db.SortedSetRangeByScoreWithScoresAsync(due, double.NegativeInfinity, max, take: 1);
            }

            await Task.WhenAll(counts.Cast<Task>().Concat(firsts)).WaitAsync(cancellationToken).ConfigureAwait(false);
            var count = counts.Sum(c => c.Result);
            var oldest = firsts.SelectMany(f => f.Result).Select(e => (double?)e.Score).Min();
            return new TokenSweepBacklog(count, oldest is { } ms ? DateTimeOffset.FromUnixTimeMilliseconds((long)ms) : null);
        }
        catch (Exception ex) when (IsUnavailable(ex))
        {
            throw Unavailable("count", "the due tokens of app " + (appId ?? "(none)"), ex);
        }
    }

    /// <summary>
    /// Once per key prefix: adds every token stored before the due sets existed to them, due from its UpdatedAt (one pass
    /// over the kind indexes, then a marker key), so tokens written by earlier versions are swept too.
    /// </summary>
    private async Task EnsureDueIndexAsync(CancellationToken cancellationToken)
    {
        if (_dueIndexReady)
        {
            return;
        }

        try
        {
            var db = await _connection.GetDatabaseAsync().ConfigureAwait(false);
            if (!await db.KeyExistsAsync(_keys.DueIndexReady).WaitAsync(cancellationToken).ConfigureAwait(false))
            {
                // One instance fills; the others go on with what the sets hold meanwhile and look again on their next call
                // (the filler claims the rest once done, so nothing is skipped). A filler that dies is replaced after the lease.
                // The lease is the filler's own (renewed after every page, released only by it), so a long fill is never
                // joined by a second instance, and a filler that finishes late never releases another's lease.
                var lease = Guid.NewGuid().ToString("N");
                if (!await db.StringSetAsync(_keys.DueIndexFilling, lease, DueFillLease, When.NotExists).WaitAsync(cancellationToken).ConfigureAwait(false))
                {
                    return;
                }

                await FillDueIndexAsync(db, lease, cancellationToken).ConfigureAwait(false);
            }
        }
        catch (Exception ex) when (IsUnavailable(ex))
        {
            throw Unavailable("schedule", "the stored tokens for the sweep", ex);
        }

        _dueIndexReady = true;
    }

    /// <summary>Adds every stored token (not of kind App) to its due set unless there, then sets the marker. A page at a time, pipelined.</summary>
    private async Task FillDueIndexAsync(IDatabase db, string lease, CancellationToken cancellationToken)
    {
        try
        {
            var added = 0L;
            var pending = new List<Task<RedisResult>>(ListPageSize);
            await foreach (var token in ListAsync(null, cancellationToken).ConfigureAwait(false))
            {
                if (token.Key.Kind != TokenKind.App)
                {
                    pending.Add(db.ScriptEvaluateAsync(
                        RedisScripts.BackfillDue,
                        [_keys.Token(token.Key), _keys.Due(token.Key)],
                        [Score(token.UpdatedAt), token.Key.ToString()]));
                }

                if (pending.Count == ListPageSize)
                {
                    added += await CountAddedAsync(pending, cancellationToken).ConfigureAwait(false);
                    await db.ScriptEvaluateAsync(
                        RedisScripts.RenewLock,
                        [_keys.DueIndexFilling],
                        [lease, (long)DueFillLease.TotalMilliseconds]).WaitAsync(cancellationToken).ConfigureAwait(false);
                }
            }

            added += await CountAddedAsync(pending, cancellationToken).ConfigureAwait(false);
            await db.StringSetAsync(_keys.DueIndexReady, "1").WaitAsync(cancellationToken).ConfigureAwait(false);
            RedisLog.DueIndexBuilt(_logger, added);
        }
        finally
        {
            try
            {
                await db.ScriptEvaluateAsync(RedisScripts.ReleaseLock, [_keys.DueIndexFilling], [lease]).ConfigureAwait(false);
            }
            catch (Exception ex) when (IsUnavailable(ex))
            {
                // Its lease ends by itself.
            }
        }
    }

    private static async Task<long> CountAddedAsync(List<Task<RedisResult>> pending, CancellationToken cancellationToken)
    {
        var replies = await Task.WhenAll(pending).WaitAsync(cancellationToken).ConfigureAwait(false);
        pending.Clear();
        return replies.Sum(reply => (long)reply);
    }
}
