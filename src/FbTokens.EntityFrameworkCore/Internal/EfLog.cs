using Microsoft.Extensions.Logging;

namespace FbTokens.EntityFrameworkCore.Internal;

/// <summary>The EF Core store's log messages; event ids 5000–5099 are stable. No message ever holds a token value.</summary>
internal static partial class EfLog
{
    [LoggerMessage(5001, LogLevel.Warning, "The database could not be reached to {Operation} {TokenKey}.")]
    public static partial void Unavailable(ILogger logger, string operation, string tokenKey, Exception exception);

    [LoggerMessage(5002, LogLevel.Debug, "Another writer created {TokenKey} first; writing over it.")]
    public static partial void InsertRace(ILogger logger, TokenKey tokenKey);

    [LoggerMessage(5050, LogLevel.Debug, "Other claimers took all {Candidates} due tokens this claim read first; reading the due tokens again.")]
    public static partial void ClaimLostRace(ILogger logger, int candidates);

    [LoggerMessage(5040, LogLevel.Error, "The FbTokens table {Table} is missing or out of date: a {Missing} does not exist. Apply the migrations (dotnet ef database update) or EnsureCreated().")]
    public static partial void SchemaProblem(ILogger logger, string table, string missing, Exception exception);
}
