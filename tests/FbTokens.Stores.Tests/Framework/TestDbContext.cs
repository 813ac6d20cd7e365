using FbTokens.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore;

namespace FbTokens.Stores.Tests.Framework;

/// <summary>A host's own context, as an app would write it: it implements the interface and applies the mapping.</summary>
public sealed class TestDbContext(DbContextOptions<TestDbContext> options) : DbContext(options), IFbTokensDbContext
{
    public DbSet<StoredTokenEntity> StoredTokens => Set<StoredTokenEntity>();

    protected override void OnModelCreating(ModelBuilder modelBuilder) => modelBuilder.ApplyFbTokensConfiguration();
}
