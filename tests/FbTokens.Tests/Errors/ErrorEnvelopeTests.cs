using System.Net;
using FbTokens.Tests.Framework;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using static FbTokens.Tests.Framework.GraphPayloads;

namespace FbTokens.Tests.Errors;

/// <summary>Real error payloads: envelopes without a code, with HTTP 200, with error_data, and what the headers add.</summary>
public sealed class ErrorEnvelopeTests : IDisposable
{
    private readonly CapturingLoggerProvider _logs = new();
    private readonly GraphTestHost _host;

    public ErrorEnvelopeTests()
    {
        _host = new GraphTestHost(o => o.Resilience.MaxRetryAttempts = 0, fb => fb.Services.AddLogging(l => l.AddProvider(_logs)));
    }

    public void Dispose() => _host.Dispose();

    [Theory]
    [InlineData("""{"error":{"type":"OAuthException","message":"Invalid OAuth access token."}}""", "OAuthException", "Invalid OAuth access token.")]
    [InlineData("""{"error":{"message":"(#100) Missing redirect_uri"}}""", null, "(#100) Missing redirect_uri")]
    [InlineData("""{"error":{"type":"GraphMethodException"}}""", "GraphMethodException", "(no message)")]
    public async Task An_envelope_without_a_code_is_a_Graph_error_with_code_0(string body, string? type, string message)
    {
        _host.On(HttpMethod.Post, "oauth/access_token", body, HttpStatusCode.BadRequest);

        var error = await Assert.ThrowsAsync<GraphApiException>(() => _host.Client.GetAppAccessTokenAsync());

        Assert.Equal(typeof(GraphApiException), error.GetType());
        Assert.Equal(0, error.Code);
        Assert.Equal(type, error.ErrorType);
        Assert.Equal(message, error.Error.Message);
        Assert.Equal(HttpStatusCode.BadRequest, error.StatusCode);
    }

    [Theory]
    [InlineData("""{"error":{}}""")]
    [InlineData("""{"error":null}""")]
    [InlineData("""{"error":"invalid_request"}""")]
    public async Task An_envelope_with_nothing_in_it_stays_a_protocol_error(string body)
    {
        _host.On(HttpMethod.Post, "oauth/access_token", body, HttpStatusCode.BadRequest);

        var error = await Assert.ThrowsAsync<GraphProtocolException>(() => _host.Client.GetAppAccessTokenAsync());

        Assert.Equal(HttpStatusCode.BadRequest, error.StatusCode);
    }

    public static TheoryData<string> Operations => new() { "ExchangeCode", "ExchangeForLongLived", "GetPageTokens", "GetClientCode", "RedeemClientCode", "DebugToken", "GetAppAccessToken" };

    [Theory]
    [MemberData(nameof(Operations))]
    public async Task An_error_envelope_with_HTTP_200_is_a_Graph_error(string operation)
    {
        foreach (var (method, path) in new[] { (HttpMethod.Post, "oauth/access_token"), (HttpMethod.Post, "oauth/client_code"), (HttpMethod.Get, "1207059/accounts"), (HttpMethod.Get, "debug_token") })
        {
            _host.On(method, path, Error(190, 463, trace: "Trace200"));
        }

        var error = await Assert.ThrowsAsync<GraphAuthException>(() => Run(_host.Client, operation));

        Assert.Equal(HttpStatusCode.OK, error.StatusCode);
        Assert.Equal(190, error.Code);
        Assert.Equal(TokenErrorReason.Expired, error.Reason);
        Assert.Equal("Trace200", error.FbTraceId);
    }

    [Fact]
    public async Task An_HTTP_200_rate_limit_envelope_is_a_rate_limit()
    {
        _host.On(HttpMethod.Get, "debug_token", _ =>
        {
            var response = GraphTestHost.Json(Error(4));
            response.Headers.Add("Retry-After", "7");
            return response;
        });

        var error = await Assert.ThrowsAsync<GraphRateLimitException>(() => _host.Client.DebugTokenAsync(LongLivedToken));

        Assert.Equal(TimeSpan.FromSeconds(7), error.RetryAfter);
    }

    [Fact]
    public async Task A_success_with_an_empty_error_member_is_still_a_success()
    {
        _host.On(HttpMethod.Post, "oauth/access_token", """{"access_token":"EAAGm0PX4ZCpsBALongLivedUserToken0123456789abcdefghijkXYZ","error":null}""");

        var token = await _host.Client.GetAppAccessTokenAsync();

        Assert.Equal(LongLivedToken, token.AccessToken);
    }

