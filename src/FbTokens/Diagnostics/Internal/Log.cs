using Microsoft.Extensions.Logging;

namespace FbTokens.Internal;

/// <summary>
/// FbTokens' log messages, with stable event ids (1000–1099). None carries a token, code, secret, proof or
/// URL query; at most a masked fingerprint, at Trace.
/// </summary>
internal static partial class Log
{
    [LoggerMessage(EventId = 1000, EventName = "GraphOperationSucceeded", Level = LogLevel.Debug,
        Message = "Graph {Operation} {Endpoint} succeeded with HTTP {StatusCode} in {DurationMs} ms after {Attempts} attempt(s)")]
    public static partial void OperationSucceeded(ILogger logger, string operation, string endpoint, int statusCode, double durationMs, int attempts);

    [LoggerMessage(EventId = 1001, EventName = "GraphOperationFailed", Level = LogLevel.Warning,
        Message = "Graph {Operation} {Endpoint} failed with HTTP {StatusCode}, Graph error {GraphError} (fbtrace_id {FbTraceId}) in {DurationMs} ms after {Attempts} attempt(s)")]
    public static partial void OperationFailed(ILogger logger, string operation, string endpoint, int statusCode, string graphError, string? fbTraceId, double durationMs, int attempts);

    [LoggerMessage(EventId = 1002, EventName = "GraphProtocolError", Level = LogLevel.Warning,
        Message = "Graph {Operation} {Endpoint} returned a response that is not what Graph sends (HTTP {StatusCode}) in {DurationMs} ms")]
    public static partial void ProtocolError(ILogger logger, string operation, string endpoint, int? statusCode, double durationMs);

    [LoggerMessage(EventId = 1003, EventName = "GraphOperationAborted", Level = LogLevel.Warning,
        Message = "Graph {Operation} {Endpoint} ended with {ErrorType} after {DurationMs} ms and {Attempts} attempt(s)")]
    public static partial void OperationAborted(ILogger logger, string operation, string endpoint, string errorType, double durationMs, int attempts);

    [LoggerMessage(EventId = 1004, EventName = "GraphRetryScheduled", Level = LogLevel.Information,
        Message = "Retrying Graph {Operation} {Endpoint} (attempt {Attempt}) in {DelayMs} ms after {Cause}")]
    public static partial void RetryScheduled(ILogger logger, string operation, string endpoint, int attempt, double delayMs, string cause);

    [LoggerMessage(EventId = 1005, EventName = "GraphRateLimited", Level = LogLevel.Warning,
        Message = "Graph {Operation} {Endpoint} was rate limited (Graph error {GraphCode}, fbtrace_id {FbTraceId}); retry after {RetryAfterMs} ms, usage {UsagePercent}%")]
    public static partial void RateLimited(ILogger logger, string operation, string endpoint, int graphCode, string? fbTraceId, double? retryAfterMs, double? usagePercent);

    [LoggerMessage(EventId = 1006, EventName = "GraphUsageThrottled", Level = LogLevel.Warning,
        Message = "Graph usage is at {UsagePercent}% (threshold {ThresholdPercent}%): {Action} Graph {Operation}")]
    public static partial void UsageThrottled(ILogger logger, double usagePercent, double thresholdPercent, string action, string operation);

    [LoggerMessage(EventId = 1007, EventName = "GraphCircuitOpened", Level = LogLevel.Error,
        Message = "Graph calls are failing: the circuit is open for {BreakMs} ms")]
    public static partial void CircuitOpened(ILogger logger, double breakMs);

    [LoggerMessage(EventId = 1008, EventName = "GraphCircuitClosed", Level = LogLevel.Information,
        Message = "Graph calls succeed again: the circuit is closed")]
    public static partial void CircuitClosed(ILogger logger);

    [LoggerMessage(EventId = 1009, EventName = "GraphTokenFingerprint", Level = LogLevel.Trace,
        Message = "Graph {Operation} carries token {TokenFingerprint}")]
    public static partial void TokenFingerprint(ILogger logger, string operation, string tokenFingerprint);
}
