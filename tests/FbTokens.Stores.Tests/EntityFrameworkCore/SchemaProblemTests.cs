using FbTokens.Stores.Tests.Framework;
using Microsoft.Data.Sqlite;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Npgsql;

namespace FbTokens.Stores.Tests.EntityFrameworkCore;

/// <summary>Issue 14, problem 4: a database without the table (or with an old one) is a schema problem, not an outage.</summary>
public sealed class SchemaProblemTests : IAsyncLifetime
{
    private readonly PostgresTestDatabase _database = new();
    private readonly List<ServiceProvider> _providers = [];
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
    }

    private ITokenStore Store(Action<DbContextOptionsBuilder> database)
    {
        var provider = StoreServices.Build(b =>
        {
            b.Services.AddDbContext<TestDbContext>(database);
            b.UseEntityFrameworkCoreTokenStore<TestDbContext>();
        });
        _providers.Add(provider);
        return provider.GetRequiredService<ITokenStore>();
    }

    private static StoredToken Token(TokenKey key) => new() { Key = key, Value = "EAABsecretvalue0123456789", OwnerUserId = "1001" };

    /// <summary>Every operation of the store, each expected to fail the same way.</summary>
    private static IEnumerable<(string Name, Func<Task> Call)> Operations(ITokenStore store)
    {
        yield return ("get", () => store.GetAsync(TokenKey.ForUser("1001")).AsTask());
        yield return ("set any", () => store.SetAsync(Token(TokenKey.ForPage("501")), null).AsTask());
        yield return ("create", () => store.SetAsync(Token(TokenKey.ForPage("502")), 0).AsTask());
        yield return ("compare-and-set", () => store.SetAsync(Token(TokenKey.ForPage("503")), 4).AsTask());
        yield return ("remove", () => store.RemoveAsync(TokenKey.ForPage("501"), null).AsTask());
        yield return ("list", async () => { await foreach (var _ in store.ListAsync(null)) { } });
        yield return ("list for user", async () => { await foreach (var _ in store.ListForUserAsync("1001", null)) { } });
        var schedule = (ITokenSweepSchedule)store;
        yield return ("claim", () => schedule.ClaimDueAsync(null, DateTimeOffset.UnixEpoch, DateTimeOffset.UnixEpoch.AddMinutes(5), 50).AsTask());
        yield return ("claim for an app", () => schedule.ClaimDueAsync("2002", DateTimeOffset.UnixEpoch, DateTimeOffset.UnixEpoch.AddMinutes(5), 50).AsTask());
        yield return ("schedule", () => schedule.ScheduleAsync([TokenKey.ForUser("1001")], DateTimeOffset.UnixEpoch).AsTask());
        yield return ("backlog", () => schedule.GetBacklogAsync(null, DateTimeOffset.UnixEpoch).AsTask());
    }

    private static async Task AssertSchemaProblemAsync(ITokenStore store, string innerType, string? column = null)
    {
        // Without one column, a statement that does not name it still works (a compare-and-set that finds no row, a remove).
        foreach (var (name, call) in Operations(store).Where(o => column is null || o.Name is not ("compare-and-set" or "remove")))
        {
            var ex = await Assert.ThrowsAsync<TokenStoreSchemaException>(call);
            if (column is not null)
            {
                Assert.Contains($"a column ({column}) it needs does not exist", ex.Message, StringComparison.Ordinal);
                Assert.Contains("add a migration", ex.Message, StringComparison.Ordinal);
            }

            Assert.True(ex.InnerException is not null, name);
            Assert.Contains(innerType, ex.InnerException!.GetType().Name + " " + ex.InnerException.InnerException?.GetType().Name, StringComparison.Ordinal);
            Assert.Equal("FbTokens", ex.TableName);
            Assert.Contains("FbTokens", ex.Message, StringComparison.Ordinal);
            Assert.Contains("missing or out of date", ex.Message, StringComparison.Ordinal);
            Assert.Contains("dotnet ef database update", ex.Message, StringComparison.Ordinal);
            Assert.Contains("EnsureCreated", ex.Message, StringComparison.Ordinal);
            Assert.DoesNotContain("could not be reached", ex.Message, StringComparison.Ordinal);
            Assert.DoesNotContain("EAAB", ex.Message, StringComparison.Ordinal);
        }
    }

    [Fact]
    public async Task Sqlite_without_the_table_reports_a_schema_problem_on_every_operation()
    {
        // An in-memory SQLite database starts empty on every connection: no table at all.
        var store = Store(o => o.UseSqlite("Data Source=:memory:"));

        await AssertSchemaProblemAsync(store, nameof(SqliteException));
    }

    [SkippableFact]
    public async Task Postgres_without_the_table_reports_a_schema_problem_on_every_operation()
    {
        await _database.CreateAsync();
        _created = true;
        await ExecuteAsync("DROP TABLE \"FbTokens\"");
        var store = Store(o => o.UseNpgsql(_database.ConnectionString));

        await AssertSchemaProblemAsync(store, nameof(PostgresException));
    }

    [SkippableFact]
    public async Task Postgres_with_a_column_missing_reports_a_schema_problem_and_a_reachable_database_stays_apart_from_an_outage()
    {
        await _database.CreateAsync();
        _created = true;
        await ExecuteAsync("ALTER TABLE \"FbTokens\" DROP COLUMN \"OwnerUserId\"");
        var store = Store(o => o.UseNpgsql(_database.ConnectionString));

        var ex = await Assert.ThrowsAsync<TokenStoreSchemaException>(() => store.GetAsync(TokenKey.ForUser("1001")).AsTask());
        Assert.Contains("column", ex.Message, StringComparison.Ordinal);
        Assert.Equal("42703", Assert.IsType<PostgresException>(ex.InnerException is PostgresException ? ex.InnerException : ex.InnerException!.InnerException).SqlState);

        // The control: a server that is not there is still an outage.
        var down = Store(o => o.UseNpgsql("Host=127.0.0.1;Port=1;Database=none;Username=none;Password=none;Timeout=2"));
        await Assert.ThrowsAsync<TokenStoreUnavailableException>(() => down.GetAsync(TokenKey.ForUser("1001")).AsTask());
    }

    [Fact]
    public async Task Sqlite_without_the_sweep_schedule_column_names_it_on_every_operation()
    {
        // A table from before issue 16: the host has not added the migration for NextCheckAtUnixMs.
        var path = Path.Combine(Path.GetTempPath(), "fbtokens-schema-" + Guid.NewGuid().ToString("N") + ".db");
        var connectionString = new SqliteConnectionStringBuilder { DataSource = path }.ToString();
        try
        {
            await using (var context = new TestDbContext(new DbContextOptionsBuilder<TestDbContext>().UseSqlite(connectionString).Options))
            {
                await context.Database.EnsureCreatedAsync();
                await context.Database.ExecuteSqlRawAsync("DROP INDEX \"IX_FbTokens_AppId_NextCheckAtUnixMs\"; ALTER TABLE \"FbTokens\" DROP COLUMN \"NextCheckAtUnixMs\";");
            }

            await AssertSchemaProblemAsync(Store(o => o.UseSqlite(connectionString)), nameof(SqliteException), "NextCheckAtUnixMs");
        }
        finally
        {
            SqliteConnection.ClearAllPools();
            File.Delete(path);
        }
    }

    [SkippableFact]
    public async Task Postgres_without_the_sweep_schedule_column_names_it_on_every_operation()
    {
        await _database.CreateAsync();
        _created = true;
        await ExecuteAsync("ALTER TABLE \"FbTokens\" DROP COLUMN \"NextCheckAtUnixMs\"");
        var store = Store(o => o.UseNpgsql(_database.ConnectionString));

        await AssertSchemaProblemAsync(store, nameof(PostgresException), "NextCheckAtUnixMs");
    }

    [Theory]
    [InlineData("42703: column f.NextCheckAtUnixMs does not exist", "NextCheckAtUnixMs")]
    [InlineData("42703: column \"NextCheckAtUnixMs\" of relation \"FbTokens\" does not exist", "NextCheckAtUnixMs")]
    [InlineData("SQLite Error 1: 'no such column: f.NextCheckAtUnixMs'.", "NextCheckAtUnixMs")]
    [InlineData("SQLite Error 1: 'table FbTokens has no column named SweepClaimId'.", "SweepClaimId")]
    [InlineData("Invalid column name 'NextCheckAtUnixMs'.", "NextCheckAtUnixMs")]
    [InlineData("Connection refused", null)]
    public void The_missing_column_is_read_from_each_providers_message(string message, string? column)
    {
#pragma warning disable EF1001 // FbTokens' own internals, in a namespace EF Core's analyzer takes for its own.
        Assert.Equal(column, FbTokens.EntityFrameworkCore.Internal.StoreErrors.MissingColumnOf(new InvalidOperationException("wrapped", new ProviderException(message))));
#pragma warning restore EF1001
    }

    private sealed class ProviderException(string message) : System.Data.Common.DbException(message);

    private async Task ExecuteAsync(string sql)
    {
        await using var connection = new NpgsqlConnection(_database.ConnectionString);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand(sql, connection);
        await command.ExecuteNonQueryAsync();
    }
}
