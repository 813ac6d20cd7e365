using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Infrastructure;
using Microsoft.EntityFrameworkCore.Metadata;
using Microsoft.EntityFrameworkCore.Storage;

namespace FbTokens.EntityFrameworkCore.Internal;

/// <summary>
/// <see cref="ITokenSweepSchedule"/> on the <c>NextCheckAtUnixMs</c> column and its (<c>AppId</c>, <c>NextCheckAtUnixMs</c>)
/// index. On PostgreSQL a claim is one <c>UPDATE … FROM (SELECT … FOR UPDATE SKIP LOCKED) RETURNING …</c> statement, the
/// claims of one app taking turns on an advisory lock so that chunks stay full; rows a writer holds are skipped, not waited
/// for. Other providers claim optimistically: read the due keys, then one <c>UPDATE</c> that moves only the rows still due
/// and stamps them with this claim's id (a row another claimer moved first is no longer due, so it is never won twice),
/// then read back the rows carrying that id.
/// </summary>
internal sealed partial class EntityFrameworkTokenStore<TContext> : ITokenSweepSchedule
{
    /// <summary>The EF Core provider of PostgreSQL (Npgsql), the one that claims with <c>FOR UPDATE SKIP LOCKED</c>.</summary>
    internal const string PostgresProvider = "Npgsql.EntityFrameworkCore.PostgreSQL";

    /// <summary>How many keys one <see cref="ScheduleAsync"/> statement sets (SQL Server takes at most 2,100 parameters).</summary>
    internal const int ScheduleBatchSize = 500;

    /// <summary>Tests only: claim optimistically on every provider, PostgreSQL included.</summary>
    internal bool ForceOptimisticClaim { get; set; }

