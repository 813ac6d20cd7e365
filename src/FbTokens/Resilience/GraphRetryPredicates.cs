using FbTokens.Internal;
using Polly;
using Polly.Retry;

namespace FbTokens;

/// <summary>
/// FbTokens' retry decision, for a host that builds its own pipeline — with
/// <see cref="GraphResilienceFbTokensBuilderExtensions.ReplaceResiliencePipeline"/>, or with
/// <c>RemoveAllResilienceHandlers()</c> and its own <c>AddResilienceHandler</c> on <see cref="IFbTokensBuilder.HttpClientBuilder"/>:
/// <c>ShouldHandle = GraphRetryPredicates.ShouldRetryAsync</c>.
/// </summary>
public static class GraphRetryPredicates
{
    /// <summary>
    /// True when the outcome is worth another attempt: HTTP 5xx, 408, Graph's <c>is_transient</c> or codes 1, 2,
    /// 341, rate limits (4, 17, 32, 613, 80000–80014, HTTP 429) whose wait is at most the configured
    /// <see cref="GraphResilienceOptions.MaxRateLimitDelay"/> (<c>FbTokens:Resilience:MaxRateLimitDelay</c>), network
    /// failures and attempt timeouts — and never for a single-use operation once its request may have reached Graph,
    /// nor after the caller cancelled. Token errors (190, 102, 458–492) are never retried. For a request the FbTokens
    /// client did not send, the defaults decide.
    /// </summary>
    /// <param name="args">Polly's retry arguments.</param>
    /// <returns>Whether to retry.</returns>
    public static ValueTask<bool> ShouldRetryAsync(RetryPredicateArguments<HttpResponseMessage> args) =>
        (GraphRequestOptions.Of(args.Context.GetRequestMessage())?.RetryPolicy ?? GraphRetryPolicy.Default).ShouldRetryAsync(args.Outcome, args.Context);
}
