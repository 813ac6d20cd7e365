using System.Globalization;
using System.Net;
using System.Text.RegularExpressions;
using FbTokens.Internal;
using FbTokens.Tests.Framework;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Polly.CircuitBreaker;
using Polly.Timeout;
using static FbTokens.Tests.Framework.GraphPayloads;

namespace FbTokens.Tests.Resilience;

/// <summary>
/// The default pipeline's own rules (<see cref="GraphDefaultPipeline"/>, Polly's strategies with Graph's decisions):
/// the total timeout as a deadline, the half-open trial, the sampling window, jitter, and turning it all off.
/// </summary>
public sealed class DefaultPipelineTests
{
    private static GraphTestHost Breaker(int minimumThroughput = 2, Action<FbTokensOptions>? more = null) => new(o =>
    {
        o.Resilience.MaxRetryAttempts = 0;
        o.Resilience.CircuitBreakerMinimumThroughput = minimumThroughput;
        o.Resilience.CircuitBreakerFailureRatio = 0.5;
        o.Resilience.CircuitBreakerBreakDuration = TimeSpan.FromSeconds(15);
        more?.Invoke(o);
    });

    private static async Task OpenCircuitAsync(GraphTestHost host, int failures = 2)
    {
        for (var i = 0; i < failures; i++)
        {
            await Assert.ThrowsAsync<GraphProtocolException>(() => host.Client.DebugTokenAsync(LongLivedToken));
        }

        await Assert.ThrowsAsync<BrokenCircuitException>(() => host.Client.DebugTokenAsync(LongLivedToken));
    }

    [Fact]
    public async Task An_attempt_never_outlives_the_total_timeout()
    {
        // Attempt 1 times out at 10 s; attempt 2 starts at 10 s with 5 s left of the total, so it gets 5 s, not 10.
        using var host = new GraphTestHost(o =>
        {
            o.Resilience.AttemptTimeout = TimeSpan.FromSeconds(10);
            o.Resilience.TotalTimeout = TimeSpan.FromSeconds(15);
        });
        var requests = host.HangRequests();

        var call = host.Client.DebugTokenAsync(LongLivedToken);
        await requests.NextHangAsync();
        host.Time.Advance(TimeSpan.FromSeconds(10));
        await requests.NextHangAsync();
        host.Time.Advance(TimeSpan.FromSeconds(5));

        // With a 10 s timeout for the second attempt the call would still be waiting: the bound only guards that.
        await Assert.ThrowsAsync<TimeoutRejectedException>(() => call.WaitAsync(TimeSpan.FromSeconds(30)));
        Assert.Equal(2, requests.Calls);
    }

    [Fact]
    public async Task A_retry_whose_wait_would_end_past_the_total_timeout_is_not_made_and_Graph_s_error_surfaces()
    {
        using var host = new GraphTestHost(o =>
        {
            o.Resilience.AttemptTimeout = TimeSpan.FromSeconds(10);
            o.Resilience.TotalTimeout = TimeSpan.FromSeconds(20);
            o.Resilience.MaxRateLimitDelay = TimeSpan.FromSeconds(30);
        });
        host.On(HttpMethod.Get, "debug_token", _ =>
        {
            var throttled = GraphTestHost.Json(Error(4, trace: "ThrottleTrace"), HttpStatusCode.BadRequest);
            throttled.Headers.Add("Retry-After", "25");
            return throttled;
        });

        // Only the guard's real-time bound could end a wait that was wrongly started: the fake clock never moves.
        var error = await Assert.ThrowsAsync<GraphRateLimitException>(() => host.Client.DebugTokenAsync(LongLivedToken).WaitAsync(TimeSpan.FromSeconds(30)));

        Assert.Single(host.Requests);
        Assert.Equal("ThrottleTrace", error.FbTraceId);
        Assert.Equal(GraphTestHost.Start, host.Time.GetUtcNow());
    }

    [Theory]
    [InlineData(HttpStatusCode.ServiceUnavailable)] // buffered by the handler: the retry decision reads it
    [InlineData(HttpStatusCode.OK)] // read by the client after the headers (ResponseHeadersRead), outside the handlers
    public async Task A_body_that_stalls_after_the_headers_ends_with_the_attempt_timeout_and_is_disposed(HttpStatusCode status)
    {
        using var host = new GraphTestHost(o => o.Resilience.MaxRetryAttempts = 0);
        using var content = new StallingContent();
        host.Intercept = (_, _) => Task.FromResult(new HttpResponseMessage(status) { Content = content });

        var call = host.Client.DebugTokenAsync(LongLivedToken);
        await content.Started.Task.WaitAsync(TimeSpan.FromSeconds(30));
        host.Time.Advance(TimeSpan.FromSeconds(10));

        // Without the attempt's timeout on the body the call would wait for ever: the real-time bound only guards that.
        await Assert.ThrowsAsync<TimeoutRejectedException>(() => call.WaitAsync(TimeSpan.FromSeconds(30)));
        Assert.True(content.Disposed);
    }

