namespace FbTokens.Stores.Tests.Framework;

/// <summary>
/// A Redis store under a key prefix of its own, on the tests' single node or on the Redis Cluster
/// (<c>FBTOKENS_TEST_REDIS_CLUSTER</c>), with a given shard count; its keys are deleted afterwards.
/// </summary>
internal sealed class RedisTestStore(bool cluster, int shardCount, string name)
{
    private readonly string _prefix = "fbtokens-" + name + "-" + Guid.NewGuid().ToString("N");
    private string _configuration = "";

    public async Task PrepareAsync() => _configuration = cluster ? TestRedisCluster.Configuration : await TestServers.RedisAsync();

    public void Use(IFbTokensBuilder builder) =>
        builder.UseRedisTokenStore(_configuration, o =>
        {
            o.KeyPrefix = _prefix;
            o.ShardCount = shardCount;
        });

    public Task CleanUpAsync() => TestRedisCluster.DeleteKeysAsync(_configuration, _prefix);
}
