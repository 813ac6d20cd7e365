using FbTokens.EntityFrameworkCore.Internal;
using Microsoft.EntityFrameworkCore;

namespace FbTokens.EntityFrameworkCore;

/// <summary>Maps <see cref="StoredTokenEntity"/> in the host's model.</summary>
public static class FbTokensModelBuilderExtensions
{
    /// <summary>The default table name.</summary>
    public const string DefaultTableName = "FbTokens";

    /// <summary>
    /// Maps <see cref="StoredTokenEntity"/> to one table: <c>Key</c> as primary key, <c>Version</c> as concurrency token,
    /// indexes on (<c>Kind</c>, <c>Key</c>) for listing, (<c>OwnerUserId</c>, <c>AppId</c>) for a person's tokens and
    /// (<c>AppId</c>, <c>NextCheckAtUnixMs</c>) for the shared validation sweep. Call it from <c>OnModelCreating</c>.
    /// </summary>
    /// <param name="modelBuilder">The model builder.</param>
    /// <param name="tableName">The table name; default <see cref="DefaultTableName"/>.</param>
    /// <param name="schema">The schema, or null for the provider's default.</param>
    /// <returns>The model builder, for chaining.</returns>
    public static ModelBuilder ApplyFbTokensConfiguration(this ModelBuilder modelBuilder, string tableName = DefaultTableName, string? schema = null)
    {
        ArgumentNullException.ThrowIfNull(modelBuilder);
        ArgumentException.ThrowIfNullOrWhiteSpace(tableName);
        return modelBuilder.ApplyConfiguration(new StoredTokenEntityConfiguration(tableName, schema));
    }
}
