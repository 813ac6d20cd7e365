using System.Collections.Concurrent;
using System.Globalization;
using System.IO.Compression;
using System.Net;
using System.Text;

namespace FbTokens.Tests.Fuzz;

/// <summary>
/// The fake Graph behind the fuzzed client: answers every request of the odd call with <see cref="Odd"/>, then every
/// later request with <see cref="Normal"/>. It checks each request the client sends (only to the Graph host, no
/// credential the client did not set itself), stops a call that sends more than <see cref="MaxOddRequests"/> requests
/// (a paging loop), stops reading an endless body at <see cref="EndlessCap"/> bytes, tracks whether every response
/// it gave was disposed, and decompresses <c>Content-Encoding: gzip|deflate|br</c> bodies as
/// <see cref="SocketsHttpHandler"/> does when the host turns automatic decompression on.
/// </summary>
internal sealed class FuzzGraphHandler : HttpMessageHandler
{
    public const int MaxOddRequests = 150;
    public const long EndlessCap = 20L * 1024 * 1024;

    private int _oddRequests;
    private long _endlessBytes;
    private int _undisposed;

    /// <summary>The values the client may legitimately send as a credential (its own tokens, proofs, app token, secret).</summary>
    public required IReadOnlySet<string> OwnCredentials { get; init; }

    public FuzzInput? Odd { get; set; }

    public Func<HttpResponseMessage>? Normal { get; set; }

    /// <summary>Cancelled when the client breaks a bound the handler watches (too many requests).</summary>
    public CancellationTokenSource? Caller { get; set; }

    public ConcurrentQueue<string> Violations { get; } = new();

    public int OddRequests => Volatile.Read(ref _oddRequests);

    public long EndlessBytesRead => Interlocked.Read(ref _endlessBytes);

    /// <summary>Responses handed out and not disposed yet.</summary>
    public int Undisposed => Volatile.Read(ref _undisposed);

    protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
    {
        var form = request.Content is null ? string.Empty : await request.Content.ReadAsStringAsync(cancellationToken);
        CheckRequest(request, form);
        if (Odd is not { } odd)
        {
            return Track(Normal!(), request);
        }

        var n = Interlocked.Increment(ref _oddRequests);
        if (n > MaxOddRequests)
        {
            Violations.Enqueue($"the client sent more than {MaxOddRequests} requests for one operation (a paging or retry loop)");
            await Caller!.CancelAsync();
            throw new OperationCanceledException("stopped by the fuzz handler", Caller.Token);
        }

        switch (odd.Transport)
        {
            case FuzzInput.UriInMessage:
                throw new HttpRequestException($"The proxy refused {request.Method} {request.RequestUri} (502 Bad Gateway).", null, HttpStatusCode.BadGateway);
            case FuzzInput.ResponseEnded:
                throw new HttpRequestException(HttpRequestError.ResponseEnded, "The response ended prematurely.", new IOException("Unexpected end of stream."));
        }

        Stream body = odd.Body.Kind switch
        {
            FuzzBodyKind.Text => new MemoryStream(Encoding.UTF8.GetBytes(odd.Body.Text!.Replace(FuzzInput.RequestNumber, n.ToString(CultureInfo.InvariantCulture), StringComparison.Ordinal)), writable: false),
            FuzzBodyKind.Raw => new MemoryStream(odd.Body.Bytes!, writable: false),
            _ => new EndlessStream(Encoding.UTF8.GetBytes(odd.Body.Text!), Encoding.UTF8.GetBytes(odd.Body.Chunk!), this),
        };

        var response = new HttpResponseMessage((HttpStatusCode)odd.Status);
        var headers = new List<KeyValuePair<string, string>>();
        foreach (var (name, value) in odd.Headers)
        {
            if (IsContentHeader(name))
            {
                headers.Add(new(name, value));
            }
            else
            {
                response.Headers.TryAddWithoutValidation(name, value);
            }
        }

        // SocketsHttpHandler with AutomaticDecompression: the last Content-Encoding decides; the header is removed.
        var encoding = headers.LastOrDefault(h => h.Key.Equals("Content-Encoding", StringComparison.OrdinalIgnoreCase)).Value?.Split(',').Last().Trim();
        Stream? decoded = encoding?.ToUpperInvariant() switch
        {
            "GZIP" => new GZipStream(body, CompressionMode.Decompress),
            "DEFLATE" => new ZLibStream(body, CompressionMode.Decompress),
            "BR" => new BrotliStream(body, CompressionMode.Decompress),
            _ => null,
        };
        var content = new TrackedContent(decoded ?? body, this);
        foreach (var (name, value) in headers)
        {
            if (decoded is null || !name.Equals("Content-Encoding", StringComparison.OrdinalIgnoreCase))
            {
                content.Headers.TryAddWithoutValidation(name, value);
            }
        }

        response.Content = content;
        response.RequestMessage = request;
        return response;
    }

    private HttpResponseMessage Track(HttpResponseMessage response, HttpRequestMessage request)
    {
        var inner = response.Content;
        var content = new TrackedContent(inner.ReadAsStream(), this);
        foreach (var header in inner.Headers)
        {
            content.Headers.TryAddWithoutValidation(header.Key, header.Value);
        }

        response.Content = content;
        response.RequestMessage = request;
        return response;
    }