    [Theory]
    [InlineData("\"Too many attempts\"", "\"Too many attempts\"")]
    [InlineData("{\"blame_field_specs\":[[\"redirect_uri\"]]}", "{\"blame_field_specs\":[[\"redirect_uri\"]]}")]
    [InlineData("null", null)]
    public async Task Error_data_is_kept_as_raw_JSON(string errorData, string? expected)
    {
        var body = """{"error":{"message":"m","type":"OAuthException","code":100,"error_data":""" + errorData + ""","fbtrace_id":"T"}}""";
        _host.On(HttpMethod.Post, "oauth/access_token", body, HttpStatusCode.BadRequest);

        var error = await Assert.ThrowsAsync<GraphApiException>(() => _host.Client.GetAppAccessTokenAsync());

        Assert.Equal(expected, error.ErrorData);
        Assert.Equal(expected, error.Error.ErrorData);
    }

    [Fact]
    public async Task WWW_Authenticate_is_kept()
    {
        _host.On(HttpMethod.Get, "debug_token", _ =>
        {
            var response = GraphTestHost.Json(Error(190), HttpStatusCode.Unauthorized);
            response.Headers.TryAddWithoutValidation("WWW-Authenticate", "OAuth \"Facebook Platform\" \"invalid_token\" \"Invalid OAuth access token.\"");
            return response;
        });

        var error = await Assert.ThrowsAsync<GraphAuthException>(() => _host.Client.DebugTokenAsync(LongLivedToken));

        Assert.Equal("OAuth \"Facebook Platform\" \"invalid_token\" \"Invalid OAuth access token.\"", error.WwwAuthenticate);
    }

    [Fact]
    public async Task No_WWW_Authenticate_no_error_data_are_null()
    {
        _host.On(HttpMethod.Get, "debug_token", Error(100), HttpStatusCode.BadRequest);

        var error = await Assert.ThrowsAsync<GraphApiException>(() => _host.Client.DebugTokenAsync(LongLivedToken));

        Assert.Null(error.WwwAuthenticate);
        Assert.Null(error.ErrorData);
    }

    [Theory]
    [InlineData(true, "HeaderTrace")]
    [InlineData(false, "BodyTrace")]
    public async Task The_x_fb_trace_id_header_is_taken_when_the_body_has_no_fbtrace_id(bool bodyWithoutTrace, string expected)
    {
        var body = bodyWithoutTrace ? """{"error":{"message":"m","type":"OAuthException","code":100}}""" : Error(100, trace: "BodyTrace");
        _host.On(HttpMethod.Get, "debug_token", _ =>
        {
            var response = GraphTestHost.Json(body, HttpStatusCode.BadRequest);
            response.Headers.Add("x-fb-trace-id", "HeaderTrace");
            return response;
        });

        var error = await Assert.ThrowsAsync<GraphApiException>(() => _host.Client.DebugTokenAsync(LongLivedToken));

        Assert.Equal(expected, error.FbTraceId);
        Assert.Contains(expected, error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Code_341_application_limit_reached_is_a_rate_limit()
    {
        _host.On(HttpMethod.Get, "debug_token", Error(341, message: "(#341) Application limit reached"), HttpStatusCode.BadRequest);

        var error = await Assert.ThrowsAsync<GraphRateLimitException>(() => _host.Client.DebugTokenAsync(LongLivedToken));

        Assert.Equal(341, error.Code);
        Assert.True(error.IsTransient);
    }

    [Fact]
    public async Task The_failure_log_reads_the_code_alone_when_there_is_no_subcode()
    {
        _host.On(HttpMethod.Get, "debug_token", Error(100), HttpStatusCode.BadRequest);

        await Assert.ThrowsAsync<GraphApiException>(() => _host.Client.DebugTokenAsync(LongLivedToken));

        var failed = Assert.Single(_logs.Entries, e => e.Id.Id == 1001);
        Assert.Contains("Graph error 100 ", failed.Text, StringComparison.Ordinal);
        Assert.DoesNotContain("(null)", failed.Text, StringComparison.Ordinal);
    }

    internal static Task Run(IGraphTokenClient client, string operation)
    {
        var redirect = new Uri("https://app.example.com/cb");
        return operation switch
        {
            "ExchangeCode" => client.ExchangeCodeAsync(Code, redirect),
            "ExchangeForLongLived" => client.ExchangeForLongLivedTokenAsync(ShortLivedToken),
            "GetPageTokens" => client.GetPageTokensAsync("1207059", LongLivedToken).ToListAsync().AsTask(),
            "GetClientCode" => client.GetClientCodeAsync(LongLivedToken, redirect),
            "RedeemClientCode" => client.RedeemClientCodeAsync(ClientCode, redirect, "machine-1"),
            "DebugToken" => client.DebugTokenAsync(LongLivedToken),
            "GetAppAccessToken" => client.GetAppAccessTokenAsync(),
            _ => throw new ArgumentOutOfRangeException(nameof(operation)),
        };
    }
}
