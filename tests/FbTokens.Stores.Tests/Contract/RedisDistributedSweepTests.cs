using FbTokens.Stores.Tests.Framework;
using Xunit.Abstractions;

namespace FbTokens.Stores.Tests.Contract;

/// <summary>The distributed sweep on the single Redis node (one shard, the default layout): each instance its own connection.</summary>
public sealed class RedisDistributedSweepTests(ITestOutputHelper output) : DistributedSweepContract(output)
{
    private readonly RedisTestStore _redis = new(cluster: false, shardCount: 1, "sweep");

    protected override Task PrepareAsync() => _redis.PrepareAsync();

    protected override void UseStore(IFbTokensBuilder builder) => _redis.Use(builder);

    protected override Task CleanUpAsync() => _redis.CleanUpAsync();
}

/// <summary>The distributed sweep on the three-master Redis Cluster (<c>FBTOKENS_TEST_REDIS_CLUSTER</c>), 16 shards.</summary>
public sealed class RedisClusterDistributedSweepTests(ITestOutputHelper output) : DistributedSweepContract(output)
{
    private readonly RedisTestStore _redis = new(cluster: true, shardCount: 16, "sweep");

    protected override Task PrepareAsync() => _redis.PrepareAsync();

    protected override void UseStore(IFbTokensBuilder builder) => _redis.Use(builder);

    protected override Task CleanUpAsync() => _redis.CleanUpAsync();
}
