using System.Collections.Concurrent;
using System.Data.Common;
using FbTokens.EntityFrameworkCore.Internal;
using FbTokens.Stores.Tests.Framework;
using Microsoft.Data.Sqlite;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Diagnostics;
using Microsoft.Extensions.DependencyInjection;
using Npgsql;

namespace FbTokens.Stores.Tests.EntityFrameworkCore;

#pragma warning disable EF1001 // FbTokens' own store, in a namespace EF Core's analyzer takes for its internals.

/// <summary>
/// A claim reads the first due entries of the (AppId, NextCheckAtUnixMs) index instead of sorting every due row: the
/// claim's own statements, captured as the store sends them, are explained by the database over a table where thousands
/// of tokens are due. (Ordering by the next check alone made PostgreSQL sort them all: 125 ms per claim at 100,000 tokens.)
/// </summary>
public sealed class ClaimPlanTests : IAsyncLifetime
{
    private const int Tokens = 20_000;
    private readonly PostgresTestDatabase _database = new();
    private readonly string _sqlitePath = Path.Combine(Path.GetTempPath(), "fbtokens-plan-" + Guid.NewGuid().ToString("N") + ".db");
    private readonly List<ServiceProvider> _providers = [];
    private readonly ClaimCommands _commands = new();
    private bool _created;

    public Task InitializeAsync() => Task.CompletedTask;

    public async Task DisposeAsync()
    {
        foreach (var provider in _providers)
        {
            await provider.DisposeAsync();
        }

        if (_created)
        {
            await _database.DropAsync();
        }

        SqliteConnection.ClearAllPools();
        File.Delete(_sqlitePath);
    }

    [SkippableTheory]
    [InlineData(false, null)]
    [InlineData(false, "2000000000000002")]
    [InlineData(true, null)]
    [InlineData(true, "2000000000000002")]
    public async Task Postgres_claims_read_the_due_range_of_the_index_in_order(bool optimistic, string? appId)
    {
        await _database.CreateAsync();
        _created = true;
        await using var connection = new NpgsqlConnection(_database.ConnectionString);
        await connection.OpenAsync();
        await ExecuteAsync(connection, $"""
            INSERT INTO "FbTokens" ("Key", "Kind", "SubjectId", "AppId", "Value", "Scopes", "Status", "IssuedAt", "UpdatedAt",
                "RenewalNeedsPerson", "MissingPermissionsNoticed", "NextCheckAtUnixMs", "Version")
            SELECT 'User:' || g || CASE WHEN g % 2 = 0 THEN '@2000000000000002' ELSE '' END, 0, g::text,
                CASE WHEN g % 2 = 0 THEN '2000000000000002' END, 'EAABvalue', 'email', 0, now(), now(), false, '', 1000000 + g, 1
            FROM generate_series(1, {Tokens}) g;
            ANALYZE "FbTokens";
            """);

        var claimed = await ClaimAsync(o => o.UseNpgsql(_database.ConnectionString), optimistic, appId);

        Assert.Equal(50, claimed.Count);
        var reads = _commands.Reads();
        Assert.NotEmpty(reads);
        foreach (var command in reads)
        {
            await using var explain = new NpgsqlCommand("EXPLAIN " + command.Text, connection);
            foreach (var (name, value) in command.Parameters)
            {
                explain.Parameters.Add(new NpgsqlParameter(name, value));
            }

            var plan = string.Join('\n', await ReadAllAsync(explain));
            Assert.Contains("IX_FbTokens_AppId_NextCheckAtUnixMs", plan, StringComparison.Ordinal);
            Assert.DoesNotContain("Seq Scan", plan, StringComparison.Ordinal);

            // The claimed rows may be sorted (the 50 of them, by their old next check); the due rows must not be.
            Assert.DoesNotContain(plan.Split('\n'), line => line.Contains("Sort Key", StringComparison.Ordinal) && line.Contains("NextCheckAtUnixMs", StringComparison.Ordinal));
        }
    }

