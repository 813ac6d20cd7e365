using System.Collections.Concurrent;
using FbTokens.EntityFrameworkCore;
using FbTokens.EntityFrameworkCore.Internal;
using FbTokens.Stores.Tests.Framework;
using Microsoft.Data.Sqlite;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Infrastructure;
using Microsoft.Extensions.DependencyInjection;
using Npgsql;

namespace FbTokens.Stores.Tests.EntityFrameworkCore;

#pragma warning disable EF1001 // FbTokens' own store, in a namespace EF Core's analyzer takes for its internals.

/// <summary>
/// Issue 16: the EF Core store's <see cref="ITokenSweepSchedule"/> on each claim path: the optimistic claim (SQLite, and
/// PostgreSQL forced onto it) and <c>FOR UPDATE SKIP LOCKED</c> (PostgreSQL). Which path ran is visible in the row: only
/// the optimistic claim stamps <see cref="StoredTokenEntity.SweepClaimId"/>.
/// </summary>
public abstract class SweepScheduleTests : IAsyncLifetime
{
    private static readonly DateTimeOffset T0 = new(2030, 5, 6, 7, 8, 9, 123, TimeSpan.Zero);
    private readonly List<ServiceProvider> _providers = [];
    private bool _prepared;

    /// <summary>Whether this variant's claims take the optimistic path.</summary>
    protected abstract bool Optimistic { get; }

    /// <summary>Creates the database with the FbTokens table (skips when the server is missing).</summary>
    protected abstract Task PrepareAsync();

    protected abstract void UseDatabase(DbContextOptionsBuilder options);

    protected abstract Task CleanUpAsync();

    public Task InitializeAsync() => Task.CompletedTask;

    public async Task DisposeAsync()
    {
        foreach (var provider in _providers)
        {
            await provider.DisposeAsync();
        }

        if (_prepared)
        {
            await CleanUpAsync();
        }
    }

    private async Task<EntityFrameworkTokenStore<TestDbContext>> StoreAsync()
    {
        if (!_prepared)
        {
            await PrepareAsync();
            _prepared = true;
        }

        var provider = StoreServices.Build(b =>
        {
            b.Services.AddDbContext<TestDbContext>(UseDatabase);
            b.UseEntityFrameworkCoreTokenStore<TestDbContext>();
        });
        _providers.Add(provider);
        var store = Assert.IsType<EntityFrameworkTokenStore<TestDbContext>>(provider.GetRequiredService<ITokenStore>());
        store.ForceOptimisticClaim = Optimistic;
        return store;
    }

    private TestDbContext Context()
    {
        var options = new DbContextOptionsBuilder<TestDbContext>();
        UseDatabase(options);
        return new TestDbContext(options.Options);
    }

    private async Task<StoredTokenEntity?> RowAsync(TokenKey key)
    {
        await using var context = Context();
        return await context.StoredTokens.AsNoTracking().SingleOrDefaultAsync(e => e.Key == key.ToString());
    }

    private static StoredToken Token(TokenKey key, DateTimeOffset updatedAt, string value = "EAABsweepvalue") =>
        new() { Key = key, Value = value, IssuedAt = updatedAt, UpdatedAt = updatedAt };

