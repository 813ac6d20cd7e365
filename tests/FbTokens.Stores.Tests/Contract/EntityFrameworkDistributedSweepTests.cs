using FbTokens.Stores.Tests.Framework;
using Microsoft.Data.Sqlite;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Npgsql;
using Xunit.Abstractions;

namespace FbTokens.Stores.Tests.Contract;

/// <summary>
/// The distributed sweep on EF Core with PostgreSQL (<c>FOR UPDATE SKIP LOCKED</c> claims): a fresh database per test; each
/// instance connects with its own application name, so with its own connection pool.
/// </summary>
public sealed class PostgresDistributedSweepTests(ITestOutputHelper output) : DistributedSweepContract(output)
{
    private readonly PostgresTestDatabase _database = new();
    private int _instances;

    protected override Task PrepareAsync() => _database.CreateAsync();

    protected override void UseStore(IFbTokensBuilder builder)
    {
        var connectionString = new NpgsqlConnectionStringBuilder(_database.ConnectionString)
        {
            ApplicationName = "fbtokens-instance-" + Interlocked.Increment(ref _instances),
        }.ToString();
        builder.Services.AddDbContext<TestDbContext>(o => o.UseNpgsql(connectionString));
        builder.UseEntityFrameworkCoreTokenStore<TestDbContext>();
    }

    protected override Task CleanUpAsync() => _database.DropAsync();
}

/// <summary>The distributed sweep on EF Core with SQLite (optimistic claims): three instances on one database file (WAL).</summary>
public sealed class SqliteDistributedSweepTests(ITestOutputHelper output) : DistributedSweepContract(output)
{
    private readonly SqliteTestDatabase _database = new("sweep");

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
