using FbTokens.Redis;
using FbTokens.Redis.Internal;
using FbTokens.Stores.Tests.Framework;
using Microsoft.Extensions.DependencyInjection;
using StackExchange.Redis;

namespace FbTokens.Stores.Tests.Redis;

/// <summary>The Redis sweep schedule's one-time backfill (issue 16): tokens written before the due sets existed are swept too.</summary>
public sealed class RedisScheduleBackfillTests : IAsyncLifetime
{
    private static readonly DateTimeOffset T0 = new(2030, 6, 1, 12, 0, 0, TimeSpan.Zero);
    private readonly string _prefix = "fbtokens-due-" + Guid.NewGuid().ToString("N");
    private readonly List<IAsyncDisposable> _owned = [];
    private string _configuration = "";

    public async Task InitializeAsync() => _configuration = await TestServers.RedisAsync();

    public async Task DisposeAsync()
    {
        foreach (var owned in _owned)
        {
            await owned.DisposeAsync();
        }

        if (_configuration.Length > 0)
        {
            await TestRedisCluster.DeleteKeysAsync(_configuration, _prefix);
        }
    }

    private RedisTokenStore NewStore(int shardCount)
    {
        var provider = StoreServices.Build(b => b.UseRedisTokenStore(_configuration, o =>
        {
            o.KeyPrefix = _prefix;
            o.ShardCount = shardCount;
        }));
        _owned.Add(provider);
        return (RedisTokenStore)provider.GetRequiredKeyedService<ITokenStore>("FbTokens.InnerStore");
    }

    /// <summary>What an earlier version left: no due sets and no marker.</summary>
    private static async Task ForgetScheduleAsync(RedisKeys keys, IDatabase db)
    {
        for (var shard = 0; shard < keys.ShardCount; shard++)
        {
            await db.KeyDeleteAsync([keys.Due(null, shard), keys.Due("3003", shard)]);
        }

        await db.KeyDeleteAsync(keys.DueIndexReady);
    }

    [SkippableTheory]
    [InlineData(1)]
    [InlineData(16)]
    public async Task Tokens_written_before_the_schedule_existed_are_due_from_their_UpdatedAt_after_a_one_time_backfill(int shardCount)
    {
        var writer = NewStore(shardCount);
        await writer.SetAsync(new StoredToken { Key = TokenKey.ForUser("1001"), Value = "EAABuser", UpdatedAt = T0 }, 0);
        await writer.SetAsync(new StoredToken { Key = TokenKey.ForPage("501", "3003"), Value = "EAABpage", UpdatedAt = T0 + TimeSpan.FromMinutes(1) }, 0);
        await writer.SetAsync(new StoredToken { Key = TokenKey.ForApp("3003"), Value = "EAABapp", UpdatedAt = T0 }, 0);
        await using var redis = await ConnectionMultiplexer.ConnectAsync(_configuration);
        var db = redis.GetDatabase();
        await ForgetScheduleAsync(writer.Keys, db);

        var reader = NewStore(shardCount);
        Assert.Equal(new TokenSweepBacklog(1, T0), await reader.GetBacklogAsync(null, T0.AddDays(1)));
        Assert.Equal(new TokenSweepBacklog(1, T0 + TimeSpan.FromMinutes(1)), await reader.GetBacklogAsync("3003", T0.AddDays(1)));
        Assert.Equal([TokenKey.ForPage("501", "3003")], (await reader.ClaimDueAsync("3003", T0.AddDays(1), T0.AddDays(2), 10)).Select(t => t.Key));
        Assert.True(await db.KeyExistsAsync(reader.Keys.DueIndexReady));

        // Once per prefix: with the marker set, a later instance does not scan again.
        await db.KeyDeleteAsync(reader.Keys.Due(TokenKey.ForUser("1001")));
        Assert.Equal(new TokenSweepBacklog(0, null), await NewStore(shardCount).GetBacklogAsync(null, T0.AddDays(1)));
    }

    [SkippableTheory]
    [InlineData(1)]
    [InlineData(16)]
    public async Task Scheduling_a_checked_token_missing_from_its_due_set_adds_it_but_never_adds_back_a_removed_one(int shardCount)
    {
        // A token an older version wrote after the one-time fill has no due entry: a sweep over everything (SweepNowAsync)
        // checks it, and scheduling it must put it in the schedule from then on.
        var store = NewStore(shardCount);
        var orphan = TokenKey.ForUser("1001");
        var removed = TokenKey.ForUser("1002");
        await store.SetAsync(new StoredToken { Key = orphan, Value = "EAABuser", UpdatedAt = T0 }, 0);
        await store.SetAsync(new StoredToken { Key = removed, Value = "EAABuser", UpdatedAt = T0 }, 0);
        await store.GetBacklogAsync(null, T0); // the one-time fill has run (marker set): it will not repair what follows
        await using var redis = await ConnectionMultiplexer.ConnectAsync(_configuration);
        var db = redis.GetDatabase();
        await db.SortedSetRemoveAsync(store.Keys.Due(orphan), orphan.ToString());
        await store.RemoveAsync(removed, null);
        Assert.Equal(new TokenSweepBacklog(0, null), await store.GetBacklogAsync(null, T0.AddDays(1)));

        await store.ScheduleAsync([orphan, removed], T0.AddHours(6));

        Assert.Equal(new TokenSweepBacklog(1, T0.AddHours(6)), await store.GetBacklogAsync(null, T0.AddDays(1)));
        Assert.Equal([orphan], (await store.ClaimDueAsync(null, T0.AddDays(1), T0.AddDays(2), 10)).Select(t => t.Key));
    }

    [SkippableFact]
    public async Task While_another_instance_fills_the_schedule_an_instance_does_not_scan_too_and_fills_it_once_the_filler_is_gone()
    {
        var writer = NewStore(16);
        await writer.SetAsync(new StoredToken { Key = TokenKey.ForUser("1001"), Value = "EAABuser", UpdatedAt = T0 }, 0);
        await using var redis = await ConnectionMultiplexer.ConnectAsync(_configuration);
        var db = redis.GetDatabase();
        await ForgetScheduleAsync(writer.Keys, db);
        await db.StringSetAsync(writer.Keys.DueIndexFilling, "1", TimeSpan.FromMinutes(1));

        var other = NewStore(16);
        Assert.Equal(new TokenSweepBacklog(0, null), await other.GetBacklogAsync(null, T0.AddDays(1)));
        Assert.False(await db.KeyExistsAsync(other.Keys.DueIndexReady));

        // The filler died: its lease gone, the next call fills.
        await db.KeyDeleteAsync(writer.Keys.DueIndexFilling);
        Assert.Equal(new TokenSweepBacklog(1, T0), await other.GetBacklogAsync(null, T0.AddDays(1)));
        Assert.True(await db.KeyExistsAsync(other.Keys.DueIndexReady));
        Assert.False(await db.KeyExistsAsync(other.Keys.DueIndexFilling));
    }
}