    [Fact]
    public async Task Cancelling_while_a_body_arrives_throws_with_the_caller_s_token()
    {
        using var host = new GraphTestHost();
        using var content = new StallingContent();
        host.Intercept = (_, _) => Task.FromResult(new HttpResponseMessage(HttpStatusCode.OK) { Content = content });
        using var cts = new CancellationTokenSource();

        var call = host.Client.DebugTokenAsync(LongLivedToken, cts.Token);
        await content.Started.Task.WaitAsync(TimeSpan.FromSeconds(30));
        await cts.CancelAsync();

        var error = await Assert.ThrowsAsync<TaskCanceledException>(() => call.WaitAsync(TimeSpan.FromSeconds(30)));
        Assert.Equal(cts.Token, error.CancellationToken);
    }

    [Fact]
    public async Task A_body_cut_short_by_the_operation_s_deadline_is_reported_as_the_total_timeout()
    {
        // The first attempt times out at 10 s; the second gets the 5 s left of 15, and its body stalls.
        using var host = new GraphTestHost(o =>
        {
            o.Resilience.AttemptTimeout = TimeSpan.FromSeconds(10);
            o.Resilience.TotalTimeout = TimeSpan.FromSeconds(15);
        });
        using var content = new StallingContent();
        var requests = host.HangRequests(hanging: 1, () => new HttpResponseMessage(HttpStatusCode.OK) { Content = content });

        var call = host.Client.DebugTokenAsync(LongLivedToken);
        await requests.NextHangAsync();
        host.Time.Advance(TimeSpan.FromSeconds(10));
        await content.Started.Task.WaitAsync(TimeSpan.FromSeconds(30));
        host.Time.Advance(TimeSpan.FromSeconds(5));

        // Polly's total timeout strategy reports it: its Timeout, not the 5 s the attempt had left.
        var error = await Assert.ThrowsAsync<TimeoutRejectedException>(() => call.WaitAsync(TimeSpan.FromSeconds(30)));
        Assert.Equal(TimeSpan.FromSeconds(15), error.Timeout);
    }

    [Fact]
    public async Task Attempts_cut_short_by_the_total_timeout_are_not_outages_to_the_circuit_breaker()
    {
        // Graph only rate-limits: each call waits the 15 s Graph asked for, then its second attempt gets the 5 s left
        // of a 20 s budget and runs out. Counting those as outages would open the circuit on a healthy Graph.
        using var host = Breaker(more: o =>
        {
            o.Resilience.MaxRetryAttempts = 3;
            o.Resilience.AttemptTimeout = TimeSpan.FromSeconds(10);
            o.Resilience.TotalTimeout = TimeSpan.FromSeconds(20);
            o.Resilience.CircuitBreakerSamplingDuration = TimeSpan.FromMinutes(5);
        });
        var attempts = 0;
        host.Intercept = async (_, ct) =>
        {
            if (Interlocked.Increment(ref attempts) % 2 == 1)
            {
                var throttled = GraphTestHost.Json(Error(4), HttpStatusCode.BadRequest);
                throttled.Headers.Add("Retry-After", "15");
                return throttled;
            }

            await Task.Delay(Timeout.Infinite, ct);
            return GraphTestHost.Json(DebugValid);
        };

        for (var i = 0; i < 2; i++)
        {
            var call = host.Client.DebugTokenAsync(LongLivedToken);
            for (var step = 0; step < 5_000 && !call.IsCompleted; step++)
            {
                host.Time.Advance(TimeSpan.FromMilliseconds(100));
                await Task.Yield();
            }

            await Assert.ThrowsAsync<TimeoutRejectedException>(() => call);
        }

        host.Intercept = (_, _) => Task.FromResult(GraphTestHost.Json(DebugValid));
        Assert.True((await host.Client.DebugTokenAsync(LongLivedToken)).IsValid);
        Assert.Equal(4, attempts);
    }

