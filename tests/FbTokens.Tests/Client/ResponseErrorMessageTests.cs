using System.IO.Compression;
using System.Net;
using System.Text;
using FbTokens.Tests.Framework;
using static FbTokens.Tests.Framework.GraphPayloads;

namespace FbTokens.Tests.Client;

/// <summary>
/// A response FbTokens cannot use is explained: the operation, the status, the content type, the size or the
/// setting that bounds it, in a fixed message without the body's text; a body cut short is a network failure with
/// the status.
/// </summary>
public sealed class ResponseErrorMessageTests
{
    private const int Limit = 2000;

    private static GraphTestHost Host(bool resilience = false) => new(o =>
    {
        o.Resilience.Enabled = resilience;
        o.Resilience.MaxRetryAttempts = 1;
        o.Limits.MaxErrorBodyBytes = Limit;
        o.Limits.MaxResponseBodyBytes = Limit;
    });

    private static HttpResponseMessage Bytes(HttpStatusCode status, byte[] body, string? mediaType, bool declareLength = true)
    {
        HttpContent content = declareLength ? new TrackingContent(body) : new StreamContent(new EndlessStream(cap: body.Length, prefix: body));
        if (mediaType is not null)
        {
            content.Headers.ContentType = new(mediaType);
        }

        return new HttpResponseMessage(status) { Content = content };
    }

    [Theory]
    [InlineData("text/html", "text/html")]
    [InlineData(null, "no content type")]
    public async Task An_error_body_that_is_not_Graph_s_envelope_is_described_by_status_type_and_size(string? mediaType, string described)
    {
        using var host = Host();
        host.On(HttpMethod.Post, "oauth/access_token", _ => Bytes(HttpStatusCode.BadGateway, "<html>proxy error</html>"u8.ToArray(), mediaType));

        var error = await Assert.ThrowsAsync<GraphProtocolException>(() => host.Client.GetAppAccessTokenAsync());

        Assert.Equal(HttpStatusCode.BadGateway, error.StatusCode);
        Assert.Equal($"Graph answered GetAppAccessToken with HTTP 502 and a body that is not its error envelope (HTTP 502, {described}, 24 bytes).", error.Message);
    }

    [Fact]
    public async Task An_empty_error_body_is_not_an_envelope()
    {
        using var host = Host();
        host.On(HttpMethod.Post, "oauth/access_token", _ => Bytes(HttpStatusCode.ServiceUnavailable, [], "application/json"));

        var error = await Assert.ThrowsAsync<GraphProtocolException>(() => host.Client.GetAppAccessTokenAsync());

        Assert.Equal("Graph answered GetAppAccessToken with HTTP 503 and a body that is not its error envelope (HTTP 503, application/json, 0 bytes).", error.Message);
    }

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public async Task An_error_body_of_exactly_the_limit_is_read_with_or_without_a_declared_length(bool declareLength)
    {
        using var host = Host();
        var envelope = Error(190, 463);
        var padded = envelope[..^1] + ",\"pad\":\"" + new string('x', Limit - envelope.Length - 9) + "\"}";
        Assert.Equal(Limit, Encoding.UTF8.GetByteCount(padded));
        host.On(HttpMethod.Post, "oauth/access_token", _ => Bytes(HttpStatusCode.BadRequest, Encoding.UTF8.GetBytes(padded), "application/json", declareLength));

        var error = await Assert.ThrowsAnyAsync<GraphApiException>(() => host.Client.GetAppAccessTokenAsync());

        Assert.Equal(190, error.Code);
    }

    [Theory]
    [InlineData(HttpStatusCode.BadRequest, true, "Graph's GetAppAccessToken error response (HTTP 400) declares 2001 bytes, past the limit of 2000 bytes (FbTokens:Limits:MaxErrorBodyBytes).")]
    [InlineData(HttpStatusCode.BadRequest, false, "Graph's GetAppAccessToken error response (HTTP 400) is longer, past the limit of 2000 bytes (FbTokens:Limits:MaxErrorBodyBytes).")]
    [InlineData(HttpStatusCode.OK, true, "Graph's GetAppAccessToken response (HTTP 200) declares 2001 bytes, past the limit of 2000 bytes (FbTokens:Limits:MaxResponseBodyBytes).")]
    [InlineData(HttpStatusCode.OK, false, "Graph's GetAppAccessToken response (HTTP 200) is longer, past the limit of 2000 bytes (FbTokens:Limits:MaxResponseBodyBytes).")]
    public async Task A_body_one_byte_past_the_limit_names_the_setting(HttpStatusCode status, bool declareLength, string message)
    {
        using var host = Host();
        var body = Encoding.UTF8.GetBytes("{\"pad\":\"" + new string('x', Limit + 1 - 10) + "\"}");
        Assert.Equal(Limit + 1, body.Length);
        host.On(HttpMethod.Post, "oauth/access_token", _ => Bytes(status, body, "application/json", declareLength));

        var error = await Assert.ThrowsAsync<GraphProtocolException>(() => host.Client.GetAppAccessTokenAsync());

        Assert.Equal(status, error.StatusCode);
        Assert.Equal(message, error.Message);
    }

