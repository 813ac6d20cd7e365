using System.Net;
using Microsoft.Extensions.Http.Resilience;
using Polly;
using Polly.Timeout;

namespace FbTokens.Internal;

/// <summary>
/// Graph's own reading of an attempt's outcome: whether it is worth another attempt, how long Graph asked to wait, and
/// whether it says Graph is failing (for the circuit breaker). One per service provider, with the configured
/// <see cref="GraphResilienceOptions"/>; the default pipeline and <see cref="GraphRetryPredicates"/> both use it.
/// </summary>
internal sealed class GraphRetryPolicy(GraphResilienceOptions options, TimeProvider timeProvider)
{
    /// <summary>The decision with default settings, for a message FbTokens did not build.</summary>
    public static GraphRetryPolicy Default { get; } = new(new GraphResilienceOptions(), TimeProvider.System);

    /// <summary>The decision for a Polly retry strategy: the request's single-use flag comes with its message.</summary>
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
    /// The wait before the next attempt that Graph asked for (<c>Retry-After</c>, else its usage estimates), never longer
    /// than <see cref="GraphResilienceOptions.MaxRateLimitDelay"/>; null when Graph gave none and the exponential
    /// backoff decides.
    /// </summary>
    public TimeSpan? RetryDelay(HttpResponseMessage response) =>
        RateLimitWait(response) is { } asked ? (asked < options.MaxRateLimitDelay ? asked : options.MaxRateLimitDelay) : null;

    /// <summary>The wait Graph asked for (Retry-After, else usage estimates); null when it asked for none.</summary>
    public TimeSpan? RateLimitWait(HttpResponseMessage response)
    {
        var wait = GraphErrorClassifier.RetryAfter(response.Headers, GraphUsageParser.Parse(response.Headers), timeProvider);
        return wait is { } w && w > TimeSpan.Zero ? w : null;
    }

    /// <summary>
    /// Whether an attempt's outcome says Graph is unreachable or failing — a 5xx, a network failure, an attempt timeout —
    /// as the circuit breaker counts it. Graph's 4xx errors (tokens, permissions, rate limits) are answers, and
    /// cancellation (the caller's, or the operation's deadline) says nothing about Graph.
    /// </summary>
    public static bool IsOutage(Outcome<HttpResponseMessage> outcome) => outcome.Exception switch
    {
        HttpRequestException or TimeoutRejectedException => true,
        null => outcome.Result is { } response && (int)response.StatusCode >= 500,
        _ => false,
    };

    public static bool IsFailureBeforeSending(Exception exception) =>
        exception is HttpRequestException { HttpRequestError: HttpRequestError.ConnectionError or HttpRequestError.NameResolutionError };

    private static async ValueTask<ErrorPayload?> ReadErrorAsync(HttpResponseMessage response, CancellationToken cancellationToken)
    {
        // FbTokens' attempt handler buffered the body within the attempt (and within the error body limit), so this reads
        // memory; a body past the limit or undecodable is no envelope here, and the client reports it.
        try
        {
            var body = await ResponseBody.ReadErrorAsync(response, GraphRequestOptions.Of(response.RequestMessage), cancellationToken).ConfigureAwait(false);
            return GraphResponseReader.TryParseError(body);
        }
        // Stryker disable once Block : the emptied catch returns default, the same null
        catch (GraphProtocolException)
        {
            return null;
        }
    }
}
