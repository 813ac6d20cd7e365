using Microsoft.Extensions.DependencyInjection;
using Polly;
using System.Net;
using System.Net.Sockets;
using FbTokens.Tests.Framework;
using Polly.Timeout;
using static FbTokens.Tests.Framework.GraphPayloads;

namespace FbTokens.Tests.Resilience;

public sealed class RetryTests : IDisposable
{
    private static readonly Uri Redirect = new("https://app.example.com/cb");
    private readonly GraphTestHost _host = new();

    public void Dispose() => _host.Dispose();

    public static TheoryData<HttpStatusCode, string> TransientFailures => new()
    {
        { HttpStatusCode.InternalServerError, Error(1, type: "OAuthException") },
        { HttpStatusCode.ServiceUnavailable, Error(2, transient: true) },
        { HttpStatusCode.BadRequest, Error(2) },
        { HttpStatusCode.BadRequest, Error(100, transient: true) },
        { HttpStatusCode.BadRequest, Error(341) },
        { HttpStatusCode.BadGateway, "<html>bad gateway</html>" },
        { HttpStatusCode.InternalServerError, "<html>internal error</html>" },
        { HttpStatusCode.InternalServerError, Error(100) },
        { HttpStatusCode.BadRequest, Error(190, transient: true) },
        { HttpStatusCode.RequestTimeout, "" },
    };

    [Theory]
    [MemberData(nameof(TransientFailures))]
    public async Task Safe_operations_are_retried_after_transient_failures(HttpStatusCode status, string body)
    {
        var calls = 0;
        _host.On(HttpMethod.Post, "oauth/access_token", _ => ++calls < 3 ? GraphTestHost.Json(body, status) : GraphTestHost.Json(LongLived));

        var token = await _host.Client.ExchangeForLongLivedTokenAsync(ShortLivedToken);

        Assert.Equal(LongLivedToken, token.AccessToken);
        Assert.Equal(3, calls);
    }

    [Fact]
    public async Task The_retry_budget_is_MaxRetryAttempts_then_the_last_error_surfaces()
    {
        _host.On(HttpMethod.Get, "debug_token", Error(2, transient: true, trace: "LastTrace"), HttpStatusCode.ServiceUnavailable);

        var error = await Assert.ThrowsAsync<GraphApiException>(() => _host.Client.DebugTokenAsync(LongLivedToken));

        Assert.Equal(4, _host.Requests.Count);
        Assert.True(error.IsTransient);
        Assert.Equal("LastTrace", error.FbTraceId);
    }

    [Fact]
    public async Task Retries_can_be_turned_off()
    {
        using var host = new GraphTestHost(o => o.Resilience.MaxRetryAttempts = 0);
        host.On(HttpMethod.Get, "debug_token", Error(2, transient: true), HttpStatusCode.ServiceUnavailable);

        await Assert.ThrowsAsync<GraphApiException>(() => host.Client.DebugTokenAsync(LongLivedToken));

        Assert.Single(host.Requests);
    }

    [Theory]
    [InlineData(190, 463)]
    [InlineData(102, null)]
    [InlineData(100, null)]
    [InlineData(200, null)]
    [InlineData(368, null)]
    [InlineData(1, null)]
    public async Task Permanent_errors_are_not_retried(int code, int? subcode)
    {
        _host.On(HttpMethod.Get, "debug_token", Error(code, subcode), HttpStatusCode.BadRequest);

        await Assert.ThrowsAnyAsync<GraphApiException>(() => _host.Client.DebugTokenAsync(LongLivedToken));

        Assert.Single(_host.Requests);
    }

    [Fact]
    public async Task Network_failures_are_retried_for_safe_operations()
    {
        var calls = 0;
        _host.Mock.When(HttpMethod.Get, GraphTestHost.Base + "debug_token").Respond(_ =>
        {
            if (++calls < 3)
            {
                throw new HttpRequestException("connection reset", new SocketException((int)SocketError.ConnectionReset));
            }

            return Task.FromResult(GraphTestHost.Json(DebugValid));
        });

        var info = await _host.Client.DebugTokenAsync(LongLivedToken);

        Assert.True(info.IsValid);
        Assert.Equal(3, calls);
    }

    public static TheoryData<HttpStatusCode, string> ResponsesToSingleUseCalls => new()
    {
        { HttpStatusCode.InternalServerError, Error(1) },
        { HttpStatusCode.ServiceUnavailable, Error(2, transient: true) },
        { HttpStatusCode.BadRequest, Error(100, transient: true) },
        { HttpStatusCode.BadGateway, "<html>bad gateway</html>" },
    };

    [Theory]
    [MemberData(nameof(ResponsesToSingleUseCalls))]
    public async Task A_code_exchange_is_never_retried_once_Graph_answered(HttpStatusCode status, string body)
    {
        _host.On(HttpMethod.Post, "oauth/access_token", body, status);

        await Assert.ThrowsAnyAsync<Exception>(() => _host.Client.ExchangeCodeAsync(Code, Redirect));
        await Assert.ThrowsAnyAsync<Exception>(() => _host.Client.RedeemClientCodeAsync(ClientCode, Redirect));

        Assert.Equal(2, _host.Requests.Count);
    }

    [Fact]
    public async Task A_code_exchange_is_not_retried_after_a_failure_that_may_have_sent_it()
    {
        var calls = 0;
        _host.Mock.When(HttpMethod.Post, GraphTestHost.Base + "oauth/access_token").Respond(_ =>
        {
            calls++;
            throw new HttpRequestException(HttpRequestError.ResponseEnded, "The response ended prematurely.");
        });

        await Assert.ThrowsAsync<HttpRequestException>(() => _host.Client.ExchangeCodeAsync(Code, Redirect));

        Assert.Equal(1, calls);
    }

