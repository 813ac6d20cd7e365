using System.Globalization;
using StackExchange.Redis;

namespace FbTokens.Redis.Internal;

/// <summary>
/// <see cref="ITokenSweepSchedule"/> on Redis: a sorted set per shard and app, <c>{tag}:d:{app or -}</c>, members the token
/// keys, scores their next check in unix milliseconds. The token scripts add a new key due from its UpdatedAt (ZADD NX, so an
/// overwrite keeps the next check; never kind App) and drop a removed one. A claim is one Lua script per shard (take the most
/// overdue, move them to the lease, return them with their hash), walking the shards from a start that rotates per call so
/// concurrent claimers spread over the cluster.
/// </summary>
internal sealed partial class RedisTokenStore : ITokenSweepSchedule
{
    private volatile bool _dueIndexReady;
    private int _claimStart;

    public async ValueTask<IReadOnlyList<StoredToken>> ClaimDueAsync(string? appId, DateTimeOffset dueBy, DateTimeOffset leaseUntil, int maxCount, CancellationToken cancellationToken = default)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(maxCount, 1);
        ArgumentOutOfRangeException.ThrowIfLessThanOrEqual(leaseUntil, dueBy);
        cancellationToken.ThrowIfCancellationRequested();
        await EnsureDueIndexAsync(cancellationToken).ConfigureAwait(false);
        var claimed = new List<StoredToken>();
        var start = (uint)Interlocked.Increment(ref _claimStart);
        try
        {
            var db = await _connection.GetDatabaseAsync().ConfigureAwait(false);
            for (var i = 0; i < _keys.ShardCount && claimed.Count < maxCount; i++)
            {
                var shard = (int)((start + (uint)i) % (uint)_keys.ShardCount);
                while (claimed.Count < maxCount)
                {
                    var asked = maxCount - claimed.Count;
                    var reply = (RedisResult[])(await db.ScriptEvaluateAsync(
                        RedisScripts.Claim,
                        [_keys.Due(appId, shard)],
                        [Score(dueBy), Score(leaseUntil), asked, _keys.TokenPrefix(shard)]).WaitAsync(cancellationToken).ConfigureAwait(false))!;
                    var dropped = (long)reply[0];
                    for (var r = 1; r + 2 < reply.Length; r += 3)
                    {
                        if (TryRead([(RedisValue)reply[r + 1], (RedisValue)reply[r + 2]], (string)reply[r]!) is { } token)
                        {
                            claimed.Add(token);
                        }
                    }

                    if (dropped > 0)
                    {
                        RedisLog.DueEntriesDropped(_logger, dropped);
                    }

                    // Only entries of deleted tokens made the shard give fewer than asked: there may be more due in it.
                    if (dropped == 0 || (reply.Length - 1) / 3 + dropped < asked)
                    {
                        break;
                    }
                }
            }
        }
        catch (Exception ex) when (IsUnavailable(ex))
        {
            throw Unavailable("claim", "the due tokens of app " + (appId ?? "(none)"), ex);
        }

        return claimed;
    }

    public async ValueTask ScheduleAsync(IReadOnlyCollection<TokenKey> keys, DateTimeOffset nextCheckAt, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(keys);
        cancellationToken.ThrowIfCancellationRequested();
        var score = (double)nextCheckAt.ToUnixTimeMilliseconds();

        // One ZADD XX per due set (XX: a key no longer stored, hence not in its set, is not added back), all pipelined.
        var groups = keys.Where(key => key.Kind != TokenKind.App).GroupBy(key => _keys.Due(key), StringComparer.Ordinal).ToList();
        if (groups.Count == 0)
        {
            return;
        }

        try
        {
            var db = await _connection.GetDatabaseAsync().ConfigureAwait(false);
            await Task.WhenAll(groups.Select(group => db.SortedSetAddAsync(
                group.Key,
                [.. group.Select(key => new SortedSetEntry(key.ToString(), score))],
                SortedSetWhen.Exists))).WaitAsync(cancellationToken).ConfigureAwait(false);
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
                var added = 0;
                await foreach (var token in ListAsync(null, cancellationToken).ConfigureAwait(false))
                {
                    if (token.Key.Kind == TokenKind.App)
                    {
                        continue;
                    }

                    var reply = await db.ScriptEvaluateAsync(
                        RedisScripts.BackfillDue,
                        [_keys.Token(token.Key), _keys.Due(token.Key)],
                        [Score(token.UpdatedAt), token.Key.ToString()]).WaitAsync(cancellationToken).ConfigureAwait(false);
                    added += (int)reply;
                }

                await db.StringSetAsync(_keys.DueIndexReady, "1").WaitAsync(cancellationToken).ConfigureAwait(false);
                RedisLog.DueIndexBuilt(_logger, added);
            }
        }
        catch (Exception ex) when (IsUnavailable(ex))
        {
            throw Unavailable("schedule", "the stored tokens for the sweep", ex);
        }

        _dueIndexReady = true;
    }
}
