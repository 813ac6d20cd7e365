using FbTokens.Stores.Tests.Framework;
using Xunit.Abstractions;

namespace FbTokens.Stores.Tests.Contract;

/// <summary>The distributed sweep on the single Redis node (one shard, the default layout): each instance its own connection.</summary>
public sealed class RedisDistributedSweepTests(ITestOutputHelper output) : DistributedSweepContract(output)
{
    private readonly string _prefix = "fbtokens-sweep-" + Guid.NewGuid().ToString("N");
    private string _configuration = "";

    protected override async Task PrepareAsync() => _configuration = await TestServers.RedisAsync();

    protected override void UseStore(IFbTokensBuilder builder) =>
        builder.UseRedisTokenStore(_configuration, o => o.KeyPrefix = _prefix);

    protected override Task CleanUpAsync() => TestRedisCluster.DeleteKeysAsync(_configuration, _prefix);
}

/// <summary>The distributed sweep on the three-master Redis Cluster (<c>FBTOKENS_TEST_REDIS_CLUSTER</c>), 16 shards.</summary>
public sealed class RedisClusterDistributedSweepTests(ITestOutputHelper output) : DistributedSweepContract(output)
{
    private readonly string _prefix = "fbtokens-sweep-" + Guid.NewGuid().ToString("N");
    private string _configuration = "";

    protected override Task PrepareAsync()
    {
        _configuration = TestRedisCluster.Configuration;
        return Task.CompletedTask;
    }

    protected override void UseStore(IFbTokensBuilder builder) =>
        builder.UseRedisTokenStore(_configuration, o =>
        {
            o.KeyPrefix = _prefix;
            o.ShardCount = 16;
        });

    protected override Task CleanUpAsync() => TestRedisCluster.DeleteKeysAsync(_configuration, _prefix);
}