    [Fact]
    public async Task A_code_exchange_is_retried_when_the_connection_was_never_made()
    {
        var calls = 0;
        _host.Mock.When(HttpMethod.Post, GraphTestHost.Base + "oauth/access_token").Respond(_ =>
        {
            if (++calls == 1)
            {
                throw new HttpRequestException(HttpRequestError.ConnectionError, "Connection refused", new SocketException((int)SocketError.ConnectionRefused));
            }

            return Task.FromResult(GraphTestHost.Json(UserToken));
        });

        var token = await _host.Client.ExchangeCodeAsync(Code, Redirect);

        Assert.Equal(ShortLivedToken, token.AccessToken);
        Assert.Equal(2, calls);
    }

    [Fact]
    public async Task An_attempt_that_hangs_times_out_on_the_pipeline_clock_and_a_code_exchange_is_not_retried()
    {
        var requests = _host.HangRequests();

        var call = _host.Client.ExchangeCodeAsync(Code, Redirect);
        await requests.NextHangAsync();
        _host.Time.Advance(TimeSpan.FromSeconds(11));

        await Assert.ThrowsAsync<TimeoutRejectedException>(() => call);
        Assert.Equal(1, requests.Calls);
    }

    [Fact]
    public async Task A_safe_operation_that_hangs_is_retried_after_the_attempt_timeout()
    {
        var requests = _host.HangRequests(hanging: 1);

        var call = _host.Client.DebugTokenAsync(LongLivedToken);
        await requests.NextHangAsync();
        _host.Time.Advance(TimeSpan.FromSeconds(11));

        Assert.True((await call).IsValid);
        Assert.Equal(2, requests.Calls);
    }

    [Fact]
    public async Task Cancellation_is_honoured_promptly_and_never_retried_or_turned_into_a_Graph_error()
    {
        var requests = _host.HangRequests();
        using var cts = new CancellationTokenSource();

        var call = _host.Client.DebugTokenAsync(LongLivedToken, cts.Token);
        await requests.NextHangAsync();
        await cts.CancelAsync();

        var error = await Assert.ThrowsAnyAsync<OperationCanceledException>(() => call);
        Assert.Equal(cts.Token, error.CancellationToken);
        Assert.Equal(1, requests.Calls);
    }

    [Fact]
    public async Task An_already_cancelled_token_makes_no_request()
    {
        _host.On(HttpMethod.Get, "debug_token", DebugValid);

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => _host.Client.DebugTokenAsync(LongLivedToken, new CancellationToken(canceled: true)));

        Assert.Empty(_host.Requests);
    }

    [Fact]
    public async Task Retry_After_on_429_is_waited_on_the_injected_clock()
    {
        // Generous timeouts: the fake clock is advanced in steps while the pipeline catches up.
        using var host = new GraphTestHost(o =>
        {
            o.Resilience.AttemptTimeout = TimeSpan.FromHours(1);
            o.Resilience.TotalTimeout = TimeSpan.FromHours(2);
        });
        var seenAt = new List<DateTimeOffset>();
        host.On(HttpMethod.Get, "debug_token", _ =>
        {
            lock (seenAt)
            {
                seenAt.Add(host.Time.GetUtcNow());
                if (seenAt.Count == 1)
                {
                    var throttled = GraphTestHost.Json(Error(4), HttpStatusCode.TooManyRequests);
                    throttled.Headers.Add("Retry-After", "30");
                    return throttled;
                }
            }

            return GraphTestHost.Json(DebugValid);
        });

        var call = host.Client.DebugTokenAsync(LongLivedToken);
        for (var i = 0; i < 7_000 && !call.IsCompleted; i++)
        {
            // Only the fake clock moves: the retry can happen only once it passed the 30 s Graph asked for.
            host.Time.Advance(TimeSpan.FromMilliseconds(500));
            await Task.Yield();
        }

        Assert.True((await call).IsValid);
        Assert.Equal(2, seenAt.Count);
        Assert.True(seenAt[1] - seenAt[0] >= TimeSpan.FromSeconds(30));
    }
}

public sealed class PipelineReplacementTests
{
    [Fact]
    public async Task A_host_can_replace_the_whole_pipeline()
    {
        var retriesSeenByHostPipeline = 0;
        using var host = new GraphTestHost(builder: fb =>
        {
            fb.ReplaceResiliencePipeline((pipeline, _) => pipeline.AddRetry(new Microsoft.Extensions.Http.Resilience.HttpRetryStrategyOptions
            {
                MaxRetryAttempts = 1,
                Delay = TimeSpan.Zero,
                ShouldHandle = GraphRetryPredicates.ShouldRetryAsync,
                OnRetry = _ =>
                {
                    retriesSeenByHostPipeline++;
                    return ValueTask.CompletedTask;
                },
            }));
        });
        host.On(HttpMethod.Get, "debug_token", Error(2, transient: true), HttpStatusCode.ServiceUnavailable);

        await Assert.ThrowsAsync<GraphApiException>(() => host.Client.DebugTokenAsync(LongLivedToken));

        Assert.Equal(2, host.Requests.Count);
        Assert.Equal(1, retriesSeenByHostPipeline);
    }

    [Fact]
    public async Task Settings_can_be_tuned_in_code()
    {
        using var host = new GraphTestHost(builder: fb => fb.ConfigureResilience(r => r.MaxRetryAttempts = 1));
        host.On(HttpMethod.Get, "debug_token", Error(2, transient: true), HttpStatusCode.ServiceUnavailable);

        await Assert.ThrowsAsync<GraphApiException>(() => host.Client.DebugTokenAsync(LongLivedToken));

        Assert.Equal(2, host.Requests.Count);
    }
}
