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
        var singleUse = GraphRequestOptions.Of(request)?.SingleUse == true;
        var started = time.GetTimestamp();
        for (var retry = 0; ; retry++)
        {
            cancellationToken.ThrowIfCancellationRequested();
            var remaining = options.TotalTimeout - time.GetElapsedTime(started);
            if (remaining <= TimeSpan.Zero)
            {
                throw new TimeoutRejectedException($"The operation did not complete within its total timeout of {options.TotalTimeout}.", options.TotalTimeout);
            }

            var limit = options.AttemptTimeout < remaining ? options.AttemptTimeout : remaining;
            var (response, failure) = await AttemptAsync(request, limit, cancellationToken).ConfigureAwait(false);

            // The common case costs nothing more: Graph answered and the answer is not an error.
            if (failure is null && (int)response!.StatusCode < 400)
            {
                return response;
            }

            if (retry >= options.MaxRetryAttempts
                || !await policy.ShouldRetryAsync(response, failure, singleUse, cancellationToken).ConfigureAwait(false))
            {
                return Surface(response, failure);
            }

            var delay = (response is null ? null : policy.RateLimitWait(response)) ?? policy.Backoff(retry);
            if (delay >= options.TotalTimeout - time.GetElapsedTime(started))
            {
                // Waiting would outlive the operation's budget: Graph's own answer says more than a timeout would.
                return Surface(response, failure);
            }

            OnRetry(request, retry, delay, response, failure);
            response?.Dispose();
            if (delay > TimeSpan.Zero)
            {
                await Task.Delay(delay, time, cancellationToken).ConfigureAwait(false);
            }
        }
    }

    /// <summary>One attempt under the circuit breaker and its own timeout; the outcome, never an exception but the caller's cancellation.</summary>
    private async ValueTask<(HttpResponseMessage? Response, Exception? Failure)> AttemptAsync(HttpRequestMessage request, TimeSpan limit, CancellationToken cancellationToken)
    {
        var trial = breaker?.Enter() ?? false;
        var outcome = AttemptOutcome.Ignored;
        try
        {
            using var timeout = new CancellationTokenSource(limit < LongestTimer ? limit : LongestTimer, time);
            using var link = cancellationToken.UnsafeRegister(static state => ((CancellationTokenSource)state!).Cancel(), timeout);
            try
            {
                var response = await base.SendAsync(request, timeout.Token).ConfigureAwait(false);
                outcome = (int)response.StatusCode >= 500 ? AttemptOutcome.Outage : AttemptOutcome.Healthy;
                return (response, null);
            }
            catch (OperationCanceledException ex) when (timeout.IsCancellationRequested && !cancellationToken.IsCancellationRequested)
            {
                outcome = AttemptOutcome.Outage;
                return (null, new TimeoutRejectedException($"The attempt did not complete within {limit}.", limit, ex));
            }
            catch (Exception ex) when (ex is not OperationCanceledException)
            {
                outcome = ex is HttpRequestException ? AttemptOutcome.Outage : AttemptOutcome.Healthy;
                return (null, ex);
            }
        }
        finally
        {
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

    private void OnRetry(HttpRequestMessage request, int retry, TimeSpan delay, HttpResponseMessage? response, Exception? failure)
    {
        var operation = GraphResiliencePipeline.OperationOf(request);
        GraphTelemetry.Retries.Add(1, new KeyValuePair<string, object?>(GraphTelemetry.OperationTag, operation));
        if (logger.IsEnabled(LogLevel.Information))
        {
            var endpoint = GraphResiliencePipeline.EndpointOf(request);
            var cause = failure is not null ? failure.GetType().Name : "HTTP " + (int)response!.StatusCode;
            Log.RetryScheduled(logger, operation, endpoint, retry + 2, delay.TotalMilliseconds, cause);
        }
    }
}