    [Fact]
    public async Task An_endless_error_body_costs_exactly_one_byte_past_the_limit()
    {
        // A limit that is not a multiple of the reader's first buffer, so that the buffer grows past it.
        const int limit = 20_000;
        using var host = new GraphTestHost(o =>
        {
            o.Resilience.Enabled = false;
            o.Limits.MaxErrorBodyBytes = limit;
        });
        var body = new EndlessStream(prefix: "{\"error\":{\"message\":\""u8.ToArray());
        host.On(HttpMethod.Post, "oauth/access_token", _ => new HttpResponseMessage(HttpStatusCode.BadRequest) { Content = new StreamContent(body) });

        var error = await Assert.ThrowsAsync<GraphProtocolException>(() => host.Client.GetAppAccessTokenAsync());

        Assert.Equal("Graph's GetAppAccessToken error response (HTTP 400) is longer, past the limit of 20000 bytes (FbTokens:Limits:MaxErrorBodyBytes).", error.Message);
        Assert.Equal(limit + 1, body.BytesRead);
    }

    [Theory]
    [InlineData(HttpStatusCode.OK, "gzip", "Graph's GetAppAccessToken response (HTTP 200) does not decode: its body does not match its Content-Encoding (gzip).")]
    [InlineData(HttpStatusCode.BadRequest, null, "Graph's GetAppAccessToken error response (HTTP 400) does not decode: its body does not match its Content-Encoding (none).")]
    public async Task A_body_that_does_not_decode_names_its_encoding(HttpStatusCode status, string? encoding, string message)
    {
        using var host = Host();
        host.On(HttpMethod.Post, "oauth/access_token", _ =>
        {
            // What automatic decompression hands over; it may have removed the Content-Encoding header by then.
            var response = new HttpResponseMessage(status) { Content = new StreamContent(new GZipStream(new MemoryStream("{}"u8.ToArray()), CompressionMode.Decompress)) };
            if (encoding is not null)
            {
                response.Content.Headers.ContentEncoding.Add(encoding);
            }

            return response;
        });

        var error = await Assert.ThrowsAsync<GraphProtocolException>(() => host.Client.GetAppAccessTokenAsync());

        Assert.Equal(message, error.Message);
        Assert.IsType<InvalidDataException>(error.InnerException);
    }

    [Fact]
    public async Task A_Brotli_body_that_does_not_decode_is_a_protocol_error_too()
    {
        using var host = Host();
        host.On(HttpMethod.Post, "oauth/access_token", _ => new HttpResponseMessage(HttpStatusCode.OK)
        {
            Content = new StreamContent(new BrotliStream(new MemoryStream(Encoding.UTF8.GetBytes(new string('{', 64))), CompressionMode.Decompress)),
        });

        var error = await Assert.ThrowsAsync<GraphProtocolException>(() => host.Client.GetAppAccessTokenAsync());

        Assert.Equal(HttpStatusCode.OK, error.StatusCode);
        Assert.IsType<InvalidOperationException>(error.InnerException);
    }

    [Fact]
    public async Task An_InvalidOperationException_from_elsewhere_is_not_taken_for_a_decode_failure()
    {
        using var host = Host();
        host.On(HttpMethod.Post, "oauth/access_token", _ => new HttpResponseMessage(HttpStatusCode.OK) { Content = new StreamContent(new BreakingStream(new InvalidOperationException("handler bug"))) });

        var error = await Assert.ThrowsAsync<InvalidOperationException>(() => host.Client.GetAppAccessTokenAsync());

        Assert.Equal("handler bug", error.Message);
    }

