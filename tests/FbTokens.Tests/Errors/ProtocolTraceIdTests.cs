using System.Net;
using System.Text;
using System.Text.Json;
using FbTokens.Internal;
using FbTokens.Tests.Framework;
using Microsoft.Extensions.DependencyInjection;
using static FbTokens.Tests.Framework.GraphPayloads;

namespace FbTokens.Tests.Errors;

/// <summary>
/// A bad response is a <see cref="GraphProtocolException"/> that keeps the HTTP status and Graph's trace id (the
/// <c>x-fb-trace-id</c> header): masked, shape-checked and length-bounded like every string from the network.
/// </summary>
public sealed class ProtocolTraceIdTests : IDisposable
{
    private const string Trace = "AbC123_-xYz";
    private const string UserId = "1207059";

    private readonly GraphTestHost _host = new(o =>
    {
        o.Resilience.MaxRetryAttempts = 0;
        o.Limits.MaxResponseBodyBytes = 4096;
        o.Limits.MaxErrorBodyBytes = 1024;
    });

    public void Dispose() => _host.Dispose();

    private static HttpResponseMessage Respond(HttpStatusCode status, string body, string? trace = Trace)
    {
        var response = new HttpResponseMessage(status) { Content = new StringContent(body, Encoding.UTF8, "application/json") };
        if (trace is not null)
        {
            response.Headers.TryAddWithoutValidation("x-fb-trace-id", trace);
        }

        return response;
    }

    public static TheoryData<string, HttpStatusCode, string> BadDebugTokenAnswers => new()
    {
        { "not JSON", HttpStatusCode.OK, "<html>proxy</html>" },
        { "JSON null", HttpStatusCode.OK, "null" },
        { "missing field", HttpStatusCode.OK, """{"data":{"app_id":"138483919580948","type":"USER"}}""" },
        { "success body too large", HttpStatusCode.OK, """{"data":{"app_id":"138483919580948","pad":""" + "\"" + new string('x', 5000) + "\"}}" },
        { "error body not an envelope", HttpStatusCode.BadGateway, "<html>Bad gateway</html>" },
        { "error body too large", HttpStatusCode.BadRequest, "{\"pad\":\"" + new string('x', 2000) + "\"}" },
    };

    [Theory]
    [MemberData(nameof(BadDebugTokenAnswers))]
    public async Task A_protocol_error_keeps_the_status_and_the_trace_id(string what, HttpStatusCode status, string body)
    {
        _host.On(HttpMethod.Get, "debug_token", _ => Respond(status, body));

        var error = await Assert.ThrowsAsync<GraphProtocolException>(() => _host.Client.DebugTokenAsync(LongLivedToken));

        Assert.True(Trace == error.FbTraceId, what);
        Assert.Equal(status, error.StatusCode);
        Assert.Contains("(fbtrace_id " + Trace + ")", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_streamed_body_past_the_limit_keeps_the_trace_id()
    {
        _host.On(HttpMethod.Get, "debug_token", _ =>
        {
            var response = new HttpResponseMessage(HttpStatusCode.OK) { Content = new StreamContent(new MemoryStream(Encoding.UTF8.GetBytes("{\"data\":\"" + new string('x', 10_000) + "\"}"))) };
            response.Headers.TryAddWithoutValidation("x-fb-trace-id", Trace);
            return response;
        });

        var error = await Assert.ThrowsAsync<GraphProtocolException>(() => _host.Client.DebugTokenAsync(LongLivedToken));

        Assert.Contains("MaxResponseBodyBytes", error.Message, StringComparison.Ordinal);
        Assert.Equal(Trace, error.FbTraceId);
    }

    public static TheoryData<string?, string?> Headers => new()
    {
        { null, null },
        { "A", "A" },
        { "Gv/Bnk+MWTJ5s=", "Gv/Bnk+MWTJ5s=" },
        { new string('A', 64), new string('A', 64) },
        { new string('A', 65), null },
        { "two words", null },
        { "AbC, DeF", null },
        { "Ab\u00e9C", null },
        { "Ab<script>", null },
        { LongLivedToken, "***" },
        { "AB" + Uri.EscapeDataString(LongLivedToken), "AB***" },
    };

    [Theory]
    [MemberData(nameof(Headers))]
    public async Task The_trace_id_is_masked_shape_checked_and_bounded(string? header, string? expected)
    {
        _host.On(HttpMethod.Get, "debug_token", _ => Respond(HttpStatusCode.OK, "<html/>", header));

        var error = await Assert.ThrowsAsync<GraphProtocolException>(() => _host.Client.DebugTokenAsync(LongLivedToken));

        Assert.Equal(expected, error.FbTraceId);
        Assert.DoesNotContain(LongLivedToken, error.ToString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_paging_link_that_leaves_the_host_keeps_the_trace_id_of_the_page_that_sent_it()
    {
        var next = GraphTestHost.Base + UserId + "/accounts?after=CURSOR2";
        _host.On(HttpMethod.Get, UserId + "/accounts", request => request.Query.ContainsKey("after")
            ? Respond(HttpStatusCode.OK, Accounts([PageJson("2", "B")], "CURSOR3", "https://evil.test/v24.0/" + UserId + "/accounts?after=CURSOR3"), "SecondPage1")
            : Respond(HttpStatusCode.OK, Accounts([PageJson("1", "A")], "CURSOR2", next), "FirstPage1"));

        var read = new List<PageTokenResponse>();
        var error = await Assert.ThrowsAsync<GraphProtocolException>(async () =>
        {
            await foreach (var page in _host.Client.GetPageTokensAsync(UserId, LongLivedToken))
            {
                read.Add(page);
            }
        });

        Assert.Equal(2, read.Count);
        Assert.Equal("SecondPage1", error.FbTraceId);
        Assert.Equal(HttpStatusCode.OK, error.StatusCode);
    }

    [Fact]
    public async Task A_batch_with_the_wrong_number_of_results_keeps_the_trace_id()
    {
        var api = new MockHttpMessageHandler();
        api.When(HttpMethod.Post, LifecycleHost.GraphBase.AbsoluteUri).Respond(_ =>
            Respond(HttpStatusCode.OK, "[{\"code\":200,\"body\":" + JsonSerializer.Serialize("{\"data\":{\"is_valid\":true}}") + "}]", "BatchTrace1"));
        await using var host = new LifecycleHost(build: b => b.AddTokenValidationSweep(), graph: api);

        var error = await Assert.ThrowsAsync<GraphProtocolException>(() =>
            host.Services.GetRequiredService<GraphBatchDebugClient>().DebugAsync(["EAABbatchtoken0123456789-1", "EAABbatchtoken0123456789-2"], CancellationToken.None));

        Assert.Equal("BatchTrace1", error.FbTraceId);
    }

    [Fact]
    public void The_constructor_keeps_a_given_trace_id_and_names_it_in_the_message()
    {
        var error = new GraphProtocolException("Odd.", HttpStatusCode.OK, null, "Trace9");

        Assert.Equal("Trace9", error.FbTraceId);
        Assert.Equal("Odd. (fbtrace_id Trace9)", error.Message);
        Assert.Equal("Odd.", new GraphProtocolException("Odd.").Message);
        Assert.Null(new GraphProtocolException("Odd.").FbTraceId);
    }
}
