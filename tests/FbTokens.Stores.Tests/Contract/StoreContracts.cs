using FbTokens.EntityFrameworkCore.Internal;
using FbTokens.Internal;
using FbTokens.Redis.Internal;
using FbTokens.Stores.Tests.Framework;
using Microsoft.Data.Sqlite;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Npgsql;
using Xunit.Abstractions;

namespace FbTokens.Stores.Tests.Contract;

/// <summary>The contract on the default in-process store (the reference the others are held to).</summary>
public sealed class InMemoryStoreContractTests(ITestOutputHelper output) : TokenStoreContract(output)
{
    private readonly InMemoryTokenStore _store = new();

    protected override Type StoreType => typeof(InMemoryTokenStore);

    /// <summary>
    /// The in-memory store, but one instance for every provider of a test, as the other stores share their backend: put
    /// under the chosen store's key (an <see cref="ITokenStore"/> registered after the FbTokens calls would replace
    /// FbTokens' own, protection included).
    /// </summary>
    protected override void UseStore(IFbTokensBuilder builder)
    {
        builder.UseInMemoryTokenStore();
        builder.Services.RemoveAllKeyed<ITokenStore>(InnerStoreKey);
        builder.Services.AddKeyedSingleton<ITokenStore>(InnerStoreKey, _store);
    }
}

/// <summary>The contract on a real Redis (<c>FBTOKENS_TEST_REDIS</c>, or the tests' own server), each test under its own key prefix.</summary>
public sealed class RedisStoreContractTests(ITestOutputHelper output) : TokenStoreContract(output)
{
    private readonly string _prefix = "fbtokens-test-" + Guid.NewGuid().ToString("N");
    private string _configuration = "";

    protected override Type StoreType => typeof(RedisTokenStore);

    protected override async Task PrepareAsync() => _configuration = await TestServers.RedisAsync();

    protected override void UseStore(IFbTokensBuilder builder) =>
        builder.UseRedisTokenStore(_configuration, o => o.KeyPrefix = _prefix);

    protected override async Task CleanUpAsync()
    {
        await using var redis = await StackExchange.Redis.ConnectionMultiplexer.ConnectAsync(_configuration);
        var server = redis.GetServers()[0];
        var db = redis.GetDatabase();
        await foreach (var key in server.KeysAsync(pattern: "{" + _prefix + "}:*"))
        {
            await db.KeyDeleteAsync(key);
        }
    }
}

/// <summary>The contract on EF Core with SQLite, embedded: a fresh database file per test.</summary>
public sealed class SqliteStoreContractTests(ITestOutputHelper output) : TokenStoreContract(output)
{
    private readonly SqliteTestDatabase _database = new("test");

#pragma warning disable EF1001 // FbTokens' own store, in a namespace EF Core's analyzer takes for its internals.
    protected override Type StoreType => typeof(EntityFrameworkTokenStore<TestDbContext>);
#pragma warning restore EF1001

    protected override Task PrepareAsync() => _database.CreateAsync();

    protected override void UseStore(IFbTokensBuilder builder)
    {
        builder.Services.AddDbContext<TestDbContext>(o => o.UseSqlite(_database.ConnectionString));
        builder.UseEntityFrameworkCoreTokenStore<TestDbContext>();
    }

    protected override Task CleanUpAsync()
    {
        _database.Delete();
        return Task.CompletedTask;
    }
}

/// <summary>The contract on EF Core with PostgreSQL (<c>FBTOKENS_TEST_POSTGRES</c>, or the tests' own cluster): a fresh database per test.</summary>
public sealed class PostgresStoreContractTests(ITestOutputHelper output) : TokenStoreContract(output)
{
    private readonly PostgresTestDatabase _database = new();

#pragma warning disable EF1001 // FbTokens' own store, in a namespace EF Core's analyzer takes for its internals.
    protected override Type StoreType => typeof(EntityFrameworkTokenStore<TestDbContext>);
#pragma warning restore EF1001

    protected override Task PrepareAsync() => _database.CreateAsync();

    protected override void UseStore(IFbTokensBuilder builder)
    {
        builder.Services.AddDbContext<TestDbContext>(o => o.UseNpgsql(_database.ConnectionString));
        builder.UseEntityFrameworkCoreTokenStore<TestDbContext>();
    }

    protected override Task CleanUpAsync() => _database.DropAsync();
}
