namespace FbTokens.Redis;

/// <summary>Settings of the Redis token store registered by <c>UseRedisTokenStore</c>.</summary>
public sealed class RedisTokenStoreOptions
{
    /// <summary>
    /// The prefix of every Redis key the store writes (default <c>fbtokens</c>). Instances that share tokens use the same
    /// prefix; several apps on one Redis use different ones. With one shard (<see cref="ShardCount"/>) keys are
    /// <c>{prefix}:…</c>, the braces making one cluster hash slot; with more, <c>{prefix:n}:…</c>.
    /// </summary>
    public string KeyPrefix { get; set; } = "fbtokens";

    /// <summary>
    /// Whether token refreshes are coordinated across instances with a Redis lock (default true), so one refresh per key
    /// reaches Graph however many instances run.
    /// </summary>
    public bool UseDistributedRefreshLock { get; set; } = true;

    /// <summary>
    /// How long a refresh lock lives if its holder never releases it (a crash), and the longest other instances wait for
    /// it. Default 30 seconds; it must outlast a Graph exchange with its retries.
    /// </summary>
    public TimeSpan RefreshLockExpiry { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>
    /// Into how many shards the store spreads its keys, 1 to 1024 (default 1). With 1 every key shares the hash tag
    /// <c>{prefix}</c>: one Redis Cluster hash slot, the layout of earlier versions. With N &gt; 1 a token's keys (its hash,
    /// its index entries, its sweep schedule and its refresh lock) carry the tag <c>{prefix:n}</c> of one of N shards, so
    /// the store spreads over a cluster's nodes while every script still touches one slot; choose a few times the number of
    /// masters (e.g. 16). Choose once: changing it hides the tokens written under the old count (they are not migrated).
    /// </summary>
    public int ShardCount { get; set; } = 1;

    /// <summary>The largest <see cref="ShardCount"/> accepted.</summary>
    internal const int MaxShardCount = 1024;
}