    [Fact]
    public async Task While_half_open_one_trial_goes_through_and_other_calls_fail_fast()
    {
        using var host = Breaker();
        var release = new TaskCompletionSource<HttpResponseMessage>(TaskCreationOptions.RunContinuationsAsynchronously);
        var trialEntered = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var healthy = false;
        var calls = 0;
        host.Intercept = (_, _) =>
        {
            Interlocked.Increment(ref calls);
            if (!healthy)
            {
                return Task.FromResult(GraphTestHost.Json("<html>503</html>", HttpStatusCode.ServiceUnavailable));
            }

            trialEntered.TrySetResult();
            return release.Task;
        };
        await OpenCircuitAsync(host);

        healthy = true;
        host.Time.Advance(TimeSpan.FromSeconds(16));
        var trial = host.Client.DebugTokenAsync(LongLivedToken);
        await trialEntered.Task;

        // A second trial would wait on the same gate: the real-time bound turns that into a failure, not a hang.
        var rejected = await Assert.ThrowsAsync<BrokenCircuitException>(() => host.Client.DebugTokenAsync(LongLivedToken).WaitAsync(TimeSpan.FromSeconds(30)));
        Assert.Equal(3, calls);

        release.SetResult(GraphTestHost.Json(DebugValid));
        Assert.True((await trial).IsValid);
        host.Intercept = (_, _) => Task.FromResult(GraphTestHost.Json(DebugValid));
        Assert.True((await host.Client.DebugTokenAsync(LongLivedToken)).IsValid);

        // Polly's estimate: were the trial to hang, no other would be let through before another break.
        Assert.Equal(TimeSpan.FromSeconds(15), rejected.RetryAfter);
    }

    [Fact]
    public async Task A_failed_trial_opens_the_circuit_again_for_a_whole_break()
    {
        using var host = Breaker();
        var healthy = false;
        host.On(HttpMethod.Get, "debug_token", _ => healthy ? GraphTestHost.Json(DebugValid) : GraphTestHost.Json("<html>503</html>", HttpStatusCode.ServiceUnavailable));
        await OpenCircuitAsync(host);

        host.Time.Advance(TimeSpan.FromSeconds(16));
        await Assert.ThrowsAsync<GraphProtocolException>(() => host.Client.DebugTokenAsync(LongLivedToken));
        var broken = await Assert.ThrowsAsync<BrokenCircuitException>(() => host.Client.DebugTokenAsync(LongLivedToken));
        Assert.Equal(TimeSpan.FromSeconds(15), broken.RetryAfter);
        Assert.Equal(3, host.Requests.Count);

        healthy = true;
        host.Time.Advance(TimeSpan.FromSeconds(14));
        await Assert.ThrowsAsync<BrokenCircuitException>(() => host.Client.DebugTokenAsync(LongLivedToken));
        host.Time.Advance(TimeSpan.FromSeconds(2));
        Assert.True((await host.Client.DebugTokenAsync(LongLivedToken)).IsValid);
        Assert.Equal(4, host.Requests.Count);
    }

    [Fact]
    public async Task A_trial_the_caller_cancelled_lets_the_next_call_be_the_trial()
    {
        using var host = Breaker();
        var healthy = false;
        var entered = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        host.Intercept = async (_, ct) =>
        {
            if (!healthy)
            {
                return GraphTestHost.Json("<html>503</html>", HttpStatusCode.ServiceUnavailable);
            }

            if (entered.TrySetResult())
            {
                await Task.Delay(Timeout.Infinite, ct);
            }

            return GraphTestHost.Json(DebugValid);
        };
        await OpenCircuitAsync(host);

        healthy = true;
        host.Time.Advance(TimeSpan.FromSeconds(16));
        using var cts = new CancellationTokenSource();
        var trial = host.Client.DebugTokenAsync(LongLivedToken, cts.Token);
        await entered.Task;
        await cts.CancelAsync();
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => trial);

