using Microsoft.Extensions.Logging;

namespace FbTokens.Redis.Internal;

/// <summary>The Redis store's log messages; event ids 4000–4099 are stable. No message ever holds a token value.</summary>
internal static partial class RedisLog
{
    [LoggerMessage(4001, LogLevel.Warning, "Redis could not be reached to {Operation} {TokenKey}.")]
    public static partial void Unavailable(ILogger logger, string operation, string tokenKey, Exception exception);

    [LoggerMessage(4002, LogLevel.Debug, "Took the refresh lock of {TokenKey} for {Expiry}.")]
    public static partial void LockAcquired(ILogger logger, TokenKey tokenKey, TimeSpan expiry);

    [LoggerMessage(4003, LogLevel.Debug, "The refresh lock of {TokenKey} is held by another instance; waiting for it.")]
    public static partial void LockBusy(ILogger logger, TokenKey tokenKey);

    [LoggerMessage(4004, LogLevel.Warning, "Releasing the refresh lock of {TokenKey} failed; it expires by itself.")]
    public static partial void LockReleaseFailed(ILogger logger, TokenKey tokenKey, Exception exception);

    [LoggerMessage(4005, LogLevel.Debug, "The refresh lock of {TokenKey} had already expired or been taken over when released.")]
    public static partial void LockLost(ILogger logger, TokenKey tokenKey);

    [LoggerMessage(4006, LogLevel.Warning, "Skipped the stored entry {Entry}: it could not be read as a token.")]
    public static partial void UnreadableEntry(ILogger logger, string entry, Exception exception);

    [LoggerMessage(4040, LogLevel.Information, "Indexed the stored tokens by person: {Count} tokens written before the index existed were added.")]
    public static partial void PersonIndexBuilt(ILogger logger, int count);

    [LoggerMessage(4050, LogLevel.Information, "Scheduled the stored tokens for the shared sweep: {Count} tokens written before the schedule existed were added, due from their last update.")]
    public static partial void DueIndexBuilt(ILogger logger, long count);

    [LoggerMessage(4051, LogLevel.Warning, "Dropped {Count} entries of the sweep schedule whose tokens were deleted outside the store.")]
    public static partial void DueEntriesDropped(ILogger logger, long count);

    [LoggerMessage(4052, LogLevel.Warning, "The sweep's claim lock of app {AppId} stayed taken for {Wait}; claiming without it (a chunk may come out short).")]
    public static partial void ClaimLockTimedOut(ILogger logger, string appId, TimeSpan wait);
}
