using System.Net;
using FbTokens.Tests.Framework;
using Microsoft.Extensions.DependencyInjection;
using Polly.CircuitBreaker;
using static FbTokens.Tests.Framework.GraphPayloads;

namespace FbTokens.Tests.Resilience;

public sealed class GraphAwareResilienceTests
{
    private static HttpResponseMessage Throttled(int code, string? retryAfter = null, double? regainMinutes = null, double callCount = 100)
    {
        var response = GraphTestHost.Json(Error(code), HttpStatusCode.BadRequest);
        if (retryAfter is not null)
        {
            response.Headers.Add("Retry-After", retryAfter);
        }

        if (regainMinutes is not null)
        {
            response.Headers.Add("X-Business-Use-Case-Usage", "{\"1353269864728879\":[{\"type\":\"pages\",\"call_count\":" + callCount + ",\"total_cputime\":10,\"total_time\":10,\"estimated_time_to_regain_access\":" + regainMinutes + "}]}");
        }

        return response;
    }

    /// <summary>Advances the fake clock in small steps until <paramref name="call"/> completes (bounded).</summary>
    private static async Task<T> DriveAsync<T>(GraphTestHost host, Task<T> call, TimeSpan step, int maxSteps = 20_000)
    {
        for (var i = 0; i < maxSteps && !call.IsCompleted; i++)
        {
            host.Time.Advance(step);
            await Task.Yield();
        }

        return await call;
    }

    private static GraphTestHost LongTimeouts(Action<FbTokensOptions>? more = null) => new(o =>
    {
        o.Resilience.AttemptTimeout = TimeSpan.FromHours(1);
        o.Resilience.TotalTimeout = TimeSpan.FromHours(2);
        more?.Invoke(o);
    });

    [Theory]
    [InlineData(4)]
    [InlineData(17)]
    [InlineData(32)]
    [InlineData(613)]
    [InlineData(80004)]
    public async Task A_rate_limit_is_retried_after_the_Retry_After_Graph_gave(int code)
    {
        using var host = LongTimeouts();
        var seen = new List<DateTimeOffset>();
        host.On(HttpMethod.Get, "debug_token", _ =>
        {
            lock (seen)
            {
                seen.Add(host.Time.GetUtcNow());
                return seen.Count == 1 ? Throttled(code, retryAfter: "20") : GraphTestHost.Json(DebugValid);
            }
        });

        var info = await DriveAsync(host, host.Client.DebugTokenAsync(LongLivedToken), TimeSpan.FromMilliseconds(250));

        Assert.True(info.IsValid);
        Assert.Equal(2, seen.Count);
        Assert.True(seen[1] - seen[0] >= TimeSpan.FromSeconds(20));
    }

    [Fact]
    public async Task Without_Retry_After_the_usage_estimate_sets_the_wait()
    {
        using var host = LongTimeouts(o => o.Resilience.MaxRateLimitDelay = TimeSpan.FromMinutes(2));
        var seen = new List<DateTimeOffset>();
        host.On(HttpMethod.Get, "debug_token", _ =>
        {
            lock (seen)
            {
                seen.Add(host.Time.GetUtcNow());
                return seen.Count == 1 ? Throttled(80001, regainMinutes: 1, callCount: 50) : GraphTestHost.Json(DebugValid);
            }
        });

        await DriveAsync(host, host.Client.DebugTokenAsync(LongLivedToken), TimeSpan.FromSeconds(1));

        Assert.True(seen[1] - seen[0] >= TimeSpan.FromMinutes(1));
    }

    [Fact]
    public async Task A_rate_limit_longer_than_the_budget_surfaces_at_once()
    {
        using var host = new GraphTestHost();
        host.On(HttpMethod.Get, "debug_token", _ => Throttled(80004, regainMinutes: 19, callCount: 50));

        var error = await Assert.ThrowsAsync<GraphRateLimitException>(() => host.Client.DebugTokenAsync(LongLivedToken));

        Assert.Single(host.Requests);
        Assert.Equal(TimeSpan.FromMinutes(19), error.RetryAfter);
        Assert.Equal("pages", Assert.Single(error.Usage!.BusinessUseCases).Type);
    }