    public async ValueTask<IReadOnlyList<StoredToken>> ClaimDueAsync(string? appId, DateTimeOffset dueBy, DateTimeOffset leaseUntil, int maxCount, CancellationToken cancellationToken = default)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(maxCount, 1);
        var due = dueBy.ToUnixTimeMilliseconds();
        var lease = leaseUntil.ToUnixTimeMilliseconds();
        await using var db = await LeaseAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            // Decided by provider name at run time: the host's context may be on any provider.
            var rows = db.Context.Database.ProviderName == PostgresProvider && !ForceOptimisticClaim
                ? await ClaimSkippingLockedAsync(db, appId, due, lease, maxCount, cancellationToken).ConfigureAwait(false)
                : await ClaimOptimisticallyAsync(db, appId, due, lease, maxCount, cancellationToken).ConfigureAwait(false);
            return rows.ConvertAll(StoredTokenRows.ToToken);
        }
        catch (Exception ex) when (StoreErrors.IsSchemaProblem(ex))
        {
            throw SchemaProblem(db.Context, ex);
        }
        catch (Exception ex) when (StoreErrors.IsUnavailable(ex))
        {
            throw Unavailable("claim the due tokens of", AppName(appId), ex);
        }
    }

    public async ValueTask ScheduleAsync(IReadOnlyCollection<TokenKey> keys, DateTimeOffset nextCheckAt, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(keys);

        // App tokens have no next check.
        var ids = keys.Where(k => k.Kind != TokenKind.App).Select(k => k.ToString()).Distinct(StringComparer.Ordinal).ToList();
        if (ids.Count == 0)
        {
            return;
        }

        var next = nextCheckAt.ToUnixTimeMilliseconds();
        await using var lease = await LeaseAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            foreach (var batch in ids.Chunk(ScheduleBatchSize))
            {
                await lease.Tokens.Where(e => batch.Contains(e.Key))
                    .ExecuteUpdateAsync(s => s.SetProperty(e => e.NextCheckAtUnixMs, next), cancellationToken).ConfigureAwait(false);
            }
        }
        catch (Exception ex) when (StoreErrors.IsSchemaProblem(ex))
        {
            throw SchemaProblem(lease.Context, ex);
        }
        catch (Exception ex) when (StoreErrors.IsUnavailable(ex))
        {
            throw Unavailable("schedule", $"{ids.Count} tokens", ex);
        }
    }

    public async ValueTask<TokenSweepBacklog> GetBacklogAsync(string? appId, DateTimeOffset dueBy, CancellationToken cancellationToken = default)
    {
        var dueAt = dueBy.ToUnixTimeMilliseconds();
        await using var lease = await LeaseAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            // Rows with no next check (stored before the schedule's migration, or written by an older version during a
            // rolling upgrade) would never be claimed: each round (which starts with this call) makes them due at once.
            await Unscheduled(lease.Tokens, appId)
                .ExecuteUpdateAsync(s => s.SetProperty(e => e.NextCheckAtUnixMs, dueAt), cancellationToken).ConfigureAwait(false);

            // COUNT and MIN over one range of the (AppId, NextCheckAtUnixMs) index, as two plain aggregates (no GROUP BY
            // trick that a provider might not translate); the MIN reads the range's first entry.
            var due = Due(lease.Tokens.AsNoTracking(), appId, dueAt);
            var count = await due.LongCountAsync(cancellationToken).ConfigureAwait(false);
            var oldest = count == 0 ? null : await due.MinAsync(e => e.NextCheckAtUnixMs, cancellationToken).ConfigureAwait(false);

            // Claimed in between: nothing due any more.
            return oldest is { } at ? new TokenSweepBacklog(count, DateTimeOffset.FromUnixTimeMilliseconds(at)) : new TokenSweepBacklog(0, null);
        }
        catch (Exception ex) when (StoreErrors.IsSchemaProblem(ex))
        {
            throw SchemaProblem(lease.Context, ex);
        }
        catch (Exception ex) when (StoreErrors.IsUnavailable(ex))
        {
            throw Unavailable("count the due tokens of", AppName(appId), ex);
        }
    }

    /// <summary>The rows of <paramref name="appId"/> (null: only rows without one) the sweep checks that have no next check.</summary>
    private static IQueryable<StoredTokenEntity> Unscheduled(IQueryable<StoredTokenEntity> rows, string? appId) =>
        appId is null
            ? rows.Where(e => e.AppId == null && e.NextCheckAtUnixMs == null && e.Kind != TokenKind.App)
            : rows.Where(e => e.AppId == appId && e.NextCheckAtUnixMs == null && e.Kind != TokenKind.App);

    /// <summary>The rows of <paramref name="appId"/> (null: only rows without one) due at <paramref name="due"/>.</summary>
    private static IQueryable<StoredTokenEntity> Due(IQueryable<StoredTokenEntity> rows, string? appId, long due) =>
        appId is null
            ? rows.Where(e => e.AppId == null && e.NextCheckAtUnixMs <= due)
            : rows.Where(e => e.AppId == appId && e.NextCheckAtUnixMs <= due);

    private async Task<List<StoredTokenEntity>> ClaimOptimisticallyAsync(ContextLease lease, string? appId, long due, long until, int maxCount, CancellationToken cancellationToken)
    {
        while (true)
        {
            // Ordered by both index columns so that the database reads the first maxCount entries of the index range (see
            // ClaimSkippingLockedAsync).
            var candidates = await Due(lease.Tokens.AsNoTracking(), appId, due)
                .OrderBy(e => e.AppId).ThenBy(e => e.NextCheckAtUnixMs).Take(maxCount).Select(e => e.Key)
                .ToListAsync(cancellationToken).ConfigureAwait(false);
            if (candidates.Count == 0)
            {
                return [];
            }

            // Only rows still due move: a row another claimer took in between has its lease as next check (later than
            // any due time it could be claimed for), so this UPDATE skips it, and the database's row locks make the check
            // and the move one step. The rows this claim moved carry its id.
            var claimId = Guid.NewGuid();
            var won = await Due(lease.Tokens.Where(e => candidates.Contains(e.Key)), appId, due)
                .ExecuteUpdateAsync(
                    s => s.SetProperty(e => e.NextCheckAtUnixMs, until).SetProperty(e => e.SweepClaimId, claimId),
                    cancellationToken).ConfigureAwait(false);
            if (won == 0)
            {
                // Every candidate went to other claimers; more may be due behind them.
                EfLog.ClaimLostRace(_logger, candidates.Count);
                continue;
            }

            var rows = await lease.Tokens.AsNoTracking()
                .Where(e => candidates.Contains(e.Key) && e.SweepClaimId == claimId)
                .ToListAsync(cancellationToken).ConfigureAwait(false);

            // The most overdue first, as the candidates were read.
            var order = candidates.Select((key, i) => (key, i)).ToDictionary(p => p.key, p => p.i, StringComparer.Ordinal);
            rows.Sort((a, b) => order[a.Key].CompareTo(order[b.Key]));
            return rows;
        }
    }

    private static async Task<List<StoredTokenEntity>> ClaimSkippingLockedAsync(ContextLease lease, string? appId, long due, long until, int maxCount, CancellationToken cancellationToken)
    {
        // Names from the model (the host may map the table to its own name and schema), values as parameters.
        var context = lease.Context;
        var sql = context.GetService<ISqlGenerationHelper>();
        var entity = context.Model.FindEntityType(typeof(StoredTokenEntity))
            ?? throw new InvalidOperationException("StoredTokenEntity is not in the model: call ApplyFbTokensConfiguration() in OnModelCreating.");
        var tableName = entity.GetTableName()!;
        var schema = entity.GetSchema();
        var table = StoreObjectIdentifier.Table(tableName, schema);
        string Column(string property) => sql.DelimitIdentifier(entity.FindProperty(property)!.GetColumnName(table)!);

        var key = Column(nameof(StoredTokenEntity.Key));
        var app = Column(nameof(StoredTokenEntity.AppId));
        var next = Column(nameof(StoredTokenEntity.NextCheckAtUnixMs));
        var appFilter = appId is null ? $"{app} IS NULL" : app + " = {3}";

        // Rows another claim holds are skipped, not waited for; the rows returned carry their old next check
        // ("FbTokensDueAt"), so the most overdue come first. ORDER BY names both index columns (one AppId in the range): the
        // planner does not take "AppId IS NULL" as fixing AppId, and ordering by NextCheckAtUnixMs alone would sort every
        // due row instead of reading the first maxCount from the index.
        var tableSql = sql.DelimitIdentifier(tableName, schema);
        var query = $$"""
            WITH due AS (
                SELECT {{key}} AS k, {{next}} AS due_at FROM {{tableSql}}
                WHERE {{appFilter}} AND {{next}} <= {0}
                ORDER BY {{app}}, {{next}}
                LIMIT {2}
                FOR UPDATE SKIP LOCKED),
            claimed AS (
                UPDATE {{tableSql}} AS t SET {{next}} = {1}
                FROM due WHERE t.{{key}} = due.k
                RETURNING t.*, due.due_at AS "FbTokensDueAt")
            SELECT * FROM claimed ORDER BY "FbTokensDueAt"
            """;
        object[] parameters = appId is null ? [due, until, maxCount] : [due, until, maxCount, appId];

        // Claims of one app take turns on a transaction-scoped advisory lock (held for the few milliseconds of the claim):
        // SKIP LOCKED alone lets two claims that meet at the end of the due rows split them, each skipping what the
        // other has locked so far, and a round would send one batch request more per split. In turn, every chunk but a
        // round's last is full; SKIP LOCKED still passes over rows a writer (a refresh, a mark) holds instead of waiting.
        var turn = ClaimTurnOf(tableSql, appId);
        var strategy = context.Database.CreateExecutionStrategy();
        return await strategy.ExecuteAsync(
            async ct =>
            {
                await using var transaction = await context.Database.BeginTransactionAsync(ct).ConfigureAwait(false);
                await context.Database.ExecuteSqlRawAsync("SELECT pg_advisory_xact_lock(hashtextextended({0}, 0))", [turn], ct).ConfigureAwait(false);
                var rows = await lease.Tokens.FromSqlRaw(query, parameters).AsNoTracking().ToListAsync(ct).ConfigureAwait(false);
                await transaction.CommitAsync(ct).ConfigureAwait(false);
                return rows;
            },
            cancellationToken).ConfigureAwait(false);
    }

    /// <summary>The name whose advisory lock the claims of <paramref name="appId"/> on the table <paramref name="tableSql"/> (as quoted in SQL) take turns on.</summary>
    internal static string ClaimTurnOf(string tableSql, string? appId) => tableSql + ":" + (appId ?? "");

    private static string AppName(string? appId) => appId is null ? "the configured app" : "app " + appId;
}