    [Fact]
    public async Task A_success_body_without_a_required_field_or_with_a_JSON_null_is_described()
    {
        using var host = Host();
        var calls = 0;
        host.On(HttpMethod.Post, "oauth/access_token", _ => ++calls == 1
            ? GraphTestHost.Json("""{"token_type":"bearer"}""")
            : GraphTestHost.Json("null"));

        var missing = await Assert.ThrowsAsync<GraphProtocolException>(() => host.Client.GetAppAccessTokenAsync());
        var isNull = await Assert.ThrowsAsync<GraphProtocolException>(() => host.Client.GetAppAccessTokenAsync());

        Assert.Equal("Graph's GetAppAccessToken response lacks the required field 'access_token' (HTTP 200, application/json).", missing.Message);
        Assert.Equal("Graph answered GetAppAccessToken with a JSON null instead of an object.", isNull.Message);
    }

    [Fact]
    public async Task A_success_body_that_is_not_JSON_is_described_by_status_and_type()
    {
        using var host = Host();
        host.On(HttpMethod.Post, "oauth/access_token", _ => Bytes(HttpStatusCode.OK, "<html>login</html>"u8.ToArray(), "text/html"));

        var error = await Assert.ThrowsAsync<GraphProtocolException>(() => host.Client.GetAppAccessTokenAsync());

        Assert.StartsWith("Graph's GetAppAccessToken response is not the JSON Graph sends (HTTP 200, text/html): ", error.Message, StringComparison.Ordinal);
        Assert.IsAssignableFrom<System.Text.Json.JsonException>(error.InnerException);
    }

    [Theory]
    [InlineData(HttpStatusCode.ServiceUnavailable, false, "Graph's GetAppAccessToken error response (HTTP 503) ended before it was complete.")]
    [InlineData(HttpStatusCode.ServiceUnavailable, true, "Graph's GetAppAccessToken error response (HTTP 503) ended before it was complete.")]
    [InlineData(HttpStatusCode.OK, false, "Graph's GetAppAccessToken response (HTTP 200) ended before it was complete.")]
    [InlineData(HttpStatusCode.OK, true, "Graph's GetAppAccessToken response (HTTP 200) ended before it was complete.")]
    public async Task A_body_cut_short_is_a_network_failure_with_the_status(HttpStatusCode status, bool resilience, string message)
    {
        using var host = Host(resilience);
        host.On(HttpMethod.Post, "oauth/access_token", _ => new HttpResponseMessage(status) { Content = new StreamContent(new BreakingStream(new IOException("connection reset"))) });

        var error = await Assert.ThrowsAsync<HttpRequestException>(() => host.Client.GetAppAccessTokenAsync());

        Assert.Equal(HttpRequestError.ResponseEnded, error.HttpRequestError);
        Assert.Equal(status, error.StatusCode);
        Assert.Equal(message, error.Message);
        Assert.IsType<IOException>(error.InnerException);
    }

    [Theory]
    [InlineData(HttpStatusCode.OK)]
    [InlineData(HttpStatusCode.BadRequest)]
    public async Task The_content_a_body_was_read_from_is_released(HttpStatusCode status)
    {
        using var host = Host();
        var contents = new List<TrackingContent>();
        host.On(HttpMethod.Post, "oauth/access_token", _ =>
        {
            var response = Bytes(status, Encoding.UTF8.GetBytes(status == HttpStatusCode.OK ? AppToken : Error(190)), "application/json");
            contents.Add((TrackingContent)response.Content);
            return response;
        });

        await Record.ExceptionAsync(() => host.Client.GetAppAccessTokenAsync());

        Assert.True(Assert.Single(contents).Disposed);
    }

    private sealed class TrackingContent(byte[] body) : ByteArrayContent(body)
    {
        public bool Disposed { get; private set; }

        protected override void Dispose(bool disposing)
        {
            Disposed = true;
            base.Dispose(disposing);
        }
    }

    /// <summary>A body that sends a few bytes, then fails as a broken connection (or a buggy handler) does.</summary>
    private sealed class BreakingStream(Exception failure) : Stream
    {
        private bool _sent;

        public override bool CanRead => true;

        public override bool CanSeek => false;

        public override bool CanWrite => false;

        public override long Length => throw new NotSupportedException();

        public override long Position { get => throw new NotSupportedException(); set => throw new NotSupportedException(); }

        public override int Read(byte[] buffer, int offset, int count) => Read(buffer.AsSpan(offset, count));

        public override int Read(Span<byte> buffer)
        {
            if (_sent)
            {
                throw failure;
            }

            _sent = true;
            buffer[0] = (byte)'{';
            return 1;
        }

        public override ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default) => ValueTask.FromResult(Read(buffer.Span));

        public override Task<int> ReadAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken) => Task.FromResult(Read(buffer, offset, count));

        public override void Flush()
        {
        }

        public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();

        public override void SetLength(long value) => throw new NotSupportedException();

        public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();
    }
}
