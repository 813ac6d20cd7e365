using System.Diagnostics;
using System.Net;
using FbTokens.Tests.Framework;
using Polly.CircuitBreaker;
using Polly.Timeout;
using static FbTokens.Tests.Framework.GraphPayloads;

namespace FbTokens.Tests.Diagnostics;

/// <summary>
/// How an operation that did not get Graph's answer shows in telemetry: the <c>fbtokens.outcome</c> of its span and
/// of the <c>fbtokens.operations</c> count (network_error, timeout, circuit_open, canceled, error), the span's error
/// status and <c>error.type</c>, and its duration on the injected clock.
/// </summary>
[Collection(TelemetryTestGroup.Name)]
public sealed class OperationOutcomeTests : IDisposable
{
    private readonly TelemetryCapture _capture = new();

    public void Dispose() => _capture.Dispose();

    private static GraphTestHost Host(Action<FbTokensOptions>? more = null) => new(o =>
    {
        o.Resilience.MaxRetryAttempts = 0;
        more?.Invoke(o);
    });

    private Activity Span(string operation) => Assert.Single(_capture.Activities, a => a.DisplayName == "FbTokens " + operation);

    private void AssertOutcome(string operation, string outcome)
    {
        Assert.Equal(outcome, Span(operation).GetTagItem("fbtokens.outcome"));
        Assert.Contains(_capture.Measurements, m => m.Instrument == "fbtokens.operations"
            && (string?)m.Tag("fbtokens.operation") == operation && (string?)m.Tag("fbtokens.outcome") == outcome);
    }

    public static TheoryData<Exception, string> TransportFailures => new()
    {
        { new HttpRequestException(HttpRequestError.ConnectionError, "Connection refused"), "network_error" },
        { new IOException("The response ended prematurely."), "network_error" },
        { new System.Net.Sockets.SocketException(104), "network_error" },
        { new System.Security.Authentication.AuthenticationException("TLS handshake failed"), "network_error" },
        { new InvalidOperationException("A host handler failed"), "error" },
    };

    [Theory]
    [MemberData(nameof(TransportFailures))]
    public async Task A_failure_of_the_transport_is_an_error_span_with_its_outcome_and_type(Exception failure, string outcome)
    {
        using var host = Host();
        host.Intercept = (_, _) => throw failure;

        var thrown = await Assert.ThrowsAnyAsync<Exception>(() => host.Client.GetClientCodeAsync(LongLivedToken, new Uri("https://app.example.com/cb")));

        Assert.Equal(failure.GetType(), thrown.GetType());
        AssertOutcome("GetClientCode", outcome);
        var span = Span("GetClientCode");
        Assert.Equal(ActivityStatusCode.Error, span.Status);
        Assert.Equal(failure.GetType().Name, span.StatusDescription);
        Assert.Equal(failure.GetType().FullName, span.GetTagItem("error.type"));
        Assert.Null(span.GetTagItem("http.response.status_code"));
    }

    [Fact]
    public async Task A_transport_failure_that_names_a_status_tags_it()
    {
        using var host = Host();
        host.Intercept = (_, _) => throw new HttpRequestException("Bad gateway from the proxy", null, HttpStatusCode.BadGateway);

        await Assert.ThrowsAsync<HttpRequestException>(() => host.Client.GetClientCodeAsync(LongLivedToken, new Uri("https://app.example.com/cb")));

        AssertOutcome("GetClientCode", "network_error");
        Assert.Equal(502, Span("GetClientCode").GetTagItem("http.response.status_code"));
    }

    [Fact]
    public async Task An_attempt_timeout_is_outcome_timeout()
    {
        using var host = Host();
        var requests = host.HangRequests();

        var call = host.Client.DebugTokenAsync(LongLivedToken);
        await requests.NextHangAsync();
        host.Time.Advance(TimeSpan.FromSeconds(11));

        await Assert.ThrowsAsync<TimeoutRejectedException>(() => call);
        AssertOutcome("DebugToken", "timeout");
        Assert.Equal(typeof(TimeoutRejectedException).FullName, Span("DebugToken").GetTagItem("error.type"));
    }

    [Fact]
    public async Task A_call_the_caller_cancelled_is_outcome_canceled_and_no_error()
    {
        using var host = Host();
        var requests = host.HangRequests();
        using var cts = new CancellationTokenSource();

        var call = host.Client.DebugTokenAsync(LongLivedToken, cts.Token);
        await requests.NextHangAsync();
        await cts.CancelAsync();

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => call);
        AssertOutcome("DebugToken", "canceled");
        Assert.NotEqual(ActivityStatusCode.Error, Span("DebugToken").Status);
    }

    [Fact]
    public async Task A_call_refused_by_the_open_circuit_is_outcome_circuit_open()
    {
        using var host = Host(o =>
        {
            o.Resilience.CircuitBreakerMinimumThroughput = 2;
            o.Resilience.CircuitBreakerFailureRatio = 0.5;
        });
        host.On(HttpMethod.Post, "oauth/client_code", _ => GraphTestHost.Json("<html>503</html>", HttpStatusCode.ServiceUnavailable));
        host.On(HttpMethod.Get, "debug_token", DebugValid);
        for (var i = 0; i < 2; i++)
        {
            await Assert.ThrowsAsync<GraphProtocolException>(() => host.Client.GetClientCodeAsync(LongLivedToken, new Uri("https://app.example.com/cb")));
        }

        await Assert.ThrowsAsync<BrokenCircuitException>(() => host.Client.DebugTokenAsync(LongLivedToken));

        AssertOutcome("DebugToken", "circuit_open");
        Assert.Equal(ActivityStatusCode.Error, Span("DebugToken").Status);
    }

    [Fact]
    public async Task The_duration_is_the_operation_s_time_on_the_injected_clock_even_with_logging_off()
    {
        using var host = Host();
        host.On(HttpMethod.Post, "oauth/client_code", _ =>
        {
            host.Time.Advance(TimeSpan.FromSeconds(2));
            return GraphTestHost.Json(ClientCodeJson);
        });

        await host.Client.GetClientCodeAsync(LongLivedToken, new Uri("https://app.example.com/cb"));

        var duration = Assert.Single(_capture.Measurements, m => m.Instrument == "fbtokens.operation.duration" && (string?)m.Tag("fbtokens.operation") == "GetClientCode");
        Assert.Equal(2.0, duration.Value);
        Assert.Equal("success", duration.Tag("fbtokens.outcome"));
        Assert.Equal("oauth/client_code", Span("GetClientCode").GetTagItem("url.path"));
    }
}
