using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace FbTokens.EntityFrameworkCore.Internal;

internal sealed class StoredTokenEntityConfiguration(string tableName, string? schema) : IEntityTypeConfiguration<StoredTokenEntity>
{
    public void Configure(EntityTypeBuilder<StoredTokenEntity> builder)
    {
        builder.ToTable(tableName, schema);
        builder.HasKey(e => e.Key);
        builder.Property(e => e.Key).HasMaxLength(StoredTokenEntity.MaxKeyLength).IsUnicode(false);
        builder.Property(e => e.SubjectId).HasMaxLength(TokenKey.MaxIdLength).IsRequired();
        builder.Property(e => e.AppId).HasMaxLength(TokenKey.MaxIdLength);
        builder.Property(e => e.Value).IsRequired();
        builder.Property(e => e.Scopes).IsRequired();
        builder.Property(e => e.MachineId).HasMaxLength(256);
        builder.Property(e => e.OwnerUserId).HasMaxLength(TokenKey.MaxIdLength);
        builder.Property(e => e.MissingPermissionsNoticed).IsRequired();
        builder.Property(e => e.Version).IsConcurrencyToken();
        builder.HasIndex(e => new { e.Kind, e.Key });

        // ITokenStore.ListForUserAsync: the tokens a person owns (their user token is found by primary key).
        builder.HasIndex(e => new { e.OwnerUserId, e.AppId });

        // ITokenSweepSchedule: the due tokens of one app, by next-check time (claim, backlog).
        builder.HasIndex(e => new { e.AppId, e.NextCheckAtUnixMs });
    }
}