    [Fact]
    public async Task A_rate_limit_without_hints_backs_off_exponentially_then_surfaces_when_the_budget_is_spent()
    {
        using var host = LongTimeouts(o =>
        {
            o.Resilience.BaseDelay = TimeSpan.FromSeconds(1);
            o.Resilience.UseJitter = false;
        });
        var seen = new List<DateTimeOffset>();
        host.On(HttpMethod.Get, "debug_token", _ =>
        {
            lock (seen)
            {
                seen.Add(host.Time.GetUtcNow());
            }

            return Throttled(4);
        });

        var error = await Assert.ThrowsAsync<GraphRateLimitException>(() => DriveAsync(host, host.Client.DebugTokenAsync(LongLivedToken), TimeSpan.FromMilliseconds(100)));

        Assert.Equal(4, seen.Count);
        Assert.True(seen[1] - seen[0] >= TimeSpan.FromSeconds(1));
        Assert.True(seen[2] - seen[1] >= TimeSpan.FromSeconds(2));
        Assert.True(seen[3] - seen[2] >= TimeSpan.FromSeconds(4));
        Assert.Equal(4, error.Code);
    }

    [Fact]
    public async Task A_rate_limited_code_exchange_is_never_retried()
    {
        using var host = new GraphTestHost();
        host.On(HttpMethod.Post, "oauth/access_token", _ => Throttled(4, retryAfter: "1"));

        await Assert.ThrowsAsync<GraphRateLimitException>(() => host.Client.ExchangeCodeAsync(Code, new Uri("https://app.example.com/cb")));

        Assert.Single(host.Requests);
    }

