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
    private readonly string _prefix = "fbtokens-test-" + Guid.NewGuid().ToString("N");
    private string _configuration = "";

    protected override Type StoreType => typeof(RedisTokenStore);

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

/// <summary>
/// The contract on the single Redis node with the sharded layout (16 shards): the cluster's key layout and its person-set
/// holds, on any machine the single-node tests run on.
/// </summary>
public sealed class RedisShardedStoreContractTests(ITestOutputHelper output) : TokenStoreContract(output)
{
    private readonly string _prefix = "fbtokens-test-" + Guid.NewGuid().ToString("N");
    private string _configuration = "";

    protected override Type StoreType => typeof(RedisTokenStore);

    protected override async Task PrepareAsync() => _configuration = await TestServers.RedisAsync();

    protected override void UseStore(IFbTokensBuilder builder) =>
        builder.UseRedisTokenStore(_configuration, o =>
        {
            o.KeyPrefix = _prefix;
            o.ShardCount = 16;
        });

    protected override Task CleanUpAsync() => TestRedisCluster.DeleteKeysAsync(_configuration, _prefix);
}
