using System.Net;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace FbTokens.Internal;

/// <summary>
/// Proactive throttling, before an operation reaches the HttpClient: when Graph last reported usage at or above
/// the threshold, the operation waits until Graph's estimate of regained access (or the configured pause) has
/// passed — or fails fast with <see cref="GraphRateLimitException"/> — instead of spending the last of the budget.
/// </summary>
internal sealed class GraphUsageThrottle(
    GraphUsageTracker tracker,
    IOptions<FbTokensOptions> options,
    TimeProvider timeProvider,
    ILogger<GraphUsageThrottle> logger)
{
    /// <summary>The error code a local throttle reports: Graph's own "application request limit reached".</summary>
    internal const int LocalThrottleCode = 4;

    internal const string LocalThrottleType = "FbTokensLocalThrottle";

    /// <summary>Completes at once unless usage is high; then waits, or throws <see cref="GraphRateLimitException"/>.</summary>
    public ValueTask WaitIfThrottledAsync(string operation, CancellationToken cancellationToken)
    {
        var settings = options.Value.Resilience;
        if (settings.UsageThrottleMode == GraphUsageThrottleMode.Off || tracker.Latest is not { } latest || latest.Usage.MaxPercent < settings.UsageThrottleThreshold)
        {
            return ValueTask.CompletedTask;
        }

        var wait = latest.At + PauseFor(latest.Usage, settings) - timeProvider.GetUtcNow();
        if (wait <= TimeSpan.Zero)
        {
            return ValueTask.CompletedTask;
        }

        GraphTelemetry.RateLimits.Add(1, new KeyValuePair<string, object?>(GraphTelemetry.OperationTag, operation), new KeyValuePair<string, object?>(GraphTelemetry.OutcomeTag, "local_throttle"));
        if (settings.UsageThrottleMode == GraphUsageThrottleMode.FailFast || wait > settings.MaxUsageThrottleDelay)
        {
            Log.UsageThrottled(logger, latest.Usage.MaxPercent, settings.UsageThrottleThreshold, "failing fast", operation);
            throw new GraphRateLimitException(
                HttpStatusCode.TooManyRequests,
                new GraphError(LocalThrottleCode, $"Not sent: Graph reported {latest.Usage.MaxPercent:0.#}% of the rate limit used (threshold {settings.UsageThrottleThreshold:0.#}%).", Type: LocalThrottleType),
                wait,
                latest.Usage);
        }

        Log.UsageThrottled(logger, latest.Usage.MaxPercent, settings.UsageThrottleThreshold, "delaying", operation);
        return new ValueTask(Task.Delay(wait, timeProvider, cancellationToken));
    }

    private static TimeSpan PauseFor(GraphUsage usage, GraphResilienceOptions settings)
    {
        var pause = settings.UsageThrottleDelay;
        foreach (var bucket in usage.BusinessUseCases)
        {
            if (bucket.EstimatedTimeToRegainAccess is { } regain && regain > pause)
            {
                pause = regain;
            }
        }

        return pause;
    }
}
