using FbTokens.Stores.Tests.Framework;
using Microsoft.EntityFrameworkCore;

namespace FbTokens.Stores.Tests.EntityFrameworkCore;

/// <summary>
/// The mapping's database schema, which renaming the CLR types must not change (no migration for hosts). Issue 14 added one
/// index, on (OwnerUserId, AppId), for <see cref="ITokenStore.ListForUserAsync"/>; issue 16 two columns, NextCheckAtUnixMs
/// and SweepClaimId, and an index on (AppId, NextCheckAtUnixMs) for <see cref="ITokenSweepSchedule"/>: hosts add a
/// migration for each.
/// </summary>
public sealed class SchemaTests
{
    /// <summary>What <c>ApplyFbTokensConfiguration()</c> created before the entity was renamed from <c>StoredTokenEntity</c>,
    /// plus the owner index of issue 14 and the sweep schedule's columns and index of issue 16.</summary>
    private const string PostgresSchema = """
        CREATE TABLE "FbTokens" (
            "Key" character varying(300) NOT NULL,
            "Kind" integer NOT NULL,
            "SubjectId" character varying(128) NOT NULL,
            "AppId" character varying(128),
            "Value" text NOT NULL,
            "ExpiresAt" timestamp with time zone,
            "DataAccessExpiresAt" timestamp with time zone,
            "Scopes" text NOT NULL,
            "Status" integer NOT NULL,
            "InvalidReason" integer,
            "IssuedAt" timestamp with time zone NOT NULL,
            "UpdatedAt" timestamp with time zone NOT NULL,
            "MachineId" character varying(256),
            "OwnerUserId" character varying(128),
            "RenewalNeedsPerson" boolean NOT NULL,
            "ExpiryNoticeSentFor" timestamp with time zone,
            "DataAccessNoticeSentFor" timestamp with time zone,
            "MissingPermissionsNoticed" text NOT NULL,
            "NextCheckAtUnixMs" bigint,
            "SweepClaimId" uuid,
            "Version" bigint NOT NULL,
            CONSTRAINT "PK_FbTokens" PRIMARY KEY ("Key")
        );


        CREATE INDEX "IX_FbTokens_AppId_NextCheckAtUnixMs" ON "FbTokens" ("AppId", "NextCheckAtUnixMs");


        CREATE INDEX "IX_FbTokens_Kind_Key" ON "FbTokens" ("Kind", "Key");


        CREATE INDEX "IX_FbTokens_OwnerUserId_AppId" ON "FbTokens" ("OwnerUserId", "AppId");
        """;

    [Fact]
    public void The_table_keeps_its_name_columns_key_and_index()
    {
        using var context = new TestDbContext(new DbContextOptionsBuilder<TestDbContext>().UseNpgsql("Host=localhost").Options);
        Assert.Equal(PostgresSchema, context.Database.GenerateCreateScript().Trim().ReplaceLineEndings("\n"));
    }
}
