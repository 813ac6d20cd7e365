using System.Net;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace FbTokens.Internal;

/// <summary>
/// Proactive throttling, before an operation reaches the HttpClient: when Graph last reported usage at or above
/// the threshold, the operation waits until Graph's estimate of regained access (or the configured pause) has
/// passed — or fails fast with <see cref="GraphRateLimitException"/> — instead of spending the last of the budget.
/// </summary>
/// <remarks>
/// A report acts for at most <see cref="GraphResilienceOptions.MaxUsageThrottleDelay"/> after it arrived: within that
/// window a call waits for the rest of Graph's estimate when it ends inside the window, and fails fast otherwise; after
/// it, calls go to Graph, whose answer brings a fresh report. So no value a header holds can stop calls for longer,
/// and the arithmetic is on elapsed time only (never a date plus a network-supplied duration).
/// </remarks>
internal sealed class GraphUsageThrottle(
    GraphUsageTracker tracker,
    IOptions<FbTokensOptions> options,
    TimeProvider timeProvider,
    ILogger<GraphUsageThrottle> logger)
{
    /// <summary>The error code a local throttle reports: Graph's own "application request limit reached".</summary>
    internal const int LocalThrottleCode = 4;

    internal const string LocalThrottleType = "FbTokensLocalThrottle";

    // Task.Delay takes at most uint.MaxValue - 1 ms; a longer configured hold is, in practice, the same.
    private static readonly TimeSpan LongestTimer = TimeSpan.FromMilliseconds(int.MaxValue);

    /// <summary>Completes at once unless usage is high; then waits, or throws <see cref="GraphRateLimitException"/>.</summary>
    public ValueTask WaitIfThrottledAsync(string operation, CancellationToken cancellationToken)
    {
        var settings = options.Value.Resilience;
        if (settings.UsageThrottleMode == GraphUsageThrottleMode.Off || tracker.Latest is not { } latest || latest.Usage.MaxPercent < settings.UsageThrottleThreshold)
        {
            return ValueTask.CompletedTask;
        }

        var elapsed = timeProvider.GetUtcNow() - latest.At;
        // Stryker disable once Equality : at zero, setting it to zero changes nothing
        if (elapsed < TimeSpan.Zero)
        {
            // The clock went back: count the report as just made.
            elapsed = TimeSpan.Zero;
        }

        var pause = PauseFor(latest.Usage, settings);
        if (elapsed >= pause || elapsed >= settings.MaxUsageThrottleDelay)
        {
            return ValueTask.CompletedTask;
        }

        var wait = pause - elapsed;
        GraphTelemetry.RateLimits.Add(1, new KeyValuePair<string, object?>(GraphTelemetry.OperationTag, operation), new KeyValuePair<string, object?>(GraphTelemetry.OutcomeTag, "local_throttle"));
        if (settings.UsageThrottleMode == GraphUsageThrottleMode.FailFast || pause > settings.MaxUsageThrottleDelay)
        {
            Log.UsageThrottled(logger, latest.Usage.MaxPercent, settings.UsageThrottleThreshold, "failing fast", operation);
            throw new GraphRateLimitException(
                HttpStatusCode.TooManyRequests,
                new GraphError(LocalThrottleCode, $"Not sent: Graph reported {latest.Usage.MaxPercent:0.#}% of the rate limit used (threshold {settings.UsageThrottleThreshold:0.#}%).", Type: LocalThrottleType),
                wait,
                latest.Usage);
        }

        Log.UsageThrottled(logger, latest.Usage.MaxPercent, settings.UsageThrottleThreshold, "delaying", operation);
        // Stryker disable once Equality : at the longest timer both branches are the same value
        return new ValueTask(Task.Delay(wait < LongestTimer ? wait : LongestTimer, timeProvider, cancellationToken));
    }

    /// <summary>
    /// The configured pause, or Graph's own longer estimate: a business use case's time to regain access, or the ad
    /// account's reset time when that account is the one at the threshold. The parser bounds both to a day.
    /// </summary>
    private static TimeSpan PauseFor(GraphUsage usage, GraphResilienceOptions settings)
    {
        var pause = settings.UsageThrottleDelay;
        // Stryker disable once Equality : an equal estimate leaves the pause as it is
        if (EstimatedTimeToRegainAccess(usage) is { } regain && regain > pause)
        {
            pause = regain;
        }

        if (usage.AdAccount is { } ad && ad.UtilizationPercent >= settings.UsageThrottleThreshold)
        {
            // Stryker disable once Equality : an equal reset time leaves the pause as it is
            pause = ad.ResetTimeDuration > pause ? ad.ResetTimeDuration : pause;
        }

        return pause;
    }

    /// <summary>
    /// Graph's longest estimate of when calls are accepted again, among the business use cases of <paramref name="usage"/>;
    /// null when none gives one. The validation sweep paces itself on it too (<see cref="TokenSweeper"/>).
    /// </summary>
    internal static TimeSpan? EstimatedTimeToRegainAccess(GraphUsage usage)
    {
        TimeSpan? longest = null;
        foreach (var bucket in usage.BusinessUseCases)
        {
            if (bucket.EstimatedTimeToRegainAccess is { } regain && regain > TimeSpan.Zero && (longest is null || regain > longest))
            {
                longest = regain;
            }
        }

        return longest;
    }
}
