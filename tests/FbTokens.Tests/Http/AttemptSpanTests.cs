using System.Diagnostics;
using System.Net;
using FbTokens.Tests.Framework;
using Microsoft.Extensions.DependencyInjection;
using static FbTokens.Tests.Framework.GraphPayloads;

namespace FbTokens.Tests.Http;

/// <summary>
/// Each attempt is a client span under the operation's span: it names the operation, the Graph path and the host, the
/// status Graph answered with, and is an error span for an HTTP error or for whatever the transport threw.
/// </summary>
[Collection(TelemetryTestGroup.Name)]
public sealed class AttemptSpanTests : IDisposable
{
    private readonly TelemetryCapture _capture = new();
    private readonly GraphTestHost _host = new(o => o.Resilience.MaxRetryAttempts = 0);

    public void Dispose()
    {
        _host.Dispose();
        _capture.Dispose();
    }

    private Activity AttemptOf(string operation)
    {
        var parent = Assert.Single(_capture.Activities, a => a.DisplayName == "FbTokens " + operation);
        var attempt = Assert.Single(_capture.Activities, a => a.DisplayName == "FbTokens attempt" && a.ParentSpanId == parent.SpanId);
        Assert.Equal(ActivityKind.Client, attempt.Kind);
        return attempt;
    }

    [Fact]
    public async Task A_successful_attempt_names_operation_path_and_host_and_is_no_error()
    {
        _host.On(HttpMethod.Post, "oauth/client_code", ClientCodeJson);

        await _host.Client.GetClientCodeAsync(LongLivedToken, new Uri("https://app.example.com/cb"));

        var attempt = AttemptOf("GetClientCode");
        Assert.Equal("GetClientCode", attempt.GetTagItem("fbtokens.operation"));
        Assert.Equal("oauth/client_code", attempt.GetTagItem("url.path"));
        Assert.Equal("graph.facebook.com", attempt.GetTagItem("server.address"));
        Assert.Equal("POST", attempt.GetTagItem("http.request.method"));
        Assert.Equal(1, attempt.GetTagItem("fbtokens.attempt"));
        Assert.Equal(200, attempt.GetTagItem("http.response.status_code"));
        Assert.Equal(ActivityStatusCode.Unset, attempt.Status);
        Assert.Null(attempt.GetTagItem("error.type"));
    }

    [Theory]
    [InlineData(HttpStatusCode.BadRequest)]
    [InlineData(HttpStatusCode.InternalServerError)]
    public async Task An_attempt_answered_with_an_HTTP_error_is_an_error_span(HttpStatusCode status)
    {
        _host.On(HttpMethod.Post, "oauth/client_code", Error(100), status);

        await Assert.ThrowsAnyAsync<GraphApiException>(() => _host.Client.GetClientCodeAsync(LongLivedToken, new Uri("https://app.example.com/cb")));

        var attempt = AttemptOf("GetClientCode");
        Assert.Equal((int)status, attempt.GetTagItem("http.response.status_code"));
        Assert.Equal(ActivityStatusCode.Error, attempt.Status);
    }

    [Fact]
    public async Task An_attempt_the_transport_failed_is_an_error_span_naming_the_exception()
    {
        _host.Intercept = (_, _) => throw new HttpRequestException(HttpRequestError.ConnectionError, "Connection refused");

        await Assert.ThrowsAsync<HttpRequestException>(() => _host.Client.GetClientCodeAsync(LongLivedToken, new Uri("https://app.example.com/cb")));

        var attempt = AttemptOf("GetClientCode");
        Assert.Equal(ActivityStatusCode.Error, attempt.Status);
        Assert.Equal(nameof(HttpRequestException), attempt.StatusDescription);
        Assert.Equal(typeof(HttpRequestException).FullName, attempt.GetTagItem("error.type"));
        Assert.Null(attempt.GetTagItem("http.response.status_code"));
    }

    [Fact]
    public async Task A_request_of_the_host_through_FbTokens_client_is_an_attempt_of_operation_request()
    {
        _host.On(HttpMethod.Get, "me", """{"id":"1"}""");
        var client = _host.Services.GetRequiredService<IHttpClientFactory>().CreateClient(FbTokensServiceCollectionExtensions.HttpClientName);

        (await client.GetAsync(new Uri(GraphTestHost.Base + "me"))).Dispose();

        var attempt = Assert.Single(_capture.Activities, a => a.DisplayName == "FbTokens attempt");
        Assert.Equal("request", attempt.GetTagItem("fbtokens.operation"));
        Assert.Equal("graph.facebook.com", attempt.GetTagItem("server.address"));
        Assert.Contains(_capture.Measurements, m => m.Instrument == "fbtokens.requests" && (string?)m.Tag("fbtokens.operation") == "request");
    }
}
