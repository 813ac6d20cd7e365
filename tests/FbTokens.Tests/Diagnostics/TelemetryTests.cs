using System.Net;
using FbTokens.Tests.Framework;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using static FbTokens.Tests.Framework.GraphPayloads;

namespace FbTokens.Tests.Diagnostics;

[Collection(TelemetryTestGroup.Name)]
public sealed class TelemetryTests : IDisposable
{
    private readonly TelemetryCapture _capture = new();
    private readonly GraphTestHost _host;

    public TelemetryTests()
    {
        _host = new GraphTestHost(builder: fb => fb.Services.AddLogging(l => l.SetMinimumLevel(LogLevel.Trace).AddProvider(_capture)));
    }

    public void Dispose()
    {
        _host.Dispose();
        _capture.Dispose();
    }

    [Fact]
    public async Task A_success_logs_event_1000_and_records_one_operation_span_with_its_attempt_spans()
    {
        var calls = 0;
        _host.On(HttpMethod.Post, "oauth/access_token", _ => ++calls == 1 ? GraphTestHost.Json(Error(2, transient: true), HttpStatusCode.ServiceUnavailable) : GraphTestHost.Json(LongLived));

        await _host.Client.ExchangeForLongLivedTokenAsync(ShortLivedToken);

        var success = Assert.Single(_capture.Logs, l => l.EventId.Id == 1000);
        Assert.Equal("GraphOperationSucceeded", success.EventId.Name);
        Assert.Contains("ExchangeForLongLivedToken", success.Message, StringComparison.Ordinal);
        Assert.Contains("oauth/access_token", success.Message, StringComparison.Ordinal);
        Assert.Contains("after 2 attempt(s)", success.Message, StringComparison.Ordinal);
        var retry = Assert.Single(_capture.Logs, l => l.EventId.Id == 1004);
        Assert.Contains("attempt 2", retry.Message, StringComparison.Ordinal);
        Assert.Contains("after HTTP 503", retry.Message, StringComparison.Ordinal);
        Assert.Equal("FbTokens.Resilience", retry.Category);
        Assert.Contains(_capture.Logs, l => l.EventId.Id == 1009 && l.Level == LogLevel.Trace && l.Message.Contains("EAAG…(", StringComparison.Ordinal));

        var operation = Assert.Single(_capture.Activities, a => a.Source.Name == FbTokensTelemetry.ActivitySourceName && a.DisplayName == "FbTokens ExchangeForLongLivedToken");
        Assert.Equal("success", operation.GetTagItem("fbtokens.outcome"));
        Assert.Equal(200, operation.GetTagItem("http.response.status_code"));
        Assert.Equal(2, operation.GetTagItem("fbtokens.attempt"));
        var attempts = _capture.Activities.Where(a => a.DisplayName == "FbTokens attempt" && a.ParentSpanId == operation.SpanId).OrderBy(a => a.GetTagItem("fbtokens.attempt")).ToList();
        Assert.Equal(2, attempts.Count);
        Assert.Equal(503, attempts[0].GetTagItem("http.response.status_code"));
        Assert.Equal(200, attempts[1].GetTagItem("http.response.status_code"));
        Assert.Equal("POST", attempts[0].GetTagItem("http.request.method"));

        Assert.Contains(_capture.Measurements, m => m.Instrument == "fbtokens.operations" && (string?)m.Tag("fbtokens.operation") == "ExchangeForLongLivedToken" && (string?)m.Tag("fbtokens.outcome") == "success");
        Assert.Equal(2, _capture.Measurements.Where(m => m.Instrument == "fbtokens.requests" && (string?)m.Tag("fbtokens.operation") == "ExchangeForLongLivedToken").Sum(m => m.Value));
        Assert.Equal("ExchangeForLongLivedToken", Assert.Single(_capture.Measurements, m => m.Instrument == "fbtokens.retries").Tag("fbtokens.operation"));
        Assert.Single(_capture.Measurements, m => m.Instrument == "fbtokens.operation.duration");
    }

