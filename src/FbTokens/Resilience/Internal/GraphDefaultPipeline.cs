using Microsoft.Extensions.Http.Resilience;
using Microsoft.Extensions.Logging;
using Polly;
using Polly.CircuitBreaker;
using Polly.Retry;
using Polly.Timeout;

namespace FbTokens.Internal;

/// <summary>
/// FbTokens' default pipeline, built from Polly's strategies, outermost first:
/// <list type="number">
/// <item><b>Total timeout</b> (<see cref="GraphResilienceOptions.TotalTimeout"/>): the operation's deadline, retries
/// and delays included. Its start is kept in the <see cref="ResilienceContext"/> for the strategies inside.</item>
/// <item><b>Retry</b> (<see cref="GraphRetryPolicy"/>): Graph's classification; the wait Graph asked for
/// (<c>Retry-After</c>, usage estimates) capped by <see cref="GraphResilienceOptions.MaxRateLimitDelay"/>, else Polly's
/// exponential backoff. A retry whose wait Graph set and which would end past the deadline is not made: Graph's own
/// error surfaces. Single-use codes are never sent again once they may have reached Graph.</item>
/// <item><b>Circuit breaker</b>: counts outages only (<see cref="GraphRetryPolicy.IsOutage"/>).</item>
/// <item><b>Attempt timeout</b> (<see cref="GraphResilienceOptions.AttemptTimeout"/>): covers the body too, which
/// <see cref="GraphAttemptHandler"/> reads inside the attempt. When less than that is left before the deadline, the
/// deadline ends the attempt instead: it is reported as the total timeout and is no outage.</item>
/// </list>
/// </summary>
internal static class GraphDefaultPipeline
{
    // CancellationTokenSource accepts at most uint.MaxValue - 1 ms; anything longer is "never" in practice.
    private static readonly TimeSpan LongestTimer = TimeSpan.FromMilliseconds(int.MaxValue);

    private static readonly ResiliencePropertyKey<long> StartedKey = new("FbTokens.OperationStarted");

    public static void Configure(ResiliencePipelineBuilder<HttpResponseMessage> pipeline, GraphResilienceOptions options, GraphRetryPolicy policy, TimeProvider time, ILogger logger)
    {
        var total = Timer(options.TotalTimeout);
        var attempt = Timer(options.AttemptTimeout);
        pipeline.AddTimeout(new TimeoutStrategyOptions
        {
            Name = "FbTokens-TotalTimeout",

            // Asked once, as the operation starts: that moment is the origin of the deadline the strategies inside read.
            TimeoutGenerator = args =>
            {
                args.Context.Properties.Set(StartedKey, time.GetTimestamp());
                return new(total);
            },
        });

        if (options.MaxRetryAttempts > 0)
        {
            pipeline.AddRetry(new RetryStrategyOptions<HttpResponseMessage>
            {
                Name = "FbTokens-Retry",
                MaxRetryAttempts = options.MaxRetryAttempts,
                BackoffType = DelayBackoffType.Exponential,
                UseJitter = options.UseJitter,
                Delay = options.BaseDelay,
                MaxDelay = options.MaxDelay,
                ShouldHandle = args => ShouldRetryAsync(args, policy, time, total),
                DelayGenerator = args => new(args.Outcome.Result is { } response ? policy.RetryDelay(response) : null),
                OnRetry = args =>
                {
                    OnRetry(args, logger);
                    return default;
                },
            });
        }

        if (options.CircuitBreakerEnabled)
        {
            pipeline.AddCircuitBreaker(new CircuitBreakerStrategyOptions<HttpResponseMessage>
            {
                Name = "FbTokens-CircuitBreaker",
                FailureRatio = options.CircuitBreakerFailureRatio,
                MinimumThroughput = options.CircuitBreakerMinimumThroughput,
                SamplingDuration = options.CircuitBreakerSamplingDuration,
                BreakDuration = options.CircuitBreakerBreakDuration,
                ShouldHandle = args => new(GraphRetryPolicy.IsOutage(args.Outcome)),
                // Stryker disable once Block : the body only logs (log calls are not mutated); emptied it still returns default
                OnOpened = args =>
                {
                    Log.CircuitOpened(logger, args.BreakDuration.TotalMilliseconds);
                    return default;
                },
                // Stryker disable once Block : the body only logs (log calls are not mutated); emptied it still returns default
                OnClosed = _ =>
                {
                    Log.CircuitClosed(logger);
                    return default;
                },
            });
        }

        pipeline.AddTimeout(new TimeoutStrategyOptions
        {
            Name = "FbTokens-AttemptTimeout",

            // No timer of its own when the deadline comes first: the total timeout ends the attempt, as itself.
            // Stryker disable once Conditional,Equality : an attempt timer due at or after the deadline never fires first (the total timer is older); skipping it only spares a timer
            TimeoutGenerator = args => new(Remaining(args.Context, time, total) < attempt ? Timeout.InfiniteTimeSpan : attempt),
        });
    }

    /// <summary>What is left of the operation's total timeout; null outside FbTokens' default pipeline.</summary>
    private static TimeSpan? Remaining(ResilienceContext context, TimeProvider time, TimeSpan total) =>
        context.Properties.TryGetValue(StartedKey, out var started) ? total - time.GetElapsedTime(started) : null;

    private static async ValueTask<bool> ShouldRetryAsync(RetryPredicateArguments<HttpResponseMessage> args, GraphRetryPolicy policy, TimeProvider time, TimeSpan total)
    {
        if (!await policy.ShouldRetryAsync(args.Outcome, args.Context).ConfigureAwait(false))
        {
            return false;
        }

        // Waiting as long as Graph asked would outlive the operation's deadline: Graph's own answer (its error, its
        // fbtrace_id, its Retry-After) says more than a timeout would.
        return args.Outcome.Result is not { } response
            || policy.RetryDelay(response) is not { } wait
            || Remaining(args.Context, time, total) is not { } left
            || wait < left;
    }

    private static void OnRetry(OnRetryArguments<HttpResponseMessage> args, ILogger logger)
    {
        var request = GraphRequestOptions.Of(args.Context.GetRequestMessage());
        var operation = request?.Operation ?? "request";
        GraphTelemetry.Retries.Add(1, new KeyValuePair<string, object?>(GraphTelemetry.OperationTag, operation));
        if (logger.IsEnabled(LogLevel.Information))
        {
            var cause = args.Outcome.Exception is { } exception ? exception.GetType().Name : "HTTP " + (int)args.Outcome.Result!.StatusCode;
            Log.RetryScheduled(logger, operation, request?.Endpoint ?? "unknown", args.AttemptNumber + 2, args.RetryDelay.TotalMilliseconds, cause);
        }
    }

    // Stryker disable once Equality : at the longest timer both branches are the same value
    private static TimeSpan Timer(TimeSpan value) => value < LongestTimer ? value : LongestTimer;
}
