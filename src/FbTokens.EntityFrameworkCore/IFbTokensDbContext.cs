using Microsoft.EntityFrameworkCore;

namespace FbTokens.EntityFrameworkCore;

/// <summary>
/// Implemented by the host's <see cref="DbContext"/> to keep FbTokens' tokens in its database (see
/// <c>PersistTokensToDbContext&lt;TContext&gt;()</c>). Call <c>modelBuilder.ApplyFbTokensConfiguration()</c> in
/// <c>OnModelCreating</c> and add the table with a migration.
/// </summary>
public interface IFbTokensDbContext
{
    /// <summary>The stored tokens, one row per <see cref="TokenKey"/>.</summary>
    DbSet<FbTokenEntity> FbTokens { get; }
}