    [Fact]
    public async Task Cancellation_during_a_backoff_ends_the_wait_at_once_without_another_request()
    {
        using var host = LongTimeouts();
        var firstAnswered = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        host.On(HttpMethod.Get, "debug_token", _ =>
        {
            firstAnswered.TrySetResult();
            return Throttled(4, retryAfter: "25");
        });
        using var cts = new CancellationTokenSource();

        var call = host.Client.DebugTokenAsync(LongLivedToken, cts.Token);
        await firstAnswered.Task;
        host.Time.Advance(TimeSpan.FromSeconds(5));
        await cts.CancelAsync();

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => call);
        Assert.Single(host.Requests);
        Assert.Equal(GraphTestHost.Start.AddSeconds(5), host.Time.GetUtcNow());
    }

    [Fact]
    public async Task The_circuit_opens_after_repeated_outages_fails_fast_and_closes_after_a_good_trial()
    {
        using var host = new GraphTestHost(o =>
        {
            o.Resilience.MaxRetryAttempts = 0;
            o.Resilience.CircuitBreakerMinimumThroughput = 4;
            o.Resilience.CircuitBreakerFailureRatio = 0.5;
            o.Resilience.CircuitBreakerBreakDuration = TimeSpan.FromSeconds(15);
        });
        var healthy = false;
        host.On(HttpMethod.Get, "debug_token", _ => healthy ? GraphTestHost.Json(DebugValid) : GraphTestHost.Json("<html>503</html>", HttpStatusCode.ServiceUnavailable));

        for (var i = 0; i < 4; i++)
        {
            await Assert.ThrowsAsync<GraphProtocolException>(() => host.Client.DebugTokenAsync(LongLivedToken));
        }

        await Assert.ThrowsAsync<BrokenCircuitException>(() => host.Client.DebugTokenAsync(LongLivedToken));
        Assert.Equal(4, host.Requests.Count);

        healthy = true;
        host.Time.Advance(TimeSpan.FromSeconds(16));
        Assert.True((await host.Client.DebugTokenAsync(LongLivedToken)).IsValid);
        Assert.True((await host.Client.DebugTokenAsync(LongLivedToken)).IsValid);
        Assert.Equal(6, host.Requests.Count);
    }

    [Fact]
    public async Task Token_and_rate_limit_errors_do_not_open_the_circuit()
    {
        using var host = new GraphTestHost(o =>
        {
            o.Resilience.MaxRetryAttempts = 0;
            o.Resilience.CircuitBreakerMinimumThroughput = 2;
        });
        host.On(HttpMethod.Get, "debug_token", Error(190, 463), HttpStatusCode.BadRequest);

        for (var i = 0; i < 10; i++)
        {
            await Assert.ThrowsAsync<GraphAuthException>(() => host.Client.DebugTokenAsync(LongLivedToken));
        }

        Assert.Equal(10, host.Requests.Count);
    }

    [Fact]
    public async Task High_usage_delays_the_next_call_on_the_injected_clock_and_the_host_can_read_it()
    {
        using var host = LongTimeouts();
        var seen = new List<DateTimeOffset>();
        host.On(HttpMethod.Get, "debug_token", _ =>
        {
            lock (seen)
            {
                seen.Add(host.Time.GetUtcNow());
            }

            var response = GraphTestHost.Json(DebugValid);
            response.Headers.Add("X-App-Usage", """{"call_count":95,"total_time":20,"total_cputime":20}""");
            return response;
        });
        var monitor = host.Services.GetRequiredService<IGraphUsageMonitor>();
        Assert.Null(monitor.Current);

        await host.Client.DebugTokenAsync(LongLivedToken);
        Assert.Equal(95, monitor.Current!.App!.CallCount);
        Assert.Equal(GraphTestHost.Start, monitor.UpdatedAt);

        var second = host.Client.DebugTokenAsync(LongLivedToken);
        Assert.False(second.IsCompleted);
        await DriveAsync(host, second, TimeSpan.FromMilliseconds(250));

        Assert.Equal(2, seen.Count);
        Assert.True(seen[1] - seen[0] >= TimeSpan.FromSeconds(5));
    }

    [Fact]
    public async Task High_usage_fails_fast_without_a_request_when_configured()
    {
        using var host = new GraphTestHost(o => o.Resilience.UsageThrottleMode = GraphUsageThrottleMode.FailFast);
        host.On(HttpMethod.Get, "debug_token", _ =>
        {
            var response = GraphTestHost.Json(DebugValid);
            response.Headers.Add("X-Business-Use-Case-Usage", """{"1":[{"type":"pages","call_count":92,"total_time":1,"total_cputime":1,"estimated_time_to_regain_access":2}]}""");
            return response;
        });
        await host.Client.DebugTokenAsync(LongLivedToken);

        var error = await Assert.ThrowsAsync<GraphRateLimitException>(() => host.Client.DebugTokenAsync(LongLivedToken));

        Assert.Single(host.Requests);
        Assert.Equal("FbTokensLocalThrottle", error.ErrorType);
        Assert.Equal(TimeSpan.FromMinutes(2), error.RetryAfter);
        Assert.Equal(92, error.Usage!.MaxPercent);

        host.Time.Advance(TimeSpan.FromMinutes(2));
        await host.Client.DebugTokenAsync(LongLivedToken);
        Assert.Equal(2, host.Requests.Count);
    }

    [Fact]
    public async Task Usage_below_the_threshold_or_throttling_off_never_holds_a_call()
    {
        using var host = new GraphTestHost(o => o.Resilience.UsageThrottleThreshold = 96);
        host.On(HttpMethod.Get, "debug_token", _ =>
        {
            var response = GraphTestHost.Json(DebugValid);
            response.Headers.Add("X-App-Usage", """{"call_count":95,"total_time":20,"total_cputime":20}""");
            return response;
        });

        await host.Client.DebugTokenAsync(LongLivedToken);
        await host.Client.DebugTokenAsync(LongLivedToken);

        Assert.Equal(2, host.Requests.Count);
        Assert.Equal(GraphTestHost.Start, host.Time.GetUtcNow());
    }
}
