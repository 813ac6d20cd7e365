using FbTokens.Internal;
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

    protected override void UseStore(IFbTokensBuilder builder) =>
        builder.Services.Replace(ServiceDescriptor.Singleton<ITokenStore>(_store));
}

/// <summary>The contract on a real Redis (<c>FBTOKENS_TEST_REDIS</c>, or the tests' own server), each test under its own key prefix.</summary>
public sealed class RedisStoreContractTests(ITestOutputHelper output) : TokenStoreContract(output)
{
    private readonly string _prefix = "fbtokens-test-" + Guid.NewGuid().ToString("N");
    private string _configuration = "";

    protected override async Task PrepareAsync() => _configuration = await TestServers.RedisAsync();

    protected override void UseStore(IFbTokensBuilder builder) =>
        builder.AddRedisTokenStore(_configuration, o => o.KeyPrefix = _prefix);

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
    private readonly string _path = Path.Combine(Path.GetTempPath(), "fbtokens-test-" + Guid.NewGuid().ToString("N") + ".db");

    private string ConnectionString => new SqliteConnectionStringBuilder { DataSource = _path, DefaultTimeout = 60 }.ToString();

    protected override async Task PrepareAsync()
    {
        await using var context = new TestDbContext(new DbContextOptionsBuilder<TestDbContext>().UseSqlite(ConnectionString).Options);
        await context.Database.EnsureCreatedAsync();

        // Readers do not block the writer; the writers queue on SQLite's busy timeout.
        await context.Database.ExecuteSqlRawAsync("PRAGMA journal_mode=WAL;");
    }

    protected override void UseStore(IFbTokensBuilder builder)
    {
        builder.Services.AddDbContext<TestDbContext>(o => o.UseSqlite(ConnectionString));
        builder.PersistTokensToDbContext<TestDbContext>();
    }

    protected override Task CleanUpAsync()
    {
        SqliteConnection.ClearAllPools();
        foreach (var file in new[] { _path, _path + "-wal", _path + "-shm" })
        {
            File.Delete(file);
        }

        return Task.CompletedTask;
    }
}

/// <summary>The contract on EF Core with PostgreSQL (<c>FBTOKENS_TEST_POSTGRES</c>, or the tests' own cluster): a fresh database per test.</summary>
public sealed class PostgresStoreContractTests(ITestOutputHelper output) : TokenStoreContract(output)
{
    private readonly PostgresTestDatabase _database = new();

    protected override Task PrepareAsync() => _database.CreateAsync();

    protected override void UseStore(IFbTokensBuilder builder)
    {
        builder.Services.AddDbContext<TestDbContext>(o => o.UseNpgsql(_database.ConnectionString));
        builder.PersistTokensToDbContext<TestDbContext>();
    }

    protected override Task CleanUpAsync() => _database.DropAsync();
}
