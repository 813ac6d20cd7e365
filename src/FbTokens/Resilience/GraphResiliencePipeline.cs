using System.Net;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Http.Resilience;
using Microsoft.Extensions.Options;
using Polly;
using Polly.Retry;
using Polly.Timeout;

namespace FbTokens.Internal;

/// <summary>The resilience pipeline on the FbTokens <see cref="HttpClient"/>: total timeout → retry → attempt timeout.</summary>
internal static class GraphResiliencePipeline
{
    public const string PipelineName = "FbTokens";

    public static void AddTo(IHttpClientBuilder builder)
    {
        // The pipeline owns timeouts; HttpClient's own 100 s timeout would cut across them.
        builder.ConfigureHttpClient(client => client.Timeout = Timeout.InfiniteTimeSpan);
        builder.AddResilienceHandler(PipelineName, static (pipeline, context) =>
        {
            if (context.ServiceProvider.GetService<ResiliencePipelineReplacement>() is { } replacement)
            {
                replacement.Configure(pipeline, context);
                return;
            }

            var options = context.ServiceProvider.GetRequiredService<IOptions<FbTokensOptions>>().Value.Resilience;
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
                    ShouldRetryAfterHeader = true,
                    ShouldHandle = GraphRetryPredicates.ShouldRetryAsync,
                });
            }

            pipeline.AddTimeout(new TimeoutStrategyOptions { Name = "AttemptTimeout", Timeout = options.AttemptTimeout });
        });
    }
}

/// <summary>A host's own pipeline, registered with <see cref="FbTokensBuilderResilienceExtensions.ReplaceResiliencePipeline"/>.</summary>
internal sealed class ResiliencePipelineReplacement(Action<ResiliencePipelineBuilder<HttpResponseMessage>, ResilienceHandlerContext> configure)
{
    public Action<ResiliencePipelineBuilder<HttpResponseMessage>, ResilienceHandlerContext> Configure { get; } = configure;
}

/// <summary>Which outcomes are worth another attempt, from Graph's own signals.</summary>
internal static class GraphTransientFailure
{
    public static async ValueTask<bool> ShouldRetryAsync(Outcome<HttpResponseMessage> outcome, ResilienceContext context)
    {
        var request = context.GetRequestMessage();
        var singleUse = request is not null && request.Options.TryGetValue(GraphRequestOptions.SingleUse, out var flag) && flag;

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

        return await IsTransientAsync(response, context.CancellationToken).ConfigureAwait(false);
    }

    public static bool IsFailureBeforeSending(Exception exception) =>
        exception is HttpRequestException { HttpRequestError: HttpRequestError.ConnectionError or HttpRequestError.NameResolutionError };

    public static async ValueTask<bool> IsTransientAsync(HttpResponseMessage response, CancellationToken cancellationToken)
    {
        var status = (int)response.StatusCode;
        if (status < 400)
        {
            return false;
        }

        if (status >= 500 || response.StatusCode is HttpStatusCode.RequestTimeout or HttpStatusCode.TooManyRequests)
        {
            return true;
        }

        // 4xx: Graph's envelope decides (is_transient, or codes 1, 2 and 341). Reading it buffers the
        // content, so the client can still read it when this is the final outcome.
        var body = await response.Content.ReadAsByteArrayAsync(cancellationToken).ConfigureAwait(false);
        var error = GraphResponseReader.TryParseError(body);
        return error is not null && (error.IsTransient == true || GraphErrorClassifier.IsTransientCode(error.Code));
    }
}
