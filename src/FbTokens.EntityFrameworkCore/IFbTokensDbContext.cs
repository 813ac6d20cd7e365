using Microsoft.EntityFrameworkCore;

namespace FbTokens.EntityFrameworkCore;

/// <summary>
/// Implemented by the host's <see cref="DbContext"/> to keep FbTokens' tokens in its database (see
/// <c>UseEntityFrameworkCoreTokenStore&lt;TContext&gt;()</c>). Call <c>modelBuilder.ApplyFbTokensConfiguration()</c> in
/// <c>OnModelCreating</c> and add the table with a migration.
/// </summary>
public interface IFbTokensDbContext
{
    /// <summary>
    /// The stored tokens, one row per <see cref="TokenKey"/> (table <c>FbTokens</c> unless
    /// <c>ApplyFbTokensConfiguration</c> names another). Not named <c>FbTokens</c>, so that inside the host's context
    /// <c>FbTokens.</c> still means the namespace.
    /// </summary>
    DbSet<StoredTokenEntity> StoredTokens { get; }
}