    [Theory]
    [InlineData(null)]
    [InlineData("2000000000000002")]
    public async Task Sqlite_claims_read_the_due_range_of_the_index_in_order(string? appId)
    {
        var connectionString = new SqliteConnectionStringBuilder { DataSource = _sqlitePath }.ToString();
        await using (var context = new TestDbContext(new DbContextOptionsBuilder<TestDbContext>().UseSqlite(connectionString).Options))
        {
            await context.Database.EnsureCreatedAsync();
        }

        await using var connection = new SqliteConnection(connectionString);
        await connection.OpenAsync();
        await using (var insert = new SqliteCommand($"""
            WITH RECURSIVE g(n) AS (SELECT 1 UNION ALL SELECT n + 1 FROM g WHERE n < {Tokens})
            INSERT INTO "FbTokens" ("Key", "Kind", "SubjectId", "AppId", "Value", "Scopes", "Status", "IssuedAt", "UpdatedAt",
                "RenewalNeedsPerson", "MissingPermissionsNoticed", "NextCheckAtUnixMs", "Version")
            SELECT 'User:' || n || CASE WHEN n % 2 = 0 THEN '@2000000000000002' ELSE '' END, 0, n,
                CASE WHEN n % 2 = 0 THEN '2000000000000002' END, 'EAABvalue', 'email', 0, '2030-01-01 00:00:00+00:00',
                '2030-01-01 00:00:00+00:00', 0, '', 1000000 + n, 1
            FROM g;
            ANALYZE;
            """, connection))
        {
            await insert.ExecuteNonQueryAsync();
        }

        var claimed = await ClaimAsync(o => o.UseSqlite(connectionString), optimistic: true, appId);

        Assert.Equal(50, claimed.Count);
        var reads = _commands.Reads();
        Assert.NotEmpty(reads);
        foreach (var command in reads)
        {
            await using var explain = new SqliteCommand("EXPLAIN QUERY PLAN " + command.Text, connection);
            foreach (var (name, value) in command.Parameters)
            {
                explain.Parameters.AddWithValue(name, value ?? DBNull.Value);
            }

            var plan = string.Join('\n', await ReadAllAsync(explain, column: 3));
            Assert.Contains("IX_FbTokens_AppId_NextCheckAtUnixMs", plan, StringComparison.Ordinal);
            Assert.DoesNotContain("TEMP B-TREE", plan, StringComparison.Ordinal);
        }
    }

    private async Task<IReadOnlyList<StoredToken>> ClaimAsync(Action<DbContextOptionsBuilder> database, bool optimistic, string? appId)
    {
        var provider = StoreServices.Build(b =>
        {
            b.Services.AddDbContext<TestDbContext>(o => database(o.AddInterceptors(_commands)));
            b.UseEntityFrameworkCoreTokenStore<TestDbContext>();
        });
        _providers.Add(provider);
        var store = Assert.IsType<EntityFrameworkTokenStore<TestDbContext>>(provider.GetRequiredService<ITokenStore>());
        store.ForceOptimisticClaim = optimistic;
        var dueBy = DateTimeOffset.FromUnixTimeMilliseconds(1000000 + Tokens);
        return await store.ClaimDueAsync(appId, dueBy, dueBy.AddMinutes(5), 50);
    }

    private static async Task ExecuteAsync(NpgsqlConnection connection, string sql)
    {
        await using var command = new NpgsqlCommand(sql, connection);
        await command.ExecuteNonQueryAsync();
    }

    private static async Task<List<string>> ReadAllAsync(DbCommand command, int column = 0)
    {
        var lines = new List<string>();
        await using var reader = await command.ExecuteReaderAsync();
        while (await reader.ReadAsync())
        {
            lines.Add(reader.GetValue(column).ToString()!);
        }

        return lines;
    }

    /// <summary>The statements of a claim that find the due rows (those with a LIMIT), as sent, with their parameters.</summary>
    private sealed class ClaimCommands : DbCommandInterceptor
    {
        private readonly ConcurrentQueue<(string Text, (string Name, object? Value)[] Parameters)> _commands = new();

        public List<(string Text, (string Name, object? Value)[] Parameters)> Reads() =>
            [.. _commands.Where(c => c.Text.Contains("LIMIT", StringComparison.OrdinalIgnoreCase))];

        public override ValueTask<InterceptionResult<DbDataReader>> ReaderExecutingAsync(DbCommand command, CommandEventData eventData, InterceptionResult<DbDataReader> result, CancellationToken cancellationToken = default)
        {
            _commands.Enqueue((command.CommandText, [.. command.Parameters.Cast<DbParameter>().Select(p => (p.ParameterName, (object?)p.Value))]));
            return base.ReaderExecutingAsync(command, eventData, result, cancellationToken);
        }
    }
}
