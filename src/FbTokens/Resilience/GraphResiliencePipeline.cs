using System.Net;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Http.Resilience;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Polly;
using Polly.CircuitBreaker;
using Polly.Retry;
using Polly.Timeout;

namespace FbTokens.Internal;

/// <summary>
/// The handlers on the FbTokens <see cref="HttpClient"/>, outermost first: resilience pipeline (total timeout →
/// retry → circuit breaker → attempt timeout) → per-attempt telemetry. Usage throttling runs before the client
/// sends (<see cref="GraphUsageThrottle"/>).
/// </summary>
internal static class GraphResiliencePipeline
{
    public const string PipelineName = "FbTokens";

    public static void AddTo(IHttpClientBuilder builder)
    {
        // The pipeline owns timeouts; HttpClient's own 100 s timeout would cut across them.
        builder.ConfigureHttpClient(client => client.Timeout = Timeout.InfiniteTimeSpan);

        // FbTokens logs every operation and attempt itself (event ids 1000–1009), without URLs; the factory's
        // default request logging would only repeat that, with paths. A host can add it back: AddDefaultLogger().
        builder.RemoveAllLoggers();
        builder.AddResilienceHandler(PipelineName, static (pipeline, context) =>
        {
            if (context.ServiceProvider.GetService<ResiliencePipelineReplacement>() is { } replacement)
            {
                replacement.Configure(pipeline, context);
                return;
            }

            var services = context.ServiceProvider;
            var options = services.GetRequiredService<IOptions<FbTokensOptions>>().Value.Resilience;
            var logger = services.GetRequiredService<ILoggerFactory>().CreateLogger("FbTokens.Resilience");
            var policy = new GraphRetryPolicy(options, services.GetRequiredService<TimeProvider>());

            pipeline.AddTimeout(new TimeoutStrategyOptions { Name = "TotalTimeout", Timeout = options.TotalTimeout });
            if (options.MaxRetryAttempts > 0)
            {
                pipeline.AddRetry(new HttpRetryStrategyOptions
                {
                    Name = "Retry",
                    MaxRetryAttempts = options.MaxRetryAttempts,
                    BackoffType = DelayBackoffType.Exponential,
                    UseJitter = options.UseJitter,
                    Delay = options.BaseDelay,
                    MaxDelay = options.MaxDelay,
                    // Retry-After is read, with Graph's usage estimates, by the delay generator.
                    ShouldRetryAfterHeader = false,
                    ShouldHandle = args => policy.ShouldRetryAsync(args.Outcome, args.Context),
                    DelayGenerator = args => policy.RateLimitDelayAsync(args.Outcome, args.Context),
                    OnRetry = args =>
                    {
                        var request = args.Context.GetRequestMessage();
                        var operation = OperationOf(request);
                        GraphTelemetry.Retries.Add(1, new KeyValuePair<string, object?>(GraphTelemetry.OperationTag, operation));
                        if (logger.IsEnabled(LogLevel.Information))
                        {
                            var endpoint = EndpointOf(request);
                            var cause = Describe(args.Outcome);
                            Log.RetryScheduled(logger, operation, endpoint, args.AttemptNumber + 2, args.RetryDelay.TotalMilliseconds, cause);
                        }

                        return ValueTask.CompletedTask;
                    },
                });
            }

            if (options.CircuitBreakerEnabled)
            {
                pipeline.AddCircuitBreaker(new HttpCircuitBreakerStrategyOptions
                {
                    Name = "CircuitBreaker",
                    FailureRatio = options.CircuitBreakerFailureRatio,
                    MinimumThroughput = options.CircuitBreakerMinimumThroughput,
                    SamplingDuration = options.CircuitBreakerSamplingDuration,
                    BreakDuration = options.CircuitBreakerBreakDuration,
                    // Only Graph being unreachable or failing counts; token, permission and rate-limit errors do not.
                    ShouldHandle = args => ValueTask.FromResult(GraphRetryPolicy.IsOutageSignal(args.Outcome)),
                    OnOpened = args =>
                    {
                        Log.CircuitOpened(logger, args.BreakDuration.TotalMilliseconds);
                        return ValueTask.CompletedTask;
                    },
                    OnClosed = _ =>
                    {
                        Log.CircuitClosed(logger);
                        return ValueTask.CompletedTask;
                    },
                });
            }

            pipeline.AddTimeout(new TimeoutStrategyOptions { Name = "AttemptTimeout", Timeout = options.AttemptTimeout });
        });
        builder.AddHttpMessageHandler(sp => ActivatorUtilities.CreateInstance<GraphAttemptHandler>(sp));
    }