        Assert.True((await host.Client.DebugTokenAsync(LongLivedToken)).IsValid);
    }

    [Fact]
    public async Task Outages_older_than_the_sampling_window_do_not_count()
    {
        using var host = Breaker(more: o => o.Resilience.CircuitBreakerSamplingDuration = TimeSpan.FromSeconds(10));
        var healthy = false;
        host.On(HttpMethod.Get, "debug_token", _ => healthy ? GraphTestHost.Json(DebugValid) : GraphTestHost.Json("<html>503</html>", HttpStatusCode.ServiceUnavailable));

        await Assert.ThrowsAsync<GraphProtocolException>(() => host.Client.DebugTokenAsync(LongLivedToken));
        host.Time.Advance(TimeSpan.FromSeconds(11));
        await Assert.ThrowsAsync<GraphProtocolException>(() => host.Client.DebugTokenAsync(LongLivedToken));

        healthy = true;
        Assert.True((await host.Client.DebugTokenAsync(LongLivedToken)).IsValid);
        Assert.Equal(3, host.Requests.Count);
    }

    [Fact]
    public async Task Healthy_answers_keep_the_failure_ratio_below_the_threshold()
    {
        using var host = Breaker(minimumThroughput: 4, more: o => o.Resilience.CircuitBreakerFailureRatio = 0.7);
        var next = 0;
        host.On(HttpMethod.Get, "debug_token", _ => Interlocked.Increment(ref next) % 2 == 0
            ? GraphTestHost.Json(DebugValid)
            : GraphTestHost.Json("<html>503</html>", HttpStatusCode.ServiceUnavailable));

        // Failure, success, failure…: the ratio never reaches 0.7 once 4 attempts were counted (3/5, 4/7), so
        // every attempt is sent; counting only failures would open the circuit at the third.
        for (var i = 0; i < 4; i++)
        {
            await Assert.ThrowsAsync<GraphProtocolException>(() => host.Client.DebugTokenAsync(LongLivedToken));
            Assert.True((await host.Client.DebugTokenAsync(LongLivedToken)).IsValid);
        }

        Assert.Equal(8, host.Requests.Count);
    }

    [Fact]
    public async Task Turned_off_an_operation_is_one_attempt_with_no_timeout_but_the_caller_s()
    {
        using var host = new GraphTestHost(o => o.Resilience.Enabled = false);
        host.On(HttpMethod.Get, "debug_token", Error(2, transient: true), HttpStatusCode.ServiceUnavailable);

        await Assert.ThrowsAsync<GraphApiException>(() => host.Client.DebugTokenAsync(LongLivedToken));
        Assert.Single(host.Requests);

        var requests = host.HangRequests();
        using var cts = new CancellationTokenSource();
        var hanging = host.Client.DebugTokenAsync(LongLivedToken, cts.Token);
        await requests.NextHangAsync();
        host.Time.Advance(TimeSpan.FromHours(1));
        await Task.Yield();
        Assert.False(hanging.IsCompleted);

        await cts.CancelAsync();
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => hanging);
    }

    [Fact]
    public async Task Jittered_backoff_spreads_the_delays_and_stays_under_MaxDelay()
    {
        // Delays of a few milliseconds on the system clock: stepping a fake clock could outrun the pipeline and strand
        // a call in its delay. Polly's choice is read from the retry log (event 1004), not measured.
        var logs = new CapturingLoggerProvider();
        using var host = new GraphTestHost(
            o =>
            {
                o.Resilience.BaseDelay = TimeSpan.FromMilliseconds(10);
                o.Resilience.MaxDelay = TimeSpan.FromMilliseconds(15);
                o.Resilience.UseJitter = true;
                o.Resilience.MaxRetryAttempts = 2;
                o.Resilience.CircuitBreakerEnabled = false;
            },
            fb => fb.Services.AddSingleton(TimeProvider.System).AddLogging(l => l.AddProvider(logs)));
        host.On(HttpMethod.Get, "debug_token", Error(2, transient: true), HttpStatusCode.ServiceUnavailable);

        for (var call = 0; call < 8; call++)
        {
            await Assert.ThrowsAsync<GraphApiException>(() => host.Client.DebugTokenAsync(LongLivedToken).WaitAsync(TimeSpan.FromSeconds(30)));
        }

        var delays = logs.Entries
            .Where(e => e.Id.Id == 1004)
            .Select(e => double.Parse(Regex.Match(e.Text, @" in ([0-9.Ee+-]+) ms ").Groups[1].Value, CultureInfo.InvariantCulture))
            .ToList();
        Assert.Equal(16, delays.Count);

        // Without jitter every first delay would be 10 ms and every second one 15 ms (20 ms capped).
        Assert.All(delays, d => Assert.InRange(d, 0, 15));
        Assert.True(delays.Distinct().Count() > 4, "jitter spreads the delays: " + string.Join(", ", delays));
    }

    [Fact]
    public async Task An_open_circuit_reports_the_rest_of_its_break()
    {
        using var host = Breaker(more: o => o.Resilience.CircuitBreakerBreakDuration = TimeSpan.FromSeconds(10));
        host.On(HttpMethod.Get, "debug_token", _ => GraphTestHost.Json("<html>503</html>", HttpStatusCode.ServiceUnavailable));
        await OpenCircuitAsync(host);

        host.Time.Advance(TimeSpan.FromSeconds(4));
        var broken = await Assert.ThrowsAsync<BrokenCircuitException>(() => host.Client.DebugTokenAsync(LongLivedToken));

        Assert.Equal(TimeSpan.FromSeconds(6), broken.RetryAfter);
        Assert.Equal(2, host.Requests.Count);
    }
}
