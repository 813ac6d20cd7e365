using System.Runtime.ExceptionServices;
using Microsoft.Extensions.Logging;
using Polly.Timeout;

namespace FbTokens.Internal;

/// <summary>
/// The default resilience pipeline as one handler, outermost first: total timeout → retry → circuit breaker →
/// attempt timeout. It behaves as Microsoft.Extensions.Http.Resilience's standard pipeline built from Polly's
/// strategies would (and throws Polly's <see cref="TimeoutRejectedException"/> and
/// <see cref="Polly.CircuitBreaker.BrokenCircuitException"/>), but costs one timer and one registration per
/// attempt instead of ~1 µs of strategy plumbing per call: see benchmarks/README.md. A host that wants Polly's
/// own strategies replaces it with <see cref="FbTokensBuilderResilienceExtensions.ReplaceResiliencePipeline"/>.
/// </summary>
/// <remarks>
/// The total timeout is a deadline rather than a timer: each attempt's timeout is the smaller of
/// <see cref="GraphResilienceOptions.AttemptTimeout"/> and what is left of
/// <see cref="GraphResilienceOptions.TotalTimeout"/>, and a retry whose delay would end past the deadline is not
/// made — the last outcome (Graph's own error, with its <c>fbtrace_id</c>) is returned instead.
/// </remarks>
internal sealed class GraphResilienceHandler(
    GraphResilienceOptions options,
    GraphRetryPolicy policy,
    GraphCircuitBreaker? breaker,
    TimeProvider time,
    ILogger logger) : DelegatingHandler
{
    // CancellationTokenSource accepts at most uint.MaxValue - 1 ms; anything longer is "never" in practice.
    private static readonly TimeSpan LongestTimer = TimeSpan.FromMilliseconds(int.MaxValue);

    protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
    {
        var graphRequest = GraphRequestOptions.Of(request);
        var singleUse = graphRequest?.SingleUse == true;
        var started = time.GetTimestamp();
        for (var retry = 0; ; retry++)
        {
            cancellationToken.ThrowIfCancellationRequested();
            var remaining = options.TotalTimeout - time.GetElapsedTime(started);
            if (remaining <= TimeSpan.Zero)
            {
                throw new TimeoutRejectedException($"The operation did not complete within its total timeout of {options.TotalTimeout}.", options.TotalTimeout);
            }

            var (response, failure) = await AttemptAsync(request, graphRequest, remaining, cancellationToken).ConfigureAwait(false);

            // The common case costs nothing more: Graph answered and the answer is not an error.
            if (failure is null && (int)response!.StatusCode < 400)
            {
                return response;
            }

            bool again;
            try
            {
                // An error body was buffered within the attempt's timeout: reading it here cannot hang.
                again = retry < options.MaxRetryAttempts
                    && await policy.ShouldRetryAsync(response, failure, singleUse, cancellationToken).ConfigureAwait(false);
            }
            catch
            {
                response?.Dispose();
                throw;
            }

            if (!again)
            {
                return Surface(response, failure);
            }

            // Graph's own wait (Retry-After, usage estimates), never longer than MaxRateLimitDelay; else the backoff.
            var delay = (response is null ? null : policy.RateLimitWait(response)) is { } asked
                ? (asked < options.MaxRateLimitDelay ? asked : options.MaxRateLimitDelay)
                : policy.Backoff(retry);
            if (delay >= options.TotalTimeout - time.GetElapsedTime(started))
            {
                // Waiting would outlive the operation's budget: Graph's own answer says more than a timeout would.
                return Surface(response, failure);
            }

            OnRetry(graphRequest, retry, delay, response, failure);
            response?.Dispose();
            if (delay > TimeSpan.Zero)
            {
                await Task.Delay(delay, time, cancellationToken).ConfigureAwait(false);
            }
        }
    }

    /// <summary>
    /// One attempt under the circuit breaker and its own timeout — <see cref="GraphResilienceOptions.AttemptTimeout"/>,
    /// or what is left of the operation's deadline when that is shorter. The timeout also covers the body: an error
    /// body is buffered here (the retry decision reads it), and a success body is read by the client under the same,
    /// still running, timeout (<see cref="GraphRequest.KeepBodyTimeout"/>). Returns the outcome; only the caller's
    /// cancellation is thrown.
    /// </summary>
    private async ValueTask<(HttpResponseMessage? Response, Exception? Failure)> AttemptAsync(HttpRequestMessage request, GraphRequest? graphRequest, TimeSpan remaining, CancellationToken cancellationToken)
    {
        var deadlineBound = remaining < options.AttemptTimeout;
        var limit = deadlineBound ? remaining : options.AttemptTimeout;
        var trial = breaker?.Enter() ?? false;
        var outcome = AttemptOutcome.Ignored;
        var timeout = new CancellationTokenSource(limit < LongestTimer ? limit : LongestTimer, time);
        var link = cancellationToken.UnsafeRegister(static state => ((CancellationTokenSource)state!).Cancel(), timeout);
        var handedOver = false;
        HttpResponseMessage? response = null;
        try
        {
            response = await base.SendAsync(request, timeout.Token).ConfigureAwait(false);
            if ((int)response.StatusCode >= 400)
            {
                // Buffers the content within FbTokens:Limits:MaxErrorBodyBytes; past it, or undecodable, the attempt ends
                // with a GraphProtocolException (not retried), as the client would end it.
                _ = await ResponseBody.ReadErrorAsync(response, graphRequest, timeout.Token).ConfigureAwait(false);
            }
            else if (graphRequest is not null)
            {
                graphRequest.KeepBodyTimeout(timeout, deadlineBound ? options.TotalTimeout : limit, deadlineBound);
                handedOver = true;
            }

            outcome = (int)response.StatusCode >= 500 ? AttemptOutcome.Outage : AttemptOutcome.Healthy;
            return (response, null);
        }
        catch (OperationCanceledException ex) when (timeout.IsCancellationRequested && !cancellationToken.IsCancellationRequested)
        {
            response?.Dispose();

            // Cut short by the operation's deadline rather than its own timeout, an attempt says nothing about
            // Graph's health (as with Polly, whose total timeout is not an outage to the circuit breaker).
            outcome = deadlineBound ? AttemptOutcome.Ignored : AttemptOutcome.Outage;
            var message = deadlineBound
                ? $"The operation did not complete within its total timeout of {options.TotalTimeout}."
                : $"The attempt did not complete within {limit}.";
            return (null, new TimeoutRejectedException(message, deadlineBound ? options.TotalTimeout : limit, ex));
        }
        catch (IOException ex) when (response is not null)
        {
            // The connection broke while the error body arrived: a network failure, with the status Graph gave.
            var status = response.StatusCode;
            response.Dispose();
            outcome = AttemptOutcome.Outage;
            return (null, new HttpRequestException(HttpRequestError.ResponseEnded, $"Graph's error response (HTTP {(int)status}) ended before it was complete.", ex, status));
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            response?.Dispose();
            outcome = ex is HttpRequestException ? AttemptOutcome.Outage : AttemptOutcome.Healthy;
            return (null, ex);
        }
        catch
        {
            response?.Dispose();
            throw;
        }
        finally
        {
            link.Dispose();
            if (!handedOver)
            {
                timeout.Dispose();
            }

            breaker?.Report(outcome, trial);
        }
    }

    private static HttpResponseMessage Surface(HttpResponseMessage? response, Exception? failure)
    {
        if (failure is not null)
        {
            ExceptionDispatchInfo.Throw(failure);
        }

        return response!;
    }

    private void OnRetry(GraphRequest? request, int retry, TimeSpan delay, HttpResponseMessage? response, Exception? failure)
    {
        var operation = request?.Operation ?? "request";
        GraphTelemetry.Retries.Add(1, new KeyValuePair<string, object?>(GraphTelemetry.OperationTag, operation));
        if (logger.IsEnabled(LogLevel.Information))
        {
            var endpoint = request?.Endpoint ?? "unknown";
            var cause = failure is not null ? failure.GetType().Name : "HTTP " + (int)response!.StatusCode;
            Log.RetryScheduled(logger, operation, endpoint, retry + 2, delay.TotalMilliseconds, cause);
        }
    }
}