    internal static string OperationOf(HttpRequestMessage? request) =>
        GraphRequestOptions.Of(request)?.Operation ?? "request";

    internal static string EndpointOf(HttpRequestMessage? request) =>
        GraphRequestOptions.Of(request)?.Endpoint ?? "unknown";

    private static string Describe(Outcome<HttpResponseMessage> outcome) =>
        outcome.Exception is { } exception ? exception.GetType().Name : "HTTP " + (int)(outcome.Result?.StatusCode ?? 0);
}

/// <summary>A host's own pipeline, registered with <see cref="FbTokensBuilderResilienceExtensions.ReplaceResiliencePipeline"/>.</summary>
internal sealed class ResiliencePipelineReplacement(Action<ResiliencePipelineBuilder<HttpResponseMessage>, ResilienceHandlerContext> configure)
{
    public Action<ResiliencePipelineBuilder<HttpResponseMessage>, ResilienceHandlerContext> Configure { get; } = configure;
}

/// <summary>Which outcomes are worth another attempt, and how long to wait, from Graph's own signals.</summary>
internal sealed class GraphRetryPolicy(GraphResilienceOptions options, TimeProvider timeProvider)
{
    public static GraphRetryPolicy Default { get; } = new(new GraphResilienceOptions(), TimeProvider.System);

    public async ValueTask<bool> ShouldRetryAsync(Outcome<HttpResponseMessage> outcome, ResilienceContext context)
    {
        var request = context.GetRequestMessage();
        var singleUse = GraphRequestOptions.Of(request)?.SingleUse == true;

        if (outcome.Exception is { } exception)
        {
            if (context.CancellationToken.IsCancellationRequested)
            {
                return false;
            }

            if (singleUse)
            {
                // A single-use code may only be sent again when it certainly never left this machine.
                return IsFailureBeforeSending(exception);
            }

            return exception is HttpRequestException or TimeoutRejectedException;
        }

        if (singleUse || outcome.Result is not { } response)
        {
            return false;
        }

        var status = (int)response.StatusCode;
        if (status < 400)
        {
            return false;
        }

        var error = await ReadErrorAsync(response, context.CancellationToken).ConfigureAwait(false);
        if (error is not null && GraphErrorClassifier.IsRateLimitCode(error.Code))
        {
            // Back off only when Graph's own estimate fits the budget; a longer wait surfaces to the caller at once.
            return RateLimitWait(response) is not { } wait || wait <= options.MaxRateLimitDelay;
        }

        if (error is not null && GraphErrorClassifier.IsAuthError(error.Code, error.ErrorSubcode))
        {
            return error.IsTransient == true;
        }

        if (status >= 500 || response.StatusCode is HttpStatusCode.RequestTimeout)
        {
            return true;
        }

        if (response.StatusCode is HttpStatusCode.TooManyRequests)
        {
            return RateLimitWait(response) is not { } wait429 || wait429 <= options.MaxRateLimitDelay;
        }

        return error is not null && (error.IsTransient == true || GraphErrorClassifier.IsTransientCode(error.Code, response.StatusCode));
    }

    /// <summary>The wait Graph asked for (Retry-After, else usage estimates); null lets the exponential backoff decide.</summary>
    public ValueTask<TimeSpan?> RateLimitDelayAsync(Outcome<HttpResponseMessage> outcome, ResilienceContext context) =>
        ValueTask.FromResult(outcome.Result is { } response ? RateLimitWait(response) : null);

    private TimeSpan? RateLimitWait(HttpResponseMessage response)
    {
        var wait = GraphErrorClassifier.RetryAfter(response.Headers, GraphUsageParser.Parse(response.Headers), timeProvider);
        return wait is { } w && w > TimeSpan.Zero ? w : null;
    }

    /// <summary>Signals that Graph is unreachable or failing, for the circuit breaker.</summary>
    public static bool IsOutageSignal(Outcome<HttpResponseMessage> outcome) => outcome.Exception switch
    {
        HttpRequestException or TimeoutRejectedException => true,
        null => outcome.Result is { } response && (int)response.StatusCode >= 500,
        _ => false,
    };

    public static bool IsFailureBeforeSending(Exception exception) =>
        exception is HttpRequestException { HttpRequestError: HttpRequestError.ConnectionError or HttpRequestError.NameResolutionError };

    private static async ValueTask<ErrorPayload?> ReadErrorAsync(HttpResponseMessage response, CancellationToken cancellationToken)
    {
        // Reading buffers the content, so the client can still read it when this is the final outcome.
        var body = await response.Content.ReadAsByteArrayAsync(cancellationToken).ConfigureAwait(false);
        return GraphResponseReader.TryParseError(body);
    }
}
