using System.Net;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Http.Resilience;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Polly;
using Polly.Timeout;

namespace FbTokens.Internal;

/// <summary>
/// The handlers on the FbTokens <see cref="HttpClient"/>, outermost first: resilience (the default
/// <see cref="GraphResilienceHandler"/>: total timeout → retry → circuit breaker → attempt timeout; or the host's own
/// Polly pipeline; or nothing when <see cref="GraphResilienceOptions.Enabled"/> is false) → per-attempt telemetry
/// (<see cref="GraphAttemptHandler"/>). Usage throttling runs before the client sends (<see cref="GraphUsageThrottle"/>).
/// Each app has its own: a named app's client, settings, breaker, usage tracker and replacement pipeline are keyed by
/// its name (see <see cref="FbTokensApps"/>).
/// </summary>
internal static class GraphResiliencePipeline
{
    public const string PipelineName = "FbTokens";

    public static void AddTo(IHttpClientBuilder builder, string? appName)
    {
        // The pipeline owns timeouts; HttpClient's own 100 s timeout would cut across them.
        builder.ConfigureHttpClient(client => client.Timeout = Timeout.InfiniteTimeSpan);

        // FbTokens logs every operation and attempt itself (event ids 1000–1009), without URLs; the factory's
        // default request logging would only repeat that, with paths. A host can add it back: AddDefaultLogger().
        builder.RemoveAllLoggers();
        AddServices(builder.Services, appName);

        // The slot for a host's own Polly pipeline (ReplaceResiliencePipeline), which may be registered after this
        // call; the handler list below keeps this handler only when one was.
        builder.AddResilienceHandler(PipelineName, (pipeline, context) =>
            FbTokensApps.GetOptional<ResiliencePipelineReplacement>(context.ServiceProvider, appName)?.Configure(pipeline, context));
        builder.ConfigureAdditionalHttpMessageHandlers((handlers, services) =>
        {
            // The handler AddResilienceHandler just added: the last one, found by type should that ever change.
            var slot = handlers.Count - 1;
            while (slot >= 0 && handlers[slot] is not ResilienceHandler)
            {
                slot--;
            }

            var appOptions = FbTokensApps.OptionsOf<FbTokensOptions>(services, appName);
            var options = appOptions.Value.Resilience;
            if (slot >= 0 && FbTokensApps.GetOptional<ResiliencePipelineReplacement>(services, appName) is null)
            {
                handlers[slot].Dispose();
                if (options.Enabled)
                {
                    handlers[slot] = CreateDefaultHandler(services, options, appName);
                }
                else
                {
                    handlers.RemoveAt(slot);
                }
            }

            handlers.Add(new GraphAttemptHandler(
                FbTokensApps.Get<GraphUsageTracker>(services, appName),
                appOptions,
                services.GetRequiredService<ILogger<GraphAttemptHandler>>()));
        });
    }

    private static void AddServices(IServiceCollection services, string? appName)
    {
        if (appName is null)
        {
            services.TryAddSingleton(static services => CreateBreaker(services, appName: null));
        }
        else
        {
            services.TryAddKeyedSingleton(appName, static (services, key) => CreateBreaker(services, (string)key!));
        }
    }

    private static GraphCircuitBreaker CreateBreaker(IServiceProvider services, string? appName) =>
        new(
            FbTokensApps.OptionsOf<FbTokensOptions>(services, appName).Value.Resilience,
            services.GetRequiredService<TimeProvider>(),
            services.GetRequiredService<ILoggerFactory>().CreateLogger("FbTokens.Resilience"));

    private static GraphResilienceHandler CreateDefaultHandler(IServiceProvider services, GraphResilienceOptions options, string? appName)
    {
        var time = services.GetRequiredService<TimeProvider>();
        var logger = services.GetRequiredService<ILoggerFactory>().CreateLogger("FbTokens.Resilience");
        // One breaker per app and service provider: handlers are rebuilt every few minutes and an open circuit must stay open.
        var breaker = options.CircuitBreakerEnabled ? FbTokensApps.Get<GraphCircuitBreaker>(services, appName) : null;
        return new GraphResilienceHandler(options, new GraphRetryPolicy(options, time), breaker, time, logger);
    }
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

    /// <summary>The decision for a host's Polly pipeline (<see cref="GraphRetryPredicates"/>).</summary>
    public ValueTask<bool> ShouldRetryAsync(Outcome<HttpResponseMessage> outcome, ResilienceContext context)
    {
        var singleUse = GraphRequestOptions.Of(context.GetRequestMessage())?.SingleUse == true;
        return ShouldRetryAsync(outcome.Result, outcome.Exception, singleUse, context.CancellationToken);
    }

    /// <summary>Whether an attempt that ended with <paramref name="response"/> or <paramref name="exception"/> is worth another.</summary>
    public async ValueTask<bool> ShouldRetryAsync(HttpResponseMessage? response, Exception? exception, bool singleUse, CancellationToken cancellationToken)
    {
        if (exception is not null)
        {
            if (cancellationToken.IsCancellationRequested)
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

        if (singleUse || response is null)
        {
            return false;
        }

        var status = (int)response.StatusCode;
        if (status < 400)
        {
            return false;
        }

        var error = await ReadErrorAsync(response, cancellationToken).ConfigureAwait(false);
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

    /// <summary>
    /// The exponential backoff before retry number <paramref name="retry"/> + 1 (0 for the first):
    /// <see cref="GraphResilienceOptions.BaseDelay"/> × 2^<paramref name="retry"/>, spread over ±25 % when
    /// <see cref="GraphResilienceOptions.UseJitter"/> is on, and never above <see cref="GraphResilienceOptions.MaxDelay"/>.
    /// </summary>
    public TimeSpan Backoff(int retry)
    {
        var milliseconds = options.BaseDelay.TotalMilliseconds * Math.Pow(2, retry);
        if (options.UseJitter)
        {
            // Jitter only spreads clients apart; it needs no cryptographic randomness.
#pragma warning disable CA5394
            milliseconds *= 0.75 + (Random.Shared.NextDouble() * 0.5);
#pragma warning restore CA5394
        }

        return TimeSpan.FromMilliseconds(Math.Min(milliseconds, options.MaxDelay.TotalMilliseconds));
    }

    /// <summary>The wait Graph asked for (Retry-After, else usage estimates); null lets the exponential backoff decide.</summary>
    public TimeSpan? RateLimitWait(HttpResponseMessage response)
    {
        var wait = GraphErrorClassifier.RetryAfter(response.Headers, GraphUsageParser.Parse(response.Headers), timeProvider);
        return wait is { } w && w > TimeSpan.Zero ? w : null;
    }

    public static bool IsFailureBeforeSending(Exception exception) =>
        exception is HttpRequestException { HttpRequestError: HttpRequestError.ConnectionError or HttpRequestError.NameResolutionError };

    private static async ValueTask<ErrorPayload?> ReadErrorAsync(HttpResponseMessage response, CancellationToken cancellationToken)
    {
        // Reading buffers the content (within the error body limit), so the client can still read it when this is the
        // final outcome; a body past the limit or undecodable is no envelope here, and the client reports it.
        try
        {
            var body = await ResponseBody.ReadErrorAsync(response, GraphRequestOptions.Of(response.RequestMessage), cancellationToken).ConfigureAwait(false);
            return GraphResponseReader.TryParseError(body);
        }
        catch (GraphProtocolException)
        {
            return null;
        }
    }
}