    [SkippableFact]
    public async Task A_new_key_is_due_from_UpdatedAt_an_overwrite_keeps_its_next_check_and_an_app_token_has_none()
    {
        var store = await StoreAsync();
        var user = TokenKey.ForUser("1001");
        await store.SetAsync(Token(user, T0), null);
        await store.SetAsync(Token(TokenKey.ForApp("2002"), T0), null);
        Assert.Equal(T0.ToUnixTimeMilliseconds(), (await RowAsync(user))!.NextCheckAtUnixMs);
        Assert.Null((await RowAsync(TokenKey.ForApp("2002")))!.NextCheckAtUnixMs);

        // Not due a millisecond before UpdatedAt, due at it.
        Assert.Empty(await store.ClaimDueAsync(null, T0.AddMilliseconds(-1), T0.AddMinutes(5), 10));
        Assert.Equal(new TokenSweepBacklog(1, T0), await store.GetBacklogAsync(null, T0));

        // Rewrites (unconditional, compare-and-set) keep the next check the schedule set.
        await store.ScheduleAsync([user], T0.AddHours(1));
        var written = await store.SetAsync(Token(user, T0.AddMinutes(1), "EAABrewritten"), null);
        await store.SetAsync(Token(user, T0.AddMinutes(2), "EAABrewrittenagain"), written.Version);
        Assert.Equal(T0.AddHours(1).ToUnixTimeMilliseconds(), (await RowAsync(user))!.NextCheckAtUnixMs);
        Assert.Empty(await store.ClaimDueAsync(null, T0.AddMinutes(59), T0.AddHours(2), 10));

        // A removed and re-created key is new again: due from its UpdatedAt.
        await store.RemoveAsync(user, null);
        await store.SetAsync(Token(user, T0.AddMinutes(3)), 0);
        var claimed = Assert.Single(await store.ClaimDueAsync(null, T0.AddMinutes(3), T0.AddMinutes(10), 10));
        Assert.Equal(user, claimed.Key);
    }

    [SkippableFact]
    public async Task A_row_stored_before_the_column_existed_gets_its_first_next_check_when_rewritten()
    {
        var store = await StoreAsync();
        var user = TokenKey.ForUser("1001");
        var app = TokenKey.ForApp("2002");
        await store.SetAsync(Token(user, T0), null);
        await store.SetAsync(Token(app, T0), null);
        await using (var context = Context())
        {
            // As the migration that adds the column leaves rows written by an older version.
            await context.StoredTokens.ExecuteUpdateAsync(s => s.SetProperty(e => e.NextCheckAtUnixMs, (long?)null));
        }

        Assert.Empty(await store.ClaimDueAsync(null, T0.AddDays(1), T0.AddDays(2), 10));
        var stored = await store.SetAsync(Token(user, T0.AddHours(1), "EAABrenewed"), 1);
        await store.SetAsync(Token(app, T0.AddHours(1), "EAABrenewed"), null);

        Assert.Equal(T0.AddHours(1).ToUnixTimeMilliseconds(), (await RowAsync(user))!.NextCheckAtUnixMs);
        Assert.Null((await RowAsync(app))!.NextCheckAtUnixMs);
        Assert.Equal(stored.Version, Assert.Single(await store.ClaimDueAsync(null, T0.AddDays(1), T0.AddDays(2), 10)).Version);
    }

    [SkippableFact]
    public async Task A_round_makes_rows_without_a_next_check_due_at_once_so_that_unwritten_old_rows_are_swept_too()
    {
        var store = await StoreAsync();
        var user = TokenKey.ForUser("1001");
        var page = TokenKey.ForPage("3003");
        var app = TokenKey.ForApp("2002");
        var otherApp = TokenKey.ForUser("1002", "9009");
        foreach (var key in new[] { user, page, app, otherApp })
        {
            await store.SetAsync(Token(key, T0), null);
        }

        await using (var context = Context())
        {
            // As the migration that adds the column leaves rows written by an older version (or an old instance writes them).
            await context.StoredTokens.ExecuteUpdateAsync(s => s.SetProperty(e => e.NextCheckAtUnixMs, (long?)null));
        }

        var round = T0.AddDays(1);
        Assert.Equal(new TokenSweepBacklog(2, round), await store.GetBacklogAsync(null, round));
        var claimed = await store.ClaimDueAsync(null, round, round.AddMinutes(10), 10);

        Assert.Equal([page.ToString(), user.ToString()], claimed.Select(t => t.Key.ToString()).Order(StringComparer.Ordinal));
        Assert.Null((await RowAsync(app))!.NextCheckAtUnixMs);
        Assert.Null((await RowAsync(otherApp))!.NextCheckAtUnixMs); // another app's round repairs its own rows
    }

