using Microsoft.Extensions.Logging;

namespace FbTokens.EntityFrameworkCore.Internal;

/// <summary>The EF Core store's log messages; event ids 5000–5099 are stable. No message ever holds a token value.</summary>
internal static partial class EfLog
{
    [LoggerMessage(5001, LogLevel.Warning, "The database could not be reached to {Operation} {TokenKey}.")]
    public static partial void Unavailable(ILogger logger, string operation, string tokenKey, Exception exception);

    [LoggerMessage(5002, LogLevel.Debug, "Another writer created {TokenKey} first; writing over it.")]
    public static partial void InsertRace(ILogger logger, TokenKey tokenKey);
}