    [Fact]
    public async Task A_Graph_error_logs_event_1001_with_code_and_fbtrace_id_and_tags_the_span()
    {
        _host.On(HttpMethod.Get, "debug_token", Error(190, 460, trace: "TraceXyz"), HttpStatusCode.BadRequest);

        await Assert.ThrowsAsync<GraphAuthException>(() => _host.Client.DebugTokenAsync(LongLivedToken));

        var failed = Assert.Single(_capture.Logs, l => l.EventId.Id == 1001);
        Assert.Equal(LogLevel.Warning, failed.Level);
        Assert.Contains("190/460", failed.Message, StringComparison.Ordinal);
        Assert.Contains("TraceXyz", failed.Message, StringComparison.Ordinal);
        var span = Assert.Single(_capture.Activities, a => a.DisplayName == "FbTokens DebugToken");
        Assert.Equal(System.Diagnostics.ActivityStatusCode.Error, span.Status);
        Assert.Equal(190, span.GetTagItem("graph.error.code"));
        Assert.Equal(460, span.GetTagItem("graph.error.subcode"));
        Assert.Equal("TraceXyz", span.GetTagItem("graph.fbtrace_id"));
        Assert.Equal("PasswordChanged", span.GetTagItem("fbtokens.reason"));
        Assert.Contains(_capture.Measurements, m => m.Instrument == "fbtokens.errors" && Equals(m.Tag("graph.error.code"), 190));
    }

    [Fact]
    public async Task A_rate_limit_logs_event_1005_and_counts_a_rate_limit_event()
    {
        _host.On(HttpMethod.Get, "debug_token", _ =>
        {
            var response = GraphTestHost.Json(Error(80004), HttpStatusCode.BadRequest);
            response.Headers.Add("X-Business-Use-Case-Usage", """{"1":[{"type":"pages","call_count":100,"estimated_time_to_regain_access":30}]}""");
            return response;
        });

        await Assert.ThrowsAsync<GraphRateLimitException>(() => _host.Client.DebugTokenAsync(LongLivedToken));

        Assert.Single(_capture.Logs, l => l.EventId.Id == 1005);
        Assert.Contains(_capture.Measurements, m => m.Instrument == "fbtokens.rate_limits" && (string?)m.Tag("fbtokens.outcome") == "graph_rate_limit");
    }

    [Fact]
    public async Task A_protocol_error_logs_event_1002()
    {
        _host.On(HttpMethod.Get, "debug_token", _ => new HttpResponseMessage(HttpStatusCode.OK) { Content = new StringContent("<html/>") });

        await Assert.ThrowsAsync<GraphProtocolException>(() => _host.Client.DebugTokenAsync(LongLivedToken));

        Assert.Single(_capture.Logs, l => l.EventId.Id == 1002);
        Assert.Contains(_capture.Measurements, m => m.Instrument == "fbtokens.operations" && (string?)m.Tag("fbtokens.outcome") == "protocol_error");
    }

    [Fact]
    public async Task The_factory_request_logging_is_off_by_default_as_FbTokens_logs_every_attempt_itself()
    {
        _host.On(HttpMethod.Get, "debug_token", DebugValid);

        await _host.Client.DebugTokenAsync(LongLivedToken);

        Assert.DoesNotContain(_capture.Logs, l => l.Category.StartsWith("System.Net.Http.HttpClient", StringComparison.Ordinal));
        Assert.Contains(_capture.Logs, l => l.Category.StartsWith("FbTokens", StringComparison.Ordinal));
    }

    [Fact]
    public void Event_ids_are_stable()
    {
        var ids = typeof(IGraphTokenClient).Assembly.GetType("FbTokens.Internal.Log")!
            .GetMethods()
            .Select(m => m.GetCustomAttributes(typeof(LoggerMessageAttribute), false).Cast<LoggerMessageAttribute>().SingleOrDefault())
            .Where(a => a is not null)
            .ToDictionary(a => a!.EventName!, a => a!.EventId);

        Assert.Equal(1000, ids["GraphOperationSucceeded"]);
        Assert.Equal(1001, ids["GraphOperationFailed"]);
        Assert.Equal(1002, ids["GraphProtocolError"]);
        Assert.Equal(1003, ids["GraphOperationAborted"]);
        Assert.Equal(1004, ids["GraphRetryScheduled"]);
        Assert.Equal(1005, ids["GraphRateLimited"]);
        Assert.Equal(1006, ids["GraphUsageThrottled"]);
        Assert.Equal(1007, ids["GraphCircuitOpened"]);
        Assert.Equal(1008, ids["GraphCircuitClosed"]);
        Assert.Equal(1009, ids["GraphTokenFingerprint"]);
    }
}
