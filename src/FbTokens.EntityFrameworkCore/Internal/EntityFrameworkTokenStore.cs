using System.Data.Common;
using System.Runtime.CompilerServices;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace FbTokens.EntityFrameworkCore.Internal;

/// <summary>
/// (About 375 lines, kept whole: the five store operations, each with its own SQL shape and error handling, share one context lease;
/// row mapping and error classification live in StoredTokenRows and StoreErrors, the sweep schedule in
/// EntityFrameworkTokenStore.Schedule.cs.)
/// <see cref="ITokenStore"/> on the host's <typeparamref name="TContext"/>. A context per operation (from
/// <see cref="IDbContextFactory{TContext}"/> when registered, else a service scope), so this singleton is thread-safe.
/// Compare-and-set writes are single <c>UPDATE … WHERE Key = @k AND Version = @expected</c> statements; unconditional
/// writes increment the version in the database inside a short transaction, so concurrent writers get distinct versions.
/// </summary>
internal sealed partial class EntityFrameworkTokenStore<TContext> : ITokenStore
    where TContext : DbContext, IFbTokensDbContext
{
    /// <summary>How many rows one page of <see cref="ListAsync"/> reads (and holds) at a time.</summary>
    internal const int ListPageSize = 200;

    private readonly IServiceProvider _services;
    private readonly ILogger _logger;

    public EntityFrameworkTokenStore(IServiceProvider services, ILogger<EntityFrameworkTokenStore<TContext>> logger)
    {
        _services = services;
        _logger = logger;
    }

    public async ValueTask<StoredToken?> GetAsync(TokenKey key, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(key);
        var id = key.ToString();
        await using var lease = await LeaseAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            var row = await lease.Tokens.AsNoTracking().FirstOrDefaultAsync(e => e.Key == id, cancellationToken).ConfigureAwait(false);
            return row is null ? null : StoredTokenRows.ToToken(row);
        }
        catch (Exception ex) when (StoreErrors.IsSchemaProblem(ex))
        {
            throw SchemaProblem(lease.Context, ex);
        }
        catch (Exception ex) when (StoreErrors.IsUnavailable(ex))
        {
            throw Unavailable("read", id, ex);
        }
    }

    public async ValueTask<StoredToken> SetAsync(StoredToken token, long? expectedVersion, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(token);
        if (expectedVersion < 0)
        {
            throw new ArgumentOutOfRangeException(nameof(expectedVersion), expectedVersion, "A version is 0 or more.");
        }

        var row = StoredTokenRows.ToRow(token);
        await using var lease = await LeaseAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            switch (expectedVersion)
            {
                case 0:
                    if (!await TryInsertAsync(lease.Context, row, cancellationToken).ConfigureAwait(false))
                    {
                        throw new TokenStoreConcurrencyException(token.Key, 0, await VersionOfAsync(lease.Context, row.Key, cancellationToken).ConfigureAwait(false));
                    }

                    return token with { Version = 1 };

                case { } expected:
                    var updated = await UpdateWhereAsync(lease.Tokens.Where(e => e.Key == row.Key && e.Version == expected), row, cancellationToken).ConfigureAwait(false);
                    if (updated == 0)
                    {
                        throw new TokenStoreConcurrencyException(token.Key, expected, await VersionOfAsync(lease.Context, row.Key, cancellationToken).ConfigureAwait(false));
                    }

                    return token with { Version = expected + 1 };

                default:
                    return token with { Version = await WriteAnyAsync(lease, row, token.Key, cancellationToken).ConfigureAwait(false) };
            }
        }
        catch (Exception ex) when (StoreErrors.IsSchemaProblem(ex))
        {
            throw SchemaProblem(lease.Context, ex);
        }
        catch (Exception ex) when (StoreErrors.IsUnavailable(ex))
        {
            throw Unavailable("write", row.Key, ex);
        }
    }

    public async ValueTask<bool> RemoveAsync(TokenKey key, long? expectedVersion, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(key);
        var id = key.ToString();
        await using var lease = await LeaseAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            var query = lease.Tokens.Where(e => e.Key == id);
            if (expectedVersion is { } expected)
            {
                query = query.Where(e => e.Version == expected);
            }

            if (await query.ExecuteDeleteAsync(cancellationToken).ConfigureAwait(false) > 0)
            {
                return true;
            }

            if (expectedVersion is not null && await VersionOfAsync(lease.Context, id, cancellationToken).ConfigureAwait(false) is { } actual)
            {
                throw new TokenStoreConcurrencyException(key, expectedVersion, actual);
            }

            return false;
        }
        catch (Exception ex) when (StoreErrors.IsSchemaProblem(ex))
        {
            throw SchemaProblem(lease.Context, ex);
        }
        catch (Exception ex) when (StoreErrors.IsUnavailable(ex))
        {
            throw Unavailable("remove", id, ex);
        }
    }

    public async IAsyncEnumerable<StoredToken> ListAsync(TokenKind? kind, [EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        // Keyset paging on the primary key: no reader stays open while the caller works, each row comes at most once,
        // and memory holds one page.
        string? after = null;
        while (true)
        {
            List<StoredTokenEntity> page;
            await using (var lease = await LeaseAsync(cancellationToken).ConfigureAwait(false))
            {
                try
                {
                    var query = lease.Tokens.AsNoTracking();
                    if (kind is { } k)
                    {
                        query = query.Where(e => e.Kind == k);
                    }

                    if (after is not null)
                    {
                        // Translated to SQL (Key > @after, in the column's collation, the same as ORDER BY's).
#pragma warning disable CA1309
                        query = query.Where(e => string.Compare(e.Key, after) > 0);
#pragma warning restore CA1309
                    }

                    page = await query.OrderBy(e => e.Key).Take(ListPageSize).ToListAsync(cancellationToken).ConfigureAwait(false);
                }
                catch (Exception ex) when (StoreErrors.IsSchemaProblem(ex))
                {
                    throw SchemaProblem(lease.Context, ex);
                }
                catch (Exception ex) when (StoreErrors.IsUnavailable(ex))
                {
                    throw Unavailable("list", kind?.ToString() ?? "all tokens", ex);
                }
            }

            foreach (var row in page)
            {
                yield return StoredTokenRows.ToToken(row);
            }

            if (page.Count < ListPageSize)
            {
                yield break;
            }

            after = page[^1].Key;
        }
    }

    public async IAsyncEnumerable<StoredToken> ListForUserAsync(string userId, string? appId, [EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrEmpty(userId);

        // The user token by primary key, the tokens the person owns by the (OwnerUserId, AppId) index; one person has a
        // handful of rows, read in one query.
        var userKey = new TokenKey(TokenKind.User, userId, appId).ToString();
        List<StoredTokenEntity> rows;
        await using (var lease = await LeaseAsync(cancellationToken).ConfigureAwait(false))
        {
            try
            {
                rows = await lease.Tokens.AsNoTracking()
                    .Where(e => e.Key == userKey || (e.OwnerUserId == userId && e.AppId == appId))
                    .ToListAsync(cancellationToken).ConfigureAwait(false);
            }
            catch (Exception ex) when (StoreErrors.IsSchemaProblem(ex))
            {
                throw SchemaProblem(lease.Context, ex);
            }
            catch (Exception ex) when (StoreErrors.IsUnavailable(ex))
            {
                throw Unavailable("list the tokens of", "user " + userId, ex);
            }
        }

        foreach (var row in rows)
        {
            yield return StoredTokenRows.ToToken(row);
        }
    }

    private async Task<long> WriteAnyAsync(ContextLease lease, StoredTokenEntity row, TokenKey key, CancellationToken cancellationToken)
    {
        var context = lease.Context;
        var strategy = context.Database.CreateExecutionStrategy();
        while (true)
        {
            // Increment in the database, then read the version back in the same transaction: the row lock (or SQLite's
            // write lock) orders concurrent writers, so each one gets its own version and none is lost.
            var version = await strategy.ExecuteAsync(async ct =>
            {
                await using var transaction = await context.Database.BeginTransactionAsync(ct).ConfigureAwait(false);
                var updated = await UpdateWhereAsync(lease.Tokens.Where(e => e.Key == row.Key), row, ct).ConfigureAwait(false);
                if (updated == 0)
                {
                    await transaction.RollbackAsync(ct).ConfigureAwait(false);
                    return (long?)null;
                }

                var stored = await lease.Tokens.Where(e => e.Key == row.Key).Select(e => e.Version).FirstAsync(ct).ConfigureAwait(false);
                await transaction.CommitAsync(ct).ConfigureAwait(false);
                return stored;
            }, cancellationToken).ConfigureAwait(false);
            if (version is { } v)
            {
                return v;
            }

            if (await TryInsertAsync(context, row, cancellationToken).ConfigureAwait(false))
            {
                return 1;
            }

            EfLog.InsertRace(_logger, key);
        }
    }

    private static Task<int> UpdateWhereAsync(IQueryable<StoredTokenEntity> rows, StoredTokenEntity row, CancellationToken cancellationToken) =>
        rows.ExecuteUpdateAsync(
            s =>
            {
                s.SetProperty(e => e.Value, row.Value)
                    .SetProperty(e => e.Kind, row.Kind)
                    .SetProperty(e => e.SubjectId, row.SubjectId)
                    .SetProperty(e => e.AppId, row.AppId)
                    .SetProperty(e => e.ExpiresAt, row.ExpiresAt)
                    .SetProperty(e => e.DataAccessExpiresAt, row.DataAccessExpiresAt)
                    .SetProperty(e => e.Scopes, row.Scopes)
                    .SetProperty(e => e.Status, row.Status)
                    .SetProperty(e => e.InvalidReason, row.InvalidReason)
                    .SetProperty(e => e.IssuedAt, row.IssuedAt)
                    .SetProperty(e => e.UpdatedAt, row.UpdatedAt)
                    .SetProperty(e => e.MachineId, row.MachineId)
                    .SetProperty(e => e.OwnerUserId, row.OwnerUserId)
                    .SetProperty(e => e.RenewalNeedsPerson, row.RenewalNeedsPerson)
                    .SetProperty(e => e.ExpiryNoticeSentFor, row.ExpiryNoticeSentFor)
                    .SetProperty(e => e.DataAccessNoticeSentFor, row.DataAccessNoticeSentFor)
                    .SetProperty(e => e.MissingPermissionsNoticed, row.MissingPermissionsNoticed)

                    // A rewrite keeps the sweep's next check; a row stored before the column existed gets its first one.
                    .SetProperty(e => e.NextCheckAtUnixMs, e => e.NextCheckAtUnixMs ?? row.NextCheckAtUnixMs)
                    .SetProperty(e => e.Version, e => e.Version + 1);
            },
            cancellationToken);

    /// <summary>Inserts <paramref name="row"/> at version 1; false when a row with its key exists.</summary>
    private static async Task<bool> TryInsertAsync(DbContext context, StoredTokenEntity row, CancellationToken cancellationToken)
    {
        var entry = context.Add(new StoredTokenEntity
        {
            Key = row.Key, Kind = row.Kind, SubjectId = row.SubjectId, AppId = row.AppId, Value = row.Value, ExpiresAt = row.ExpiresAt,
            DataAccessExpiresAt = row.DataAccessExpiresAt, Scopes = row.Scopes, Status = row.Status, InvalidReason = row.InvalidReason,
            IssuedAt = row.IssuedAt, UpdatedAt = row.UpdatedAt, MachineId = row.MachineId, OwnerUserId = row.OwnerUserId,
            RenewalNeedsPerson = row.RenewalNeedsPerson, ExpiryNoticeSentFor = row.ExpiryNoticeSentFor,
            DataAccessNoticeSentFor = row.DataAccessNoticeSentFor, MissingPermissionsNoticed = row.MissingPermissionsNoticed,
            NextCheckAtUnixMs = row.NextCheckAtUnixMs, Version = 1,
        });
        try
        {
            await context.SaveChangesAsync(cancellationToken).ConfigureAwait(false);
            return true;
        }
        catch (DbUpdateException)
        {
            // A duplicate key, or a lost connection: only a read tells which (and throws if the database is gone).
            if (await VersionOfAsync(context, row.Key, cancellationToken).ConfigureAwait(false) is null)
            {
                throw;
            }

            return false;
        }
        finally
        {
            entry.State = EntityState.Detached;
        }
    }

    private static async Task<long?> VersionOfAsync(DbContext context, string key, CancellationToken cancellationToken)
    {
        var versions = await context.Set<StoredTokenEntity>().AsNoTracking().Where(e => e.Key == key).Select(e => e.Version).Take(1).ToListAsync(cancellationToken).ConfigureAwait(false);
        return versions.Count == 0 ? null : versions[0];
    }

    private TokenStoreSchemaException SchemaProblem(DbContext context, Exception ex)
    {
        var table = StoreErrors.TableOf(context);
        var kind = StoreErrors.SchemaProblemOf(ex) ?? "table";
        var column = kind == "column" ? StoreErrors.MissingColumnOf(ex) : null;
        var missing = column is null ? kind : $"column ({column})";
        EfLog.SchemaProblem(_logger, table, missing, ex);
        var added = column is nameof(StoredTokenEntity.NextCheckAtUnixMs) or nameof(StoredTokenEntity.SweepClaimId)
            ? $" {column} is new: the shared validation sweep keeps each token's next check in NextCheckAtUnixMs (indexed with AppId) and SweepClaimId; add a migration for them."
            : "";
        return new TokenStoreSchemaException(
            table,
            $"The FbTokens table {table} is missing or out of date in the database (a {missing} it needs does not exist; the database was reached).{added} "
            + "Apply the migrations that create or update it (dotnet ef migrations add, then dotnet ef database update, with ApplyFbTokensConfiguration() in the model), "
            + "or call Database.EnsureCreated() on a database without migrations. The database's own error is the inner exception.",
            ex);
    }

    private TokenStoreUnavailableException Unavailable(string operation, string target, Exception ex)
    {
        EfLog.Unavailable(_logger, operation, target, ex);
        return new TokenStoreUnavailableException(
            $"The database could not be reached to {operation} {target} ({ex.GetType().Name}). Stored tokens are kept; try again (a write may or may not have been applied).", ex);
    }

    private async ValueTask<ContextLease> LeaseAsync(CancellationToken cancellationToken)
    {
        if (_services.GetService<IDbContextFactory<TContext>>() is { } factory)
        {
            return new ContextLease(await factory.CreateDbContextAsync(cancellationToken).ConfigureAwait(false), null);
        }

        var scope = _services.GetRequiredService<IServiceScopeFactory>().CreateAsyncScope();
        return new ContextLease(scope.ServiceProvider.GetRequiredService<TContext>(), scope);
    }

    private readonly struct ContextLease(TContext context, AsyncServiceScope? scope) : IAsyncDisposable
    {
        public TContext Context => context;

        public DbSet<StoredTokenEntity> Tokens => context.StoredTokens;

        public async ValueTask DisposeAsync()
        {
            if (scope is { } s)
            {
                await s.DisposeAsync().ConfigureAwait(false);
            }
            else
            {
                await context.DisposeAsync().ConfigureAwait(false);
            }
        }
    }
}
