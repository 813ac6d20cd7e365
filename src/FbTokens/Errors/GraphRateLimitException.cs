using System.Net;

namespace FbTokens;

/// <summary>
/// Graph throttled the call: codes 4 (app), 17 (user), 32 (page), 341 (application limit reached), 613 (calls
/// within one hour) and the business-use-case throttles 80000–80014. Wait <see cref="RetryAfter"/> (when known) before calling again.
/// </summary>
/// <remarks>The resilience pipeline retries a rate limit sent with an error status (4xx) when Graph's wait fits
/// <see cref="GraphResilienceOptions.MaxRateLimitDelay"/>. A rate-limit error envelope that Graph sends with HTTP 200
/// is classified the same way but is not retried: it surfaces at once, with <see cref="GraphApiException.StatusCode"/>
/// 200, and waiting before the next call is up to the caller.</remarks>
public sealed class GraphRateLimitException : GraphApiException
{
    /// <summary>Creates the exception from Graph's error envelope and what the response said about usage.</summary>
    /// <param name="statusCode">The HTTP status of the response.</param>
    /// <param name="error">The error Graph sent.</param>
    /// <param name="retryAfter">How long to wait, from <c>Retry-After</c> or the usage headers; null when unknown.</param>
    /// <param name="usage">The parsed usage headers, when the response had any.</param>
    /// <param name="innerException">The cause, if any.</param>
    public GraphRateLimitException(HttpStatusCode statusCode, GraphError error, TimeSpan? retryAfter, GraphUsage? usage, Exception? innerException = null)
        : base(statusCode, error, innerException)
    {
        RetryAfter = retryAfter;
        Usage = usage;
    }

    /// <summary>How long to wait before calling again: <c>Retry-After</c>, else the longest
    /// <c>estimated_time_to_regain_access</c> in <c>X-Business-Use-Case-Usage</c>; null when Graph did not say.</summary>
    /// <remarks>Range-checked, as it comes from the network: at most one day (a longer <c>Retry-After</c>, whether a
    /// number of seconds or a far-future date, is capped at a day, and a longer usage estimate is ignored), and
    /// <see cref="TimeSpan.Zero"/> for a <c>Retry-After</c> date already passed. A <c>Retry-After</c> that is neither a
    /// whole number of seconds nor an HTTP-date counts as absent.</remarks>
    public TimeSpan? RetryAfter { get; }

    /// <summary>The usage headers of the throttled response, when present.</summary>
    public GraphUsage? Usage { get; }
}
