using System.Globalization;

namespace FbTokens.Internal;

/// <summary>
/// Reads response bodies within <see cref="GraphResponseLimits"/>: a declared <c>Content-Length</c> past the limit
/// ends the call before reading, and bytes are counted as they stream, so an endless body costs at most the limit.
/// A body that does not decode (a false <c>Content-Encoding</c> under automatic decompression) is a protocol error.
/// </summary>
internal static class ResponseBody
{
    private static readonly GraphResponseLimits DefaultLimits = new();

    /// <summary>The limits of <paramref name="request"/>, or the defaults for a message FbTokens did not build.</summary>
    public static GraphResponseLimits LimitsOf(GraphRequest? request) => request?.Limits ?? DefaultLimits;

    /// <summary>
    /// The error body, read at most once and within <see cref="GraphResponseLimits.MaxErrorBodyBytes"/>: the first read
    /// replaces the response's content with the bytes read (or with the failure), so the attempt handler (which reads it
    /// within the attempt), the retry policy and the response reader share one read.
    /// </summary>
    /// <exception cref="GraphProtocolException">The body is past the limit, or does not decode.</exception>
    /// <exception cref="IOException">The connection broke while the body arrived.</exception>
    public static async Task<byte[]> ReadErrorAsync(HttpResponseMessage response, GraphRequest? request, CancellationToken cancellationToken)
    {
        if (response.Content is BufferedErrorContent buffered)
        {
            return buffered.Failure is { } failure ? throw failure : buffered.Body;
        }

        var limit = LimitsOf(request).MaxErrorBodyBytes;
        var original = response.Content;
        if (original.Headers.ContentLength is { } declared && declared > limit)
        {
            throw Keep(response, TooLarge(response, request, "error ", "MaxErrorBodyBytes", limit, declared));
        }

        byte[] body;
        try
        {
            var stream = await original.ReadAsStreamAsync(cancellationToken).ConfigureAwait(false);
            await using (stream.ConfigureAwait(false))
            {
                body = await ReadBoundedAsync(stream, limit, original.Headers.ContentLength, cancellationToken).ConfigureAwait(false)
                    ?? throw Keep(response, TooLarge(response, request, "error ", "MaxErrorBodyBytes", limit, null));
            }
        }
        catch (Exception ex) when (IsDecodeFailure(ex))
        {
            throw Keep(response, Undecodable(response, request, "error ", ex));
        }

        Keep(response, body);
        return body;
    }

    /// <summary>A read-only view of <paramref name="stream"/> that fails past <see cref="GraphResponseLimits.MaxResponseBodyBytes"/>.</summary>
    /// <exception cref="GraphProtocolException">The declared <c>Content-Length</c> is past the limit.</exception>
    public static Stream Bound(Stream stream, HttpResponseMessage response, GraphRequest request)
    {
        var limit = LimitsOf(request).MaxResponseBodyBytes;
        return response.Content.Headers.ContentLength is { } declared && declared > limit
            ? throw TooLarge(response, request, string.Empty, "MaxResponseBodyBytes", limit, declared)
            : new BoundedReadStream(stream, limit);
    }

    /// <summary>The error for a body past its limit, with the response's status and trace id.</summary>
    public static GraphProtocolException TooLarge(HttpResponseMessage response, GraphRequest? request, string kind, string setting, int limit, long? declared)
    {
        var operation = request?.Operation ?? "request";
        var size = declared is { } d ? string.Create(CultureInfo.InvariantCulture, $"declares {d} bytes") : "is longer";
        return new GraphProtocolException(
            string.Create(CultureInfo.InvariantCulture,
                $"Graph's {operation} {kind}response (HTTP {(int)response.StatusCode}) {size}, past the limit of {limit} bytes (FbTokens:Limits:{setting})."),
            response.StatusCode,
            fbTraceId: GraphTraceId.Of(response, request?.Sensitive));
    }

    /// <summary>
    /// Whether <paramref name="ex"/> is a decompression stream refusing a body that does not match its Content-Encoding:
    /// gzip and deflate throw <see cref="InvalidDataException"/>, Brotli an <see cref="InvalidOperationException"/>. The
    /// handler has removed the Content-Encoding header by then, so the thrower, not the header, tells.
    /// </summary>
    public static bool IsDecodeFailure(Exception ex) =>
        ex is InvalidDataException
        || (ex is InvalidOperationException && ex.Source is { } source && source.StartsWith("System.IO.Compression", StringComparison.Ordinal));

    /// <summary>The error for a body that does not decode, with the response's status and trace id.</summary>
    public static GraphProtocolException Undecodable(HttpResponseMessage response, GraphRequest? request, string kind, Exception ex)
    {
        var operation = request?.Operation ?? "request";
        var encoding = response.Content.Headers.ContentEncoding.Count == 0 ? "none" : string.Join(", ", response.Content.Headers.ContentEncoding);
        return new GraphProtocolException(
            string.Create(CultureInfo.InvariantCulture,
                $"Graph's {operation} {kind}response (HTTP {(int)response.StatusCode}) does not decode: its body does not match its Content-Encoding ({encoding})."),
            response.StatusCode,
            ex,
            GraphTraceId.Of(response, request?.Sensitive));
    }