    [SkippableFact]
    public async Task A_claim_takes_the_most_overdue_of_its_app_up_to_the_count_leases_them_and_returns_them_as_stored()
    {
        var store = await StoreAsync();
        for (var i = 0; i < 5; i++)
        {
            // Written newest first, so the order of the claim is not the order of writing or of the keys.
            await store.SetAsync(Token(TokenKey.ForPage("50" + i), T0.AddMinutes(-i)), null);
        }

        await store.SetAsync(Token(TokenKey.ForPage("601", "app-b"), T0.AddHours(-1)), null);
        await store.SetAsync(Token(TokenKey.ForApp("app-b"), T0.AddHours(-1)), null);
        var rewritten = await store.SetAsync(Token(TokenKey.ForPage("503"), T0.AddMinutes(-3), "EAABsecondwrite"), null);

        var lease = T0.AddMinutes(5);
        var first = await store.ClaimDueAsync(null, T0, lease, 3);

        Assert.Equal(["504", "503", "502"], first.Select(t => t.Key.SubjectId));
        var stored = Assert.Single(first, t => t.Key.SubjectId == "503");
        Assert.Equal(rewritten.Version, stored.Version);
        Assert.Equal("EAABsecondwrite", stored.Value);
        var row = await RowAsync(TokenKey.ForPage("504"));
        Assert.Equal(lease.ToUnixTimeMilliseconds(), row!.NextCheckAtUnixMs);
        Assert.Equal(Optimistic, row.SweepClaimId is not null);

        // Leased tokens are not due again before the lease; the rest of the app's are, and no other app's.
        Assert.Equal(["501", "500"], (await store.ClaimDueAsync(null, T0.AddMinutes(1), lease, 10)).Select(t => t.Key.SubjectId));
        Assert.Empty(await store.ClaimDueAsync(null, lease.AddMilliseconds(-1), lease.AddMinutes(5), 10));
        Assert.Equal(new TokenSweepBacklog(0, null), await store.GetBacklogAsync(null, lease.AddMilliseconds(-1)));

        // The other app: its page token only (the app token is never due).
        Assert.Equal(new TokenSweepBacklog(1, T0.AddHours(-1)), await store.GetBacklogAsync("app-b", T0));
        Assert.Equal([TokenKey.ForPage("601", "app-b")], (await store.ClaimDueAsync("app-b", T0, lease, 10)).Select(t => t.Key));

        // A lease that passes without a ScheduleAsync (its claimer died): due again.
        Assert.Equal(new TokenSweepBacklog(5, lease), await store.GetBacklogAsync(null, lease));
        Assert.Equal(5, (await store.ClaimDueAsync(null, lease, lease.AddMinutes(5), 10)).Count);
    }

    [SkippableFact]
    public async Task Schedule_sets_the_next_check_of_stored_keys_in_batches_and_ignores_missing_ones()
    {
        var store = await StoreAsync();
        var keys = Enumerable.Range(0, EntityFrameworkTokenStore<TestDbContext>.ScheduleBatchSize + 20).Select(i => TokenKey.ForUser("7" + i)).ToList();
        foreach (var key in keys)
        {
            await store.SetAsync(Token(key, T0), null);
        }

        var next = T0.AddHours(1);
        await store.ScheduleAsync([.. keys, TokenKey.ForUser("missing"), TokenKey.ForApp("9009")], next);

        Assert.Null(await RowAsync(TokenKey.ForUser("missing")));
        Assert.Null(await RowAsync(TokenKey.ForApp("9009")));
        Assert.Equal(new TokenSweepBacklog(0, null), await store.GetBacklogAsync(null, next.AddMilliseconds(-1)));
        Assert.Equal(new TokenSweepBacklog(keys.Count, next), await store.GetBacklogAsync(null, next));
        await using var context = Context();
        Assert.Equal(keys.Count, await context.StoredTokens.CountAsync(e => e.NextCheckAtUnixMs == next.ToUnixTimeMilliseconds()));
    }

