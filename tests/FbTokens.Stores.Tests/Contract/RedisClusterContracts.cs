using FbTokens.Redis.Internal;
using FbTokens.Stores.Tests.Framework;
using Xunit.Abstractions;

namespace FbTokens.Stores.Tests.Contract;

/// <summary>
/// The contract on a real three-master Redis Cluster (<c>FBTOKENS_TEST_REDIS_CLUSTER</c>), the store spread over 16 shards,
/// each test under its own key prefix.
/// </summary>
public sealed class RedisClusterStoreContractTests(ITestOutputHelper output) : TokenStoreContract(output)
{
    private readonly RedisTestStore _redis = new(cluster: true, shardCount: 16, "test");

    protected override Type StoreType => typeof(RedisTokenStore);

    protected override Task PrepareAsync() => _redis.PrepareAsync();

    protected override void UseStore(IFbTokensBuilder builder) => _redis.Use(builder);

    protected override Task CleanUpAsync() => _redis.CleanUpAsync();
}

/// <summary>
/// The contract on the single Redis node with the sharded layout (16 shards): the cluster's key layout and its person-set
/// holds, on any machine the single-node tests run on.
/// </summary>
public sealed class RedisShardedStoreContractTests(ITestOutputHelper output) : TokenStoreContract(output)
{
    private readonly RedisTestStore _redis = new(cluster: false, shardCount: 16, "test");

    protected override Type StoreType => typeof(RedisTokenStore);

    protected override Task PrepareAsync() => _redis.PrepareAsync();

    protected override void UseStore(IFbTokensBuilder builder) => _redis.Use(builder);

    protected override Task CleanUpAsync() => _redis.CleanUpAsync();
}
