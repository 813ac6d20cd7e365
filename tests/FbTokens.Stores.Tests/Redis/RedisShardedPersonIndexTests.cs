using FbTokens.Redis;
using FbTokens.Redis.Internal;
using FbTokens.Stores.Tests.Framework;
using Microsoft.Extensions.DependencyInjection;
using StackExchange.Redis;

namespace FbTokens.Stores.Tests.Redis;

/// <summary>
/// Person sets of a sharded store (issue 16), on the single node and on the cluster: they live in the person's shard, are
/// kept outside the token script with holds, and are never missing a member while the token belongs to the person.
/// </summary>
public sealed class RedisShardedPersonIndexTests : IAsyncLifetime
{
    private readonly string _prefix = "fbtokens-person-" + Guid.NewGuid().ToString("N");
    private readonly List<IAsyncDisposable> _owned = [];
    private readonly List<string> _configurations = [];

    public Task InitializeAsync() => Task.CompletedTask;

    public async Task DisposeAsync()
    {
        foreach (var owned in _owned)
        {
            await owned.DisposeAsync();
        }

        foreach (var configuration in _configurations)
        {
            await TestRedisCluster.DeleteKeysAsync(configuration, _prefix);
        }
    }

    private RedisKeys Keys => new(new RedisTokenStoreOptions { KeyPrefix = _prefix, ShardCount = 16 });

    private async Task<(ITokenStore Store, IDatabase Db)> StoreAsync(bool cluster)
    {
        var configuration = await TestRedisCluster.RedisAsync(cluster);
        _configurations.Add(configuration);
        var provider = StoreServices.Build(b => b.UseRedisTokenStore(configuration, o =>
        {
            o.KeyPrefix = _prefix;
            o.ShardCount = 16;
        }));
        _owned.Add(provider);
        var redis = await ConnectionMultiplexer.ConnectAsync(configuration);
        _owned.Add(redis);
        return (provider.GetRequiredService<ITokenStore>(), redis.GetDatabase());
    }

    private static StoredToken Token(TokenKey key, string? owner) => new() { Key = key, Value = "EAABvalue0123456789", OwnerUserId = owner };

    private static async Task<List<TokenKey>> PersonAsync(ITokenStore store, string userId)
    {
        var keys = new List<TokenKey>();
        await foreach (var token in store.ListForUserAsync(userId, null))
        {
            keys.Add(token.Key);
        }

        return [.. keys.OrderBy(k => k.ToString(), StringComparer.Ordinal)];
    }

    private async Task<Dictionary<string, long>> HoldsAsync(IDatabase db, string userId) =>
        (await db.HashGetAllAsync(Keys.Person(userId, null))).ToDictionary(e => e.Name.ToString(), e => (long)e.Value, StringComparer.Ordinal);

    [SkippableTheory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task An_owner_change_moves_the_member_and_a_removal_drops_it(bool cluster)
    {
        var (store, db) = await StoreAsync(cluster);
        var page = TokenKey.ForPage("501");
        await store.SetAsync(Token(TokenKey.ForUser("1001"), null), null);
        var first = await store.SetAsync(Token(page, "1001"), null);
        Assert.Equal(new Dictionary<string, long> { ["Page:501"] = 1, ["User:1001"] = 1 }, await HoldsAsync(db, "1001"));

        await store.SetAsync(Token(page, "2002"), first.Version);
        await store.SetAsync(Token(page, "2002"), null); // the same persons: the hold passes on, not added to

        Assert.Equal(new Dictionary<string, long> { ["User:1001"] = 1 }, await HoldsAsync(db, "1001"));
        Assert.Equal(new Dictionary<string, long> { ["Page:501"] = 1 }, await HoldsAsync(db, "2002"));
        Assert.Equal([TokenKey.ForUser("1001")], await PersonAsync(store, "1001"));
        Assert.Equal([page], await PersonAsync(store, "2002"));

        // A compare-and-set that loses gives back the hold it took.
        await Assert.ThrowsAsync<TokenStoreConcurrencyException>(() => store.SetAsync(Token(page, "3003"), first.Version).AsTask());
        Assert.Empty(await HoldsAsync(db, "3003"));

        Assert.True(await store.RemoveAsync(page, null));
        Assert.Empty(await HoldsAsync(db, "2002"));
        Assert.Empty(await PersonAsync(store, "2002"));
    }

    [SkippableTheory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task A_stale_member_is_ignored(bool cluster)
    {
        var (store, db) = await StoreAsync(cluster);
        await store.SetAsync(Token(TokenKey.ForPage("501"), "1001"), null);

        // What a writer that died between its steps leaves: a hold on a person the token never belonged to, and one on a
        // token never written.
        await db.HashIncrementAsync(Keys.Person("2002", null), "Page:501");
        await db.HashIncrementAsync(Keys.Person("2002", null), "Page:404");

        Assert.Empty(await PersonAsync(store, "2002"));
        Assert.Equal([TokenKey.ForPage("501")], await PersonAsync(store, "1001"));
    }

    [SkippableTheory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task Racing_owner_changes_leave_the_member_with_the_final_owner_only(bool cluster)
    {
        var (store, db) = await StoreAsync(cluster);
        var page = TokenKey.ForPage("501");
        string[] owners = ["1001", "2002", "3003"];
        await store.SetAsync(Token(page, owners[0]), null);

        // Unconditional writers moving the token between three people at once: the holds of each step must not undo a
        // later write's (a plain "remove from the old set after the write" would, when the old owner is also the newest).
        await Parallel.ForAsync(0, 300, new ParallelOptions { MaxDegreeOfParallelism = 24 }, async (i, ct) =>
            await store.SetAsync(Token(page, owners[i % owners.Length]), null, ct));

        var final = (await store.GetAsync(page))!.OwnerUserId!;
        Assert.Equal([page], await PersonAsync(store, final));
        foreach (var owner in owners)
        {
            var holds = await HoldsAsync(db, owner);
            Assert.Equal(owner == final ? new Dictionary<string, long> { ["Page:501"] = 1 } : [], holds);
        }

        Assert.Equal(301, (await store.GetAsync(page))!.Version);
    }
}
