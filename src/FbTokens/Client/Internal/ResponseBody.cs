using System.Buffers;
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

    /// <summary>
    /// The success body, read whole into a buffer rented from <see cref="ArrayPool{T}.Shared"/> within
    /// <see cref="GraphResponseLimits.MaxResponseBodyBytes"/>; the caller parses it synchronously and disposes it, which
    /// clears the bytes (they hold tokens) and returns the buffer.
    /// </summary>
    /// <remarks>
    /// Read whole rather than parsed as it streams: System.Text.Json's synchronous parse of a complete buffer is much
    /// cheaper than its resumable parse of a stream (a 100-page <c>/accounts</c> body arrives in several reads over a
    /// socket, and each read re-enters every converter), and it needs no async state machines per call. Memory stays
    /// bounded: a declared <c>Content-Length</c> past the limit ends the call before reading, and reading stops one
    /// byte past the limit. Either way the read happens within the HTTP attempt, under its timeout.
    /// </remarks>
    /// <exception cref="GraphProtocolException">The body is past the limit.</exception>
    /// <exception cref="IOException">The connection broke while the body arrived.</exception>
    public static async ValueTask<PooledBody> ReadSuccessAsync(HttpResponseMessage response, GraphRequest request, CancellationToken cancellationToken)
    {
        var limit = LimitsOf(request).MaxResponseBodyBytes;
        var declared = response.Content.Headers.ContentLength;
        if (declared is { } length && length > limit)
        {
            throw TooLarge(response, request, string.Empty, "MaxResponseBodyBytes", limit, declared);
        }

        // One byte past the limit tells "exactly the limit" from "more"; one past the declared length saves a last
        // resize just to read the end of the stream.
        var cap = (int)Math.Min((long)limit + 1, Array.MaxLength);
        var body = new PooledBody(declared is { } d ? (int)Math.Min(d + 1, cap) : Math.Min(16 * 1024, cap), cap);
        try
        {
            var stream = await response.Content.ReadAsStreamAsync(cancellationToken).ConfigureAwait(false);
            await using (stream.ConfigureAwait(false))
            {
                while (true)
                {
                    if (body.Free.Length == 0)
                    {
                        if (body.Length >= cap)
                        {
                            throw TooLarge(response, request, string.Empty, "MaxResponseBodyBytes", limit, null);
                        }

                        body.Grow((int)Math.Min((long)body.Length * 2, cap));
                    }

                    var read = await stream.ReadAsync(body.Free, cancellationToken).ConfigureAwait(false);
                    if (read == 0)
                    {
                        return body;
                    }

                    body.Length += read;
                }
            }
        }
        catch
        {
            body.Dispose();
            throw;
        }
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
/// A response body in a buffer rented from <see cref="ArrayPool{T}.Shared"/> (see <see cref="ResponseBody.ReadSuccessAsync"/>).
/// Dispose clears the bytes read, since they hold tokens, and returns the buffer; a second dispose does nothing.
/// </summary>
internal sealed class PooledBody : IDisposable
{
    private readonly ArrayPool<byte> _pool;
    private readonly int _cap;
    private byte[]? _buffer;

    /// <summary>A buffer of at least <paramref name="size"/> bytes, never holding more than <paramref name="cap"/>; from <paramref name="pool"/> (tests) or the shared pool.</summary>
    public PooledBody(int size, int cap, ArrayPool<byte>? pool = null)
    {
        _pool = pool ?? ArrayPool<byte>.Shared;
        _cap = cap;
        _buffer = _pool.Rent(size);
    }

    /// <summary>How many bytes were read.</summary>
    public int Length { get; set; }

    /// <summary>The bytes read.</summary>
    public ReadOnlySpan<byte> Span => Buffer.AsSpan(0, Length);

    /// <summary>The room left in the buffer (a rented buffer can be longer than asked for), up to the cap.</summary>
    public Memory<byte> Free => Buffer.AsMemory(Length, Math.Min(Buffer.Length, _cap) - Length);

    private byte[] Buffer => _buffer ?? throw new ObjectDisposedException(nameof(PooledBody));

    /// <summary>Moves the bytes read to a buffer of at least <paramref name="size"/> bytes.</summary>
    public void Grow(int size)
    {
        var old = Buffer;
        var larger = _pool.Rent(size);
        old.AsSpan(0, Length).CopyTo(larger);
        _buffer = larger;
        Release(old, Length);
    }

    public void Dispose()
    {
        if (_buffer is { } buffer)
        {
            _buffer = null;
            Release(buffer, Length);
        }
    }

    private void Release(byte[] buffer, int used)
    {
        buffer.AsSpan(0, used).Clear();
        _pool.Return(buffer);
    }
}
