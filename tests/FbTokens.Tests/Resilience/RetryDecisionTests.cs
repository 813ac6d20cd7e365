using System.Net;
using FbTokens.Tests.Framework;
using Polly;
using Polly.CircuitBreaker;
using Polly.Retry;
using static FbTokens.Tests.Framework.GraphPayloads;

namespace FbTokens.Tests.Resilience;

/// <summary>
/// Retry decisions at their edges: a 429 without Graph's envelope is retried only within MaxRateLimitDelay, a
/// Retry-After of zero falls back to the backoff, a wait that outlives what is left of the deadline is not made,
/// failures after cancellation are never retried, and transport failures count as outages for the circuit.
/// </summary>
public sealed class RetryDecisionTests
{
    private static HttpResponseMessage TooManyRequests(string retryAfter)
    {
        var response = GraphTestHost.Json("<html>Too Many Requests</html>", HttpStatusCode.TooManyRequests);
        response.Headers.TryAddWithoutValidation("Retry-After", retryAfter);
        return response;
    }

    /// <summary>Moves the fake clock on in steps until <paramref name="call"/> ends (bounded).</summary>
    private static async Task<T> DriveAsync<T>(GraphTestHost host, Task<T> call, TimeSpan step)
    {
        // Bounded in fake time (3,000 steps stay under the hour-long attempt timeout). Each step gives the call a few real
        // milliseconds to reach its next wait: with a bare Task.Yield a loaded machine could run every step before the call
        // had registered its retry delay, which then never elapsed (a flaky failure seen in CI).
        for (var i = 0; i < 3_000 && !call.IsCompleted; i++)
        {
            host.Time.Advance(step);
            await Task.WhenAny(call, Task.Delay(5));
        }

        return await call.WaitAsync(TimeSpan.FromSeconds(30));
    }

    private static GraphTestHost LongTimeouts(Action<GraphResilienceOptions>? more = null) => new(o =>
    {
        o.Resilience.AttemptTimeout = TimeSpan.FromHours(1);
        o.Resilience.TotalTimeout = TimeSpan.FromHours(2);
        more?.Invoke(o.Resilience);
    });

    [Fact]
    public async Task A_429_without_an_envelope_is_retried_after_a_Retry_After_of_exactly_MaxRateLimitDelay()
    {
        using var host = LongTimeouts();
        var seen = new List<DateTimeOffset>();
        host.On(HttpMethod.Get, "debug_token", _ =>
        {
            lock (seen)
            {
                seen.Add(host.Time.GetUtcNow());
            }

            return seen.Count == 1 ? TooManyRequests("30") : GraphTestHost.Json(DebugValid);
        });

        var result = await DriveAsync(host, host.Client.DebugTokenAsync(LongLivedToken), TimeSpan.FromSeconds(1));

        Assert.True(result.IsValid);
        Assert.Equal(2, seen.Count);
        Assert.True(seen[1] - seen[0] >= TimeSpan.FromSeconds(30));
    }

    [Fact]
    public async Task A_429_without_an_envelope_asking_longer_than_MaxRateLimitDelay_surfaces_at_once()
    {
        using var host = new GraphTestHost();
        host.On(HttpMethod.Get, "debug_token", _ => TooManyRequests("31"));

        var error = await Assert.ThrowsAsync<GraphProtocolException>(() => host.Client.DebugTokenAsync(LongLivedToken));

        Assert.Equal(HttpStatusCode.TooManyRequests, error.StatusCode);
        Assert.Single(host.Requests);
    }

    [Fact]
    public async Task A_Retry_After_of_zero_waits_the_backoff_not_nothing()
    {
        using var host = LongTimeouts(r => r.BaseDelay = TimeSpan.FromSeconds(2));
        var seen = new List<DateTimeOffset>();
        host.On(HttpMethod.Get, "debug_token", _ =>
        {
            lock (seen)
            {
                seen.Add(host.Time.GetUtcNow());
            }

            if (seen.Count > 1)
            {
                return GraphTestHost.Json(DebugValid);
            }

            var response = GraphTestHost.Json(Error(4), HttpStatusCode.BadRequest);
            response.Headers.Add("Retry-After", "0");
            return response;
        });

        await DriveAsync(host, host.Client.DebugTokenAsync(LongLivedToken), TimeSpan.FromMilliseconds(250));

        Assert.Equal(2, seen.Count);
        Assert.True(seen[1] - seen[0] >= TimeSpan.FromSeconds(2));
    }

    [Fact]
    public async Task A_rate_limit_wait_longer_than_what_is_left_of_the_deadline_is_not_waited()
    {
        using var host = new GraphTestHost(o =>
        {
            o.Resilience.AttemptTimeout = TimeSpan.FromSeconds(50);
            o.Resilience.TotalTimeout = TimeSpan.FromSeconds(60);
        });
        host.On(HttpMethod.Get, "debug_token", _ =>
        {
            // The attempt took 40 s: 20 s are left, and Graph asks for 25.
            host.Time.Advance(TimeSpan.FromSeconds(40));
            var response = GraphTestHost.Json(Error(4), HttpStatusCode.BadRequest);
            response.Headers.Add("Retry-After", "25");
            return response;
        });

        var error = await Assert.ThrowsAsync<GraphRateLimitException>(() => host.Client.DebugTokenAsync(LongLivedToken).WaitAsync(TimeSpan.FromSeconds(30)));

        Assert.Equal(TimeSpan.FromSeconds(25), error.RetryAfter);
        Assert.Single(host.Requests);
    }

    [Fact]
    public async Task A_failure_after_the_caller_cancelled_is_never_retried_by_the_public_predicate()
    {
        using var cts = new CancellationTokenSource();
        var failure = Outcome.FromException<HttpResponseMessage>(new HttpRequestException(HttpRequestError.ConnectionError, "refused"));
        var context = ResilienceContextPool.Shared.Get(cts.Token);
        try
        {
            Assert.True(await GraphRetryPredicates.ShouldRetryAsync(new RetryPredicateArguments<HttpResponseMessage>(context, failure, 0)));

            await cts.CancelAsync();

            Assert.False(await GraphRetryPredicates.ShouldRetryAsync(new RetryPredicateArguments<HttpResponseMessage>(context, failure, 0)));
        }
        finally
        {
            ResilienceContextPool.Shared.Return(context);
        }
    }

    [Fact]
    public async Task Repeated_connection_failures_open_the_circuit()
    {
        using var host = new GraphTestHost(o =>
        {
            o.Resilience.MaxRetryAttempts = 0;
            o.Resilience.CircuitBreakerMinimumThroughput = 2;
            o.Resilience.CircuitBreakerFailureRatio = 0.5;
        });
        var calls = 0;
        host.Intercept = (_, _) =>
        {
            Interlocked.Increment(ref calls);
            throw new HttpRequestException(HttpRequestError.ConnectionError, "Connection refused");
        };

        for (var i = 0; i < 2; i++)
        {
            await Assert.ThrowsAsync<HttpRequestException>(() => host.Client.DebugTokenAsync(LongLivedToken));
        }

        await Assert.ThrowsAsync<BrokenCircuitException>(() => host.Client.DebugTokenAsync(LongLivedToken));
        Assert.Equal(2, calls);
    }
}
