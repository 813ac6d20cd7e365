using System.Globalization;
using FbTokens.Redis;
using FbTokens.Redis.Internal;
using FbTokens.Stores.Tests.Framework;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using StackExchange.Redis;
using Xunit.Abstractions;

namespace FbTokens.Stores.Tests.Redis;

/// <summary>The Redis store's key layout with <see cref="RedisTokenStoreOptions.ShardCount"/> (issue 16): one slot per script, spread over a cluster.</summary>
public sealed class RedisClusterLayoutTests(ITestOutputHelper output)
{
    /// <summary>The hash tag Redis Cluster hashes for <paramref name="key"/>: what is between the first braces.</summary>
    private static string Tag(string key) => key[(key.IndexOf('{', StringComparison.Ordinal) + 1)..key.IndexOf('}', StringComparison.Ordinal)];

    private static TokenKey User(int i) => TokenKey.ForUser((1000 + i).ToString(CultureInfo.InvariantCulture), i % 3 == 0 ? "3003" : null);

    [Fact]
    public void One_shard_keeps_the_keys_of_earlier_versions()
    {
        var keys = new RedisKeys(new RedisTokenStoreOptions { KeyPrefix = "app" });
        var key = TokenKey.ForPage("501", "3003");

        Assert.Equal("{app}:t:Page:501@3003", keys.Token(key));
        Assert.Equal("{app}:i:Page", keys.Index(key));
        Assert.Equal("{app}:l:Page:501@3003", keys.Lock(key));
        Assert.Equal("{app}:o:1001@3003", keys.Person("1001", "3003"));
        Assert.Equal("{app}:o-ready", keys.PersonIndexReady);
        Assert.Equal("{app}:d:3003", keys.Due(key));
        Assert.True(keys.PersonsInTokenSlot);
    }

    [Fact]
    public void With_shards_each_tokens_keys_share_one_tag_and_the_tokens_spread_over_every_shard()
    {
        var keys = new RedisKeys(new RedisTokenStoreOptions { KeyPrefix = "app", ShardCount = 16 });
        var tags = new HashSet<string>(StringComparer.Ordinal);
        for (var i = 0; i < 500; i++)
        {
            var key = User(i);
            var tag = Tag(keys.Token(key));
            Assert.Equal(tag, Tag(keys.Index(key)));
            Assert.Equal(tag, Tag(keys.Due(key)));
            Assert.Equal(tag, Tag(keys.Lock(key)));
            Assert.Equal("app:" + keys.ShardOf(key).ToString(CultureInfo.InvariantCulture), tag);
            tags.Add(tag);
        }

        Assert.Equal(16, tags.Count);
        Assert.False(keys.PersonsInTokenSlot);

        // The shard of a key is stable: the same for another instance with the same settings.
        var again = new RedisKeys(new RedisTokenStoreOptions { KeyPrefix = "app", ShardCount = 16 });
        Assert.Equal(keys.Token(User(7)), again.Token(User(7)));
    }

    [Theory]
    [InlineData(0)]
    [InlineData(1025)]
    public void A_shard_count_outside_1_to_1024_fails_at_start(int shardCount)
    {
        using var provider = StoreServices.Build(b => b.UseRedisTokenStore("127.0.0.1:1", o => o.ShardCount = shardCount));

        var ex = Assert.Throws<OptionsValidationException>(() => provider.GetRequiredService<IOptions<RedisTokenStoreOptions>>().Value);
        Assert.Contains("ShardCount", ex.Message, StringComparison.Ordinal);
    }

    [SkippableFact]
    public async Task Keys_of_a_store_with_16_shards_land_on_all_three_masters()
    {
        var configuration = TestRedisCluster.Configuration;

        // A fixed prefix: where its 16 tags hash is then the same on every run (a random one could, rarely, miss a master).
        const string prefix = "fbtokens-spread-test";
        await TestRedisCluster.DeleteKeysAsync(configuration, prefix);
        try
        {
            await using (var provider = StoreServices.Build(b => b.UseRedisTokenStore(configuration, o =>
            {
                o.KeyPrefix = prefix;
                o.ShardCount = 16;
            })))
            {
                var store = provider.GetRequiredService<ITokenStore>();
                for (var i = 0; i < 64; i++)
                {
                    await store.SetAsync(new StoredToken { Key = User(i), Value = "EAABvalue", OwnerUserId = null }, null);
                }
            }

            await using var redis = await ConnectionMultiplexer.ConnectAsync(configuration);
            var masters = redis.GetServers().Where(s => !s.IsReplica).ToList();
            Assert.Equal(3, masters.Count);
            foreach (var master in masters)
            {
                var count = 0;
                await foreach (var _ in master.KeysAsync(pattern: "{" + prefix + ":*"))
                {
                    count++;
                }

                output.WriteLine($"{master.EndPoint}: {count} keys of the store.");
                Assert.True(count > 0, $"The master {master.EndPoint} holds none of the store's keys.");
            }
        }
        finally
        {
            await TestRedisCluster.DeleteKeysAsync(configuration, prefix);
        }
    }
}
