using System.IO.Compression;
using System.Net;
using System.Text;
using FbTokens.Tests.Framework;
using Polly;
using static FbTokens.Tests.Framework.GraphPayloads;

namespace FbTokens.Tests.Client;

/// <summary>
/// Bodies are read within FbTokens:Limits (an endless body ends the call, it is not buffered to the end) and a body
/// that does not decode is a protocol error with the status, not a raw <see cref="InvalidDataException"/>.
/// </summary>
public sealed class ResponseBodyLimitTests
{
    private const int Limit = 64 * 1024;

    // What a reader may take past the limit: one buffer of slack, far below the 64 MiB the fake offers.
    private const int Slack = 128 * 1024;

    private static GraphTestHost Host(bool resilience) => new(o =>
    {
        o.Resilience.Enabled = resilience;
        o.Resilience.MaxRetryAttempts = 1;
        o.Limits.MaxErrorBodyBytes = Limit;
        o.Limits.MaxResponseBodyBytes = Limit;
    });

    private static HttpResponseMessage Streaming(HttpStatusCode status, Stream body, long? contentLength = null)
    {
        var response = new HttpResponseMessage(status) { Content = new StreamContent(body) };
        response.Content.Headers.ContentType = new("application/json");
        response.Content.Headers.ContentLength = contentLength;
        return response;
    }

    [Theory]
    [InlineData(true, HttpStatusCode.BadRequest)]
    [InlineData(false, HttpStatusCode.BadRequest)]
    [InlineData(true, HttpStatusCode.ServiceUnavailable)]
    [InlineData(false, HttpStatusCode.ServiceUnavailable)]
    public async Task An_endless_error_body_ends_the_call_at_the_error_body_limit(bool resilience, HttpStatusCode status)
    {
        using var host = Host(resilience);
        var bodies = new List<EndlessStream>();
        host.On(HttpMethod.Post, "oauth/access_token", _ =>
        {
            var body = new EndlessStream(prefix: """{"error":{"message":"""u8.ToArray());
            lock (bodies)
            {
                bodies.Add(body);
            }

            return Streaming(status, body);
        });

        var error = await Assert.ThrowsAsync<GraphProtocolException>(() => host.Client.GetAppAccessTokenAsync());

        Assert.Equal(status, error.StatusCode);
        Assert.Contains("limit", error.Message, StringComparison.OrdinalIgnoreCase);
        Assert.All(bodies, b => Assert.InRange(b.BytesRead, Limit, Limit + Slack));
    }

    [Theory]
    [InlineData(HttpStatusCode.BadRequest)]
    [InlineData(HttpStatusCode.ServiceUnavailable)]
    public async Task A_host_Polly_pipeline_reads_an_endless_error_body_within_the_limit_too(HttpStatusCode status)
    {
        var bodies = new List<EndlessStream>();
        using var host = new GraphTestHost(
            o => o.Limits.MaxErrorBodyBytes = Limit,
            fb => fb.ReplaceResiliencePipeline((pipeline, _) => pipeline.AddRetry(new Microsoft.Extensions.Http.Resilience.HttpRetryStrategyOptions
            {
                MaxRetryAttempts = 1,
                Delay = TimeSpan.Zero,
                ShouldHandle = GraphRetryPredicates.ShouldRetryAsync,
            })));
        host.On(HttpMethod.Post, "oauth/access_token", _ =>
        {
            var body = new EndlessStream(prefix: "{\"error\":{\"message\":\""u8.ToArray());
            lock (bodies)
            {
                bodies.Add(body);
            }

            return Streaming(status, body);
        });

        var error = await Assert.ThrowsAsync<GraphProtocolException>(() => host.Client.GetAppAccessTokenAsync());

        Assert.Equal(status, error.StatusCode);
        Assert.NotEmpty(bodies);
        Assert.All(bodies, b => Assert.InRange(b.BytesRead, Limit, Limit + Slack));
    }

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public async Task An_endless_success_body_ends_the_call_at_the_response_body_limit(bool resilience)
    {
        using var host = Host(resilience);
        var body = new EndlessStream(prefix: Encoding.UTF8.GetBytes(LongLived));
        host.On(HttpMethod.Post, "oauth/access_token", _ => Streaming(HttpStatusCode.OK, body));

        var error = await Assert.ThrowsAsync<GraphProtocolException>(() => host.Client.ExchangeForLongLivedTokenAsync(ShortLivedToken));

        Assert.Equal(HttpStatusCode.OK, error.StatusCode);
        Assert.InRange(body.BytesRead, Limit, Limit + Slack);
    }

    [Theory]
    [InlineData(true, HttpStatusCode.OK)]
    [InlineData(false, HttpStatusCode.OK)]
    [InlineData(true, HttpStatusCode.BadRequest)]
    [InlineData(false, HttpStatusCode.BadRequest)]
    public async Task A_Content_Length_past_the_limit_ends_the_call_before_reading(bool resilience, HttpStatusCode status)
    {
        using var host = Host(resilience);
        var body = new EndlessStream();
        host.On(HttpMethod.Get, "debug_token", _ => Streaming(status, body, contentLength: 2L * 1024 * 1024 * 1024));

        var error = await Assert.ThrowsAsync<GraphProtocolException>(() => host.Client.DebugTokenAsync(LongLivedToken));

        Assert.Equal(status, error.StatusCode);
        Assert.Equal(0, body.BytesRead);
    }

    [Fact]
    public async Task Bodies_at_the_limit_are_read()
    {
        using var host = Host(resilience: true);
        var padded = LongLived[..^1] + ",\"pad\":\"" + new string('x', Limit - LongLived.Length - 10) + "\"}";
        Assert.True(Encoding.UTF8.GetByteCount(padded) <= Limit);
        host.On(HttpMethod.Post, "oauth/access_token", padded);

        var token = await host.Client.ExchangeForLongLivedTokenAsync(ShortLivedToken);

        Assert.Equal(LongLivedToken, token.AccessToken);
    }

    [Theory]
    [InlineData(true, HttpStatusCode.OK)]
    [InlineData(false, HttpStatusCode.OK)]
    [InlineData(true, HttpStatusCode.BadRequest)]
    [InlineData(false, HttpStatusCode.BadRequest)]
    [InlineData(true, HttpStatusCode.InternalServerError)]
    public async Task A_false_gzip_encoding_is_a_protocol_error_with_the_status(bool resilience, HttpStatusCode status)
    {
        using var host = Host(resilience);

        // What HttpClientHandler.AutomaticDecompression hands over for "Content-Encoding: gzip" on a plain body.
        host.On(HttpMethod.Post, "oauth/access_token", _ =>
        {
            var plain = new MemoryStream(Encoding.UTF8.GetBytes(status == HttpStatusCode.OK ? LongLived : Error(100)));
            var response = Streaming(status, new GZipStream(plain, CompressionMode.Decompress));
            response.Content.Headers.ContentEncoding.Add("gzip");
            return response;
        });

        var error = await Assert.ThrowsAsync<GraphProtocolException>(() => host.Client.ExchangeForLongLivedTokenAsync(ShortLivedToken));

        Assert.Equal(status, error.StatusCode);
        Assert.IsType<InvalidDataException>(error.InnerException);
    }
}
