using Microsoft.Extensions.Logging;

namespace FbTokens.Internal;

// What the payload mapper normalised or skipped (event ids 1020–1029). Field names, page ids, lengths and numbers only:
// never a token or code.
internal static partial class Log
{
    [LoggerMessage(EventId = 1020, EventName = "GraphSpentCodeFieldNormalised", Level = LogLevel.Warning,
        Message = "Graph {Operation} returned a token with an unusable {Field} ({Value}); the code is spent, so the token is returned and the value taken as {Normalisation}")]
    public static partial void SpentCodeFieldNormalised(ILogger logger, string operation, string field, string value, string normalisation);

    [LoggerMessage(EventId = 1021, EventName = "GraphTimestampOutOfRange", Level = LogLevel.Warning,
        Message = "Graph {Operation} reported {Field} {UnixSeconds}, past 9999-12-31; it is returned as null (no date)")]
    public static partial void TimestampOutOfRange(ILogger logger, string operation, string field, long unixSeconds);

    [LoggerMessage(EventId = 1022, EventName = "GraphPageSkipped", Level = LogLevel.Warning,
        Message = "Graph {Operation} listed a page entry that cannot be used ({Problem}, page id {PageId}); it was skipped")]
    public static partial void PageSkipped(ILogger logger, string operation, string problem, string? pageId);

    [LoggerMessage(EventId = 1023, EventName = "GraphPageTokenUnusable", Level = LogLevel.Warning,
        Message = "Graph {Operation} listed page {PageId} with an unusable access_token ({Length} characters, empty or with white space or control characters); it is returned without a token")]
    public static partial void PageTokenUnusable(ILogger logger, string operation, string pageId, int length);

    [LoggerMessage(EventId = 1024, EventName = "GraphPageWithoutToken", Level = LogLevel.Debug,
        Message = "Graph {Operation} listed page {PageId} without a page token; it is returned with HasAccessToken false")]
    public static partial void PageWithoutToken(ILogger logger, string operation, string pageId);
}