    private static bool IsContentHeader(string name) =>
        name.StartsWith("Content-", StringComparison.OrdinalIgnoreCase) || name.Equals("Expires", StringComparison.OrdinalIgnoreCase)
        || name.Equals("Last-Modified", StringComparison.OrdinalIgnoreCase) || name.Equals("Allow", StringComparison.OrdinalIgnoreCase);

    /// <summary>Only Graph's host, over https, without user-info; a credential only with a value the client owns, once.</summary>
    private void CheckRequest(HttpRequestMessage request, string form)
    {
        var uri = request.RequestUri!;
        if (uri.Scheme != Uri.UriSchemeHttps || !uri.IdnHost.Equals("graph.facebook.com", StringComparison.OrdinalIgnoreCase) || uri.Port != 443 || uri.UserInfo.Length > 0)
        {
            Violations.Enqueue("a request went to " + uri.GetLeftPart(UriPartial.Authority) + ", not to Graph");
        }

        var seen = new Dictionary<string, int>(StringComparer.Ordinal);
        foreach (var part in uri.Query.TrimStart('?').Split('&', StringSplitOptions.RemoveEmptyEntries).Concat(form.Split('&', StringSplitOptions.RemoveEmptyEntries)))
        {
            var eq = part.IndexOf('=', StringComparison.Ordinal);
            var name = CredentialName(eq < 0 ? part : part[..eq]);
            if (name is null)
            {
                continue;
            }

            var value = Decode(eq < 0 ? string.Empty : part[(eq + 1)..]);
            seen[name] = seen.GetValueOrDefault(name) + 1;
            if (!OwnCredentials.Contains(value))
            {
                Violations.Enqueue($"a request forwarded a credential the client did not set: '{Decode(eq < 0 ? part : part[..eq])}={FuzzInput.Shorten(value, 40)}' (raw '{FuzzInput.Shorten(part, 60)}')");
            }
        }

        foreach (var (name, count) in seen)
        {
            if (count > 1)
            {
                Violations.Enqueue($"a request carried '{name}' {count.ToString(CultureInfo.InvariantCulture)} times");
            }
        }
    }

    /// <summary>The credential a parameter name means to a lenient server (any case, any percent-encoding, <c>[]</c> suffix), or null.</summary>
    private static string? CredentialName(string raw)
    {
        var name = Decode(raw).Trim().ToLowerInvariant();
        var bracket = name.IndexOf('[', StringComparison.Ordinal);
        name = bracket >= 0 ? name[..bracket] : name;
        return name is "access_token" or "appsecret_proof" or "client_secret" or "fb_exchange_token" or "input_token" ? name : null;
    }

    /// <summary>Form/query decoding, repeated until stable so that double-encoded names are seen too.</summary>
    private static string Decode(string value)
    {
        var current = value.Replace('+', ' ');
        for (var i = 0; i < 4; i++)
        {
            var next = Uri.UnescapeDataString(current);
            if (next == current)
            {
                break;
            }

            current = next;
        }

        return current;
    }

    /// <summary>Content whose disposal is counted, so that a response the client never disposes is seen.</summary>
    private sealed class TrackedContent : StreamContent
    {
        private readonly FuzzGraphHandler _owner;
        private int _disposed;

        public TrackedContent(Stream stream, FuzzGraphHandler owner)
            : base(stream)
        {
            _owner = owner;
            Interlocked.Increment(ref owner._undisposed);
        }

        protected override void Dispose(bool disposing)
        {
            if (Interlocked.Exchange(ref _disposed, 1) == 0)
            {
                Interlocked.Decrement(ref _owner._undisposed);
            }

            base.Dispose(disposing);
        }
    }

    /// <summary>A prefix, then a chunk forever: an endless body made as it is read, never stored. Ends at <see cref="EndlessCap"/>.</summary>
    private sealed class EndlessStream(byte[] prefix, byte[] chunk, FuzzGraphHandler owner) : Stream
    {
        // The chunk repeated to at least 64 KiB, so that a read copies blocks rather than single bytes.
        private readonly byte[] _block = Enumerable.Repeat(chunk, Math.Max(1, 65536 / Math.Max(1, chunk.Length))).SelectMany(c => c).ToArray();
        private long _position;

        public override bool CanRead => true;

        public override bool CanSeek => false;

        public override bool CanWrite => false;

        public override long Length => throw new NotSupportedException();

        public override long Position { get => _position; set => throw new NotSupportedException(); }

        public override int Read(byte[] buffer, int offset, int count) => Read(buffer.AsSpan(offset, count));

        public override int Read(Span<byte> buffer)
        {
            if (_position >= EndlessCap)
            {
                return 0;
            }

            var written = 0;
            while (written < buffer.Length && _position < EndlessCap)
            {
                var source = _position < prefix.Length
                    ? prefix.AsSpan((int)_position)
                    : _block.AsSpan((int)((_position - prefix.Length) % _block.Length));
                var n = (int)Math.Min(Math.Min(source.Length, buffer.Length - written), EndlessCap - _position);
                source[..n].CopyTo(buffer[written..]);
                written += n;
                _position += n;
            }

            Interlocked.Add(ref owner._endlessBytes, written);
            return written;
        }

        public override Task<int> ReadAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken) =>
            Task.FromResult(Read(buffer.AsSpan(offset, count)));

        public override ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default)
        {
            cancellationToken.ThrowIfCancellationRequested();
            return ValueTask.FromResult(Read(buffer.Span));
        }

        public override void Flush()
        {
        }

        public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();

        public override void SetLength(long value) => throw new NotSupportedException();

        public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();
    }
}