    [SkippableFact]
    public async Task Eight_concurrent_claimers_never_get_the_same_token_and_together_get_every_due_token()
    {
        var store = await StoreAsync();
        const int tokens = 400;
        for (var i = 0; i < tokens; i++)
        {
            await store.SetAsync(Token(TokenKey.ForUser("8" + i), T0.AddMilliseconds(-i)), null);
        }

        // Eight instances (own contexts and connections) drain the same due tokens in chunks of 7.
        var claimers = await Task.WhenAll(Enumerable.Range(0, 8).Select(_ => StoreAsync()));
        var claimed = new ConcurrentBag<string>();
        var claims = new ConcurrentBag<int>();
        await Task.WhenAll(claimers.Select(claimer => Task.Run(async () =>
        {
            while (true)
            {
                var chunk = await claimer.ClaimDueAsync(null, T0, T0.AddMinutes(5), 7);
                if (chunk.Count == 0)
                {
                    return;
                }

                claims.Add(chunk.Count);
                foreach (var token in chunk)
                {
                    claimed.Add(token.Key.SubjectId);
                }
            }
        })));

        Assert.Equal(tokens, claimed.Count);
        Assert.Equal(tokens, claimed.Distinct().Count());
        Assert.True(claims.Count >= tokens / 7, $"{claims.Count} claims");
    }

    [SkippableFact]
    public async Task Claim_schedule_and_backlog_validate_their_arguments()
    {
        var store = await StoreAsync();
        await Assert.ThrowsAsync<ArgumentOutOfRangeException>(() => store.ClaimDueAsync(null, T0, T0.AddMinutes(1), 0).AsTask());
        await Assert.ThrowsAsync<ArgumentNullException>(() => store.ScheduleAsync(null!, T0).AsTask());
    }
}

/// <summary>The optimistic claim on SQLite (a database file per test, WAL, as the contract's).</summary>
public sealed class SqliteSweepScheduleTests : SweepScheduleTests
{
    private readonly SqliteTestDatabase _database = new("schedule");

    protected override bool Optimistic => true;

    protected override Task PrepareAsync() => _database.CreateAsync();

    protected override void UseDatabase(DbContextOptionsBuilder options) => options.UseSqlite(_database.ConnectionString);

    protected override Task CleanUpAsync()
    {
        _database.Delete();
        return Task.CompletedTask;
    }
}

/// <summary>PostgreSQL's own claim, <c>FOR UPDATE SKIP LOCKED</c>.</summary>
public sealed class PostgresSkipLockedSweepScheduleTests : SweepScheduleTests
{
    private readonly PostgresTestDatabase _database = new();

    protected override bool Optimistic => false;

    protected override Task PrepareAsync() => _database.CreateAsync();

    protected override void UseDatabase(DbContextOptionsBuilder options) => options.UseNpgsql(_database.ConnectionString);

    protected override Task CleanUpAsync() => _database.DropAsync();
}

/// <summary>
/// A PostgreSQL test with a database of its own, created by the test (<see cref="CreateDatabaseAsync"/>) and dropped with
/// the services it built.
/// </summary>
public abstract class PostgresScratchTests : IAsyncLifetime
{
    protected static readonly DateTimeOffset T0 = new(2030, 5, 6, 7, 8, 9, 123, TimeSpan.Zero);
    private bool _created;

    private protected PostgresTestDatabase Database { get; } = new();

    protected ServiceProvider? Provider { get; set; }

    public Task InitializeAsync() => Task.CompletedTask;

    public async Task DisposeAsync()
    {
        if (Provider is not null)
        {
            await Provider.DisposeAsync();
        }

        if (_created)
        {
            await Database.DropAsync();
        }
    }

    protected async Task CreateDatabaseAsync()
    {
        await Database.CreateAsync();
        _created = true;
    }
}

