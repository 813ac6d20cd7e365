using FbTokens.Stores.Tests.Framework;
using Microsoft.Extensions.DependencyInjection;
using StackExchange.Redis;

namespace FbTokens.Stores.Tests.Redis;

/// <summary>The Redis store's index by person (issue 14): its layout, and tokens written before it existed.</summary>
public sealed class RedisPersonIndexTests : IAsyncLifetime
{
    private readonly string _prefix = "fbtokens-person-" + Guid.NewGuid().ToString("N");
    private readonly List<ServiceProvider> _providers = [];
    private string _configuration = "";

    public async Task InitializeAsync() => _configuration = await TestServers.RedisAsync();

    public async Task DisposeAsync()
    {
        foreach (var provider in _providers)
        {
            await provider.DisposeAsync();
        }

        if (_configuration.Length == 0)
        {
            return;
        }

        await using var redis = await ConnectionMultiplexer.ConnectAsync(_configuration);
        var db = redis.GetDatabase();
        await foreach (var key in redis.GetServers()[0].KeysAsync(pattern: "{" + _prefix + "}:*"))
        {
            await db.KeyDeleteAsync(key);
        }
    }

    private ITokenStore NewStore()
    {
        var provider = StoreServices.Build(b => b.UseRedisTokenStore(_configuration, o => o.KeyPrefix = _prefix));
        _providers.Add(provider);
        return provider.GetRequiredService<ITokenStore>();
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

    [SkippableFact]
    public async Task The_person_sets_share_the_prefix_hash_slot_and_follow_writes()
    {
        var store = NewStore();
        await store.SetAsync(Token(TokenKey.ForUser("1001"), null), null);
        await store.SetAsync(Token(TokenKey.ForPage("501"), "1001"), null);

        await using var redis = await ConnectionMultiplexer.ConnectAsync(_configuration);
        var db = redis.GetDatabase();
        var members = (await db.SetMembersAsync("{" + _prefix + "}:o:1001")).Select(m => m.ToString()).Order(StringComparer.Ordinal);
        Assert.Equal(["Page:501", "User:1001"], members);

        await store.SetAsync(Token(TokenKey.ForPage("501"), "2002"), null);
        Assert.Equal(["User:1001"], (await db.SetMembersAsync("{" + _prefix + "}:o:1001")).Select(m => m.ToString()));
        Assert.Equal(["Page:501"], (await db.SetMembersAsync("{" + _prefix + "}:o:2002")).Select(m => m.ToString()));
    }

    [SkippableFact]
    public async Task Tokens_written_before_the_index_existed_are_found_after_a_one_time_backfill()
    {
        var writer = NewStore();
        await writer.SetAsync(Token(TokenKey.ForUser("1001"), null), null);
        await writer.SetAsync(Token(TokenKey.ForPage("501"), "1001"), null);
        await writer.SetAsync(Token(TokenKey.ForPage("601"), "2002"), null);

        // What an earlier version left: hashes without the 'p' field, no person sets, no marker.
        await using var redis = await ConnectionMultiplexer.ConnectAsync(_configuration);
        var db = redis.GetDatabase();
        foreach (var key in new[] { "User:1001", "Page:501", "Page:601" })
        {
            await db.HashDeleteAsync("{" + _prefix + "}:t:" + key, "p");
        }

        await db.KeyDeleteAsync(["{" + _prefix + "}:o:1001", "{" + _prefix + "}:o:2002", "{" + _prefix + "}:o-ready"]);

        var reader = NewStore();
        Assert.Equal([TokenKey.ForPage("501"), TokenKey.ForUser("1001")], await PersonAsync(reader, "1001"));
        Assert.Equal([TokenKey.ForPage("601")], await PersonAsync(reader, "2002"));
        Assert.True(await db.KeyExistsAsync("{" + _prefix + "}:o-ready"));

        // Backfilled entries follow later writes like any other.
        await reader.RemoveAsync(TokenKey.ForPage("501"), null);
        Assert.Equal([TokenKey.ForUser("1001")], await PersonAsync(reader, "1001"));
    }
}
