namespace FbTokens.Redis;

/// <summary>Settings of the Redis token store registered by <c>UseRedisTokenStore</c>.</summary>
public sealed class RedisTokenStoreOptions
{
    /// <summary>
    /// The prefix of every Redis key the store writes (default <c>fbtokens</c>). Instances that share tokens use the same
    /// prefix; several apps on one Redis use different ones. Keys are <c>{prefix}:…</c>, the braces making one cluster
    /// hash slot, so the Lua scripts stay valid on Redis Cluster.
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
}