/// <summary>PostgreSQL's own claim, with another claim in flight (the test plays it on its own connection).</summary>
public sealed class PostgresClaimTurnTests : PostgresScratchTests
{

    [SkippableFact]
    public async Task A_claim_that_meets_another_at_the_end_of_the_due_rows_waits_for_its_turn_instead_of_splitting_them()
    {
        var (store, tokens) = await StoreAsync();
        for (var i = 0; i < 40; i++)
        {
            await tokens.SetAsync(new StoredToken { Key = TokenKey.ForUser("9" + i), Value = "EAABturn", UpdatedAt = T0.AddMilliseconds(-i) }, 0);
        }

        var due = T0.ToUnixTimeMilliseconds();
        var lease = T0.AddMinutes(5).ToUnixTimeMilliseconds();

        // The other claim, half-way through: its turn taken, 20 of the 40 due rows locked so far.
        await using var other = new NpgsqlConnection(Database.ConnectionString);
        await other.OpenAsync();
        await using var transaction = await other.BeginTransactionAsync();
        await ExecuteAsync(other, "SELECT pg_advisory_xact_lock(hashtextextended(@turn, 0))", ("turn", EntityFrameworkTokenStore<TestDbContext>.ClaimTurnOf("\"FbTokens\"", null)));
        await ExecuteAsync(other, "SELECT \"Key\" FROM \"FbTokens\" ORDER BY \"NextCheckAtUnixMs\" LIMIT 20 FOR UPDATE");

        var claim = store.ClaimDueAsync(null, T0, T0.AddMinutes(5), 50).AsTask();

        // Until the claim waits on the database (or, were it not taking turns, has already split the rows and returned).
        var deadline = DateTime.UtcNow.AddSeconds(60);
        while (!claim.IsCompleted && !await WaitsAsync(other))
        {
            Assert.True(DateTime.UtcNow < deadline, "The claim neither waited nor returned.");
            await Task.Yield();
        }

        // The other claim takes the rest and ends.
        await ExecuteAsync(other, "UPDATE \"FbTokens\" SET \"NextCheckAtUnixMs\" = @lease WHERE \"NextCheckAtUnixMs\" <= @due", ("lease", lease), ("due", due));
        await transaction.CommitAsync();

        Assert.Empty(await claim);
    }

    [SkippableFact]
    public async Task A_claim_passes_over_a_row_a_writer_holds_instead_of_waiting_for_it()
    {
        var (store, tokens) = await StoreAsync();
        for (var i = 0; i < 3; i++)
        {
            await tokens.SetAsync(new StoredToken { Key = TokenKey.ForUser("9" + i), Value = "EAABheld", UpdatedAt = T0.AddMilliseconds(-i) }, 0);
        }

        // A writer (a refresh, a mark) in the middle of its transaction on the most overdue row.
        await using var writer = new NpgsqlConnection(Database.ConnectionString);
        await writer.OpenAsync();
        await using var transaction = await writer.BeginTransactionAsync();
        await ExecuteAsync(writer, "UPDATE \"FbTokens\" SET \"Scopes\" = 'email' WHERE \"Key\" = 'User:92'");

        var claimed = await store.ClaimDueAsync(null, T0, T0.AddMinutes(5), 50);

        Assert.Equal(["User:91", "User:90"], claimed.Select(t => t.Key.ToString()));
        await transaction.RollbackAsync();
    }

    private async Task<(ITokenSweepSchedule Schedule, ITokenStore Store)> StoreAsync()
    {
        await CreateDatabaseAsync();
        var connectionString = new NpgsqlConnectionStringBuilder(Database.ConnectionString) { ApplicationName = "fbtokens-claimer" }.ToString();
        Provider = StoreServices.Build(b =>
        {
            b.Services.AddDbContext<TestDbContext>(o => o.UseNpgsql(connectionString));
            b.UseEntityFrameworkCoreTokenStore<TestDbContext>();
        });
        var store = Provider.GetRequiredService<ITokenStore>();
        return ((ITokenSweepSchedule)store, store);
    }