    /// <summary>Up to <paramref name="limit"/> bytes and the end of the stream; null when the stream holds more.</summary>
    private static async Task<byte[]?> ReadBoundedAsync(Stream stream, int limit, long? declared, CancellationToken cancellationToken)
    {
        // One byte past the limit tells "exactly the limit" from "more".
        var cap = (int)Math.Min((long)limit + 1, Array.MaxLength);
        // Stryker disable once Linq : the first buffer's size only decides how often it grows, never what is read
        var buffer = new byte[declared is { } d ? (int)Math.Min(d + 1, cap) : Math.Min(16 * 1024, cap)];
        var total = 0;
        while (true)
        {
            if (total == buffer.Length)
            {
                if (total >= cap)
                {
                    return null;
                }

                Array.Resize(ref buffer, (int)Math.Min((long)buffer.Length * 2, cap));
            }

            var read = await stream.ReadAsync(buffer.AsMemory(total), cancellationToken).ConfigureAwait(false);
            if (read == 0)
            {
                // Stryker disable once Conditional : handing back a full buffer itself only saves a copy
                return total == buffer.Length ? buffer : buffer[..total];
            }

            total += read;
        }
    }

    private static GraphProtocolException Keep(HttpResponseMessage response, GraphProtocolException failure)
    {
        Replace(response, new BufferedErrorContent([], failure));
        return failure;
    }

    private static void Keep(HttpResponseMessage response, byte[] body) => Replace(response, new BufferedErrorContent(body, null));

    private static void Replace(HttpResponseMessage response, BufferedErrorContent content)
    {
        var original = response.Content;
        foreach (var header in original.Headers.NonValidated)
        {
            if (!string.Equals(header.Key, "Content-Length", StringComparison.OrdinalIgnoreCase))
            {
                content.Headers.TryAddWithoutValidation(header.Key, header.Value);
            }
        }

        response.Content = content;
        original.Dispose();
    }

    /// <summary>An error body already read (or the reason it could not be), standing in for the response's content.</summary>
    private sealed class BufferedErrorContent(byte[] body, GraphProtocolException? failure) : ByteArrayContent(body)
    {
        public byte[] Body { get; } = body;

        public GraphProtocolException? Failure { get; } = failure;
    }
}

/// <summary>
/// A success body already parsed within the HTTP attempt (<see cref="GraphResponseReader.ReadWithinAttemptAsync"/>),
/// standing in for the response's content: the payload travels back through the resilience pipeline on the response
/// itself, not on the request. It has no bytes left to give.
/// </summary>
internal sealed class ParsedBodyContent : HttpContent
{
    private ParsedBodyContent(object payload, string? mediaType)
    {
        Payload = payload;
        MediaType = mediaType;
    }

    public object Payload { get; }

    /// <summary>The media type the original content declared, for error messages.</summary>
    public string? MediaType { get; }

    /// <summary>The payload parsed within the attempt, or null when the body was left unread.</summary>
    public static object? Of(HttpResponseMessage response) => (response.Content as ParsedBodyContent)?.Payload;

    /// <summary>The media type the response declared, whether or not its body was parsed.</summary>
    public static string? MediaTypeOf(HttpResponseMessage response) =>
        response.Content is ParsedBodyContent parsed ? parsed.MediaType : response.Content.Headers.ContentType?.MediaType;

    /// <summary>Puts <paramref name="payload"/> in place of the content it was read from, and releases that content.</summary>
    public static void Replace(HttpResponseMessage response, object payload)
    {
        var original = response.Content;
        response.Content = new ParsedBodyContent(payload, original.Headers.ContentType?.MediaType);
        original.Dispose();
    }

    protected override Task SerializeToStreamAsync(Stream stream, System.Net.TransportContext? context) => Task.CompletedTask;

    protected override bool TryComputeLength(out long length)
    {
        length = 0;
        return true;
    }
}

/// <summary>
/// A read-only view of a stream that throws <see cref="ResponseBodyTooLargeException"/> once more than a limit was
/// read. It does not own the stream: whoever opened the stream disposes it.
/// </summary>
internal sealed class BoundedReadStream(Stream inner, int limit) : Stream
{
    private long _read;

    public override bool CanRead => true;

    public override bool CanSeek => false;

    public override bool CanWrite => false;

    public override long Length => throw new NotSupportedException();

    public override long Position
    {
        get => throw new NotSupportedException();
        set => throw new NotSupportedException();
    }

    public override int Read(byte[] buffer, int offset, int count) => Read(buffer.AsSpan(offset, count));

    public override int Read(Span<byte> buffer) => Count(inner.Read(Window(buffer)));

    public override Task<int> ReadAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken) =>
        ReadAsync(buffer.AsMemory(offset, count), cancellationToken).AsTask();

    public override async ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default) =>
        Count(await inner.ReadAsync(Window(buffer), cancellationToken).ConfigureAwait(false));

    public override void Flush()
    {
    }

    public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();

    public override void SetLength(long value) => throw new NotSupportedException();

    public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();

    // Never asks for more than one byte past the limit: that byte is enough to know the body is too long.
    private Span<byte> Window(Span<byte> buffer) => buffer[..(int)Math.Min(buffer.Length, limit + 1L - _read)];

    private Memory<byte> Window(Memory<byte> buffer) => buffer[..(int)Math.Min(buffer.Length, limit + 1L - _read)];

    private int Count(int read)
    {
        _read += read;
        return _read > limit ? throw new ResponseBodyTooLargeException() : read;
    }
}

/// <summary>Thrown by <see cref="BoundedReadStream"/>; the response reader turns it into a <see cref="GraphProtocolException"/>.</summary>
internal sealed class ResponseBodyTooLargeException : Exception
{
    // Stryker disable once String : never shown; the reader turns it into a GraphProtocolException with its own message
    public ResponseBodyTooLargeException()
        : base("The response body is past its limit.")
    {
    }

    public ResponseBodyTooLargeException(string message)
        : base(message)
    {
    }

    public ResponseBodyTooLargeException(string message, Exception innerException)
        : base(message, innerException)
    {
    }
}