    private static async Task<bool> WaitsAsync(NpgsqlConnection connection)
    {
        await using var command = new NpgsqlCommand("SELECT count(*) FROM pg_stat_activity WHERE application_name = 'fbtokens-claimer' AND wait_event_type = 'Lock'", connection);
        return (long)(await command.ExecuteScalarAsync())! > 0;
    }

    private static async Task ExecuteAsync(NpgsqlConnection connection, string sql, params (string Name, object Value)[] parameters)
    {
        await using var command = new NpgsqlCommand(sql, connection);
        foreach (var (name, value) in parameters)
        {
            command.Parameters.AddWithValue(name, value);
        }

        await command.ExecuteNonQueryAsync();
    }
}

/// <summary>A host that maps the table to its own name and schema: PostgreSQL's claim takes both from the EF model.</summary>
public sealed class PostgresMappedTableClaimTests : PostgresScratchTests
{

    [SkippableFact]
    public async Task Claims_schedules_and_backlogs_use_the_hosts_table_and_schema()
    {
        await CreateDatabaseAsync();
        await using (var context = new MappedDbContext(new DbContextOptionsBuilder<MappedDbContext>().UseNpgsql(Database.ConnectionString).Options))
        {
            await context.GetService<Microsoft.EntityFrameworkCore.Storage.IRelationalDatabaseCreator>().CreateTablesAsync();
        }

        Provider = StoreServices.Build(b =>
        {
            b.Services.AddDbContext<MappedDbContext>(o => o.UseNpgsql(Database.ConnectionString));
            b.UseEntityFrameworkCoreTokenStore<MappedDbContext>();
        });
        var store = Provider.GetRequiredService<ITokenStore>();
        var schedule = (ITokenSweepSchedule)store;
        await store.SetAsync(new StoredToken { Key = TokenKey.ForUser("1001", "app-x"), Value = "EAABmapped", UpdatedAt = T0 }, 0);

        var claimed = Assert.Single(await schedule.ClaimDueAsync("app-x", T0, T0.AddMinutes(5), 50));
        await schedule.ScheduleAsync([claimed.Key], T0.AddHours(1));

        Assert.Equal(new TokenSweepBacklog(1, T0.AddHours(1)), await schedule.GetBacklogAsync("app-x", T0.AddHours(1)));
        await using var connection = new NpgsqlConnection(Database.ConnectionString);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand("SELECT \"NextCheckAtUnixMs\" FROM auth.tokens", connection);
        Assert.Equal(T0.AddHours(1).ToUnixTimeMilliseconds(), (long)(await command.ExecuteScalarAsync())!);
        await using var other = new NpgsqlCommand("SELECT count(*) FROM \"FbTokens\"", connection);
        Assert.Equal(0L, (long)(await other.ExecuteScalarAsync())!);
    }

    /// <summary>A host's context with the table renamed and in its own schema.</summary>
    public sealed class MappedDbContext(DbContextOptions<MappedDbContext> options) : DbContext(options), IFbTokensDbContext
    {
        public DbSet<StoredTokenEntity> StoredTokens => Set<StoredTokenEntity>();

        protected override void OnModelCreating(ModelBuilder modelBuilder) => modelBuilder.ApplyFbTokensConfiguration("tokens", "auth");
    }
}

/// <summary>The optimistic claim forced on PostgreSQL (where concurrent claimers really run in parallel).</summary>
public sealed class PostgresOptimisticSweepScheduleTests : SweepScheduleTests
{
    private readonly PostgresTestDatabase _database = new();

    protected override bool Optimistic => true;

    protected override Task PrepareAsync() => _database.CreateAsync();

    protected override void UseDatabase(DbContextOptionsBuilder options) => options.UseNpgsql(_database.ConnectionString);

    protected override Task CleanUpAsync() => _database.DropAsync();
}
