namespace FbTokens.Tests.Framework;

/// <summary>
/// A response body that produces bytes lazily — a repeated <paramref name="fill"/> after an optional prefix — up to
/// <paramref name="cap"/> bytes, and counts what was read. The cap keeps a test that fails from running for ever:
/// a reader without a bound reads it all.
/// </summary>
internal sealed class EndlessStream(byte fill = (byte)' ', long cap = 64L * 1024 * 1024, byte[]? prefix = null) : Stream
{
    private readonly byte[] _prefix = prefix ?? [];
    private long _read;

    /// <summary>How many bytes the reader took.</summary>
    public long BytesRead => Interlocked.Read(ref _read);

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

    public override int Read(Span<byte> buffer)
    {
        var position = BytesRead;
        var n = (int)Math.Min(buffer.Length, cap - position);
        for (var i = 0; i < n; i++)
        {
            var at = position + i;
            buffer[i] = at < _prefix.Length ? _prefix[at] : fill;
        }

        Interlocked.Add(ref _read, n);
        return n;
    }

    public override Task<int> ReadAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken) =>
        Task.FromResult(Read(buffer.AsSpan(offset, count)));

    public override ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default) =>
        ValueTask.FromResult(Read(buffer.Span));

    public override void Flush()
    {
    }

    public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();

    public override void SetLength(long value) => throw new NotSupportedException();

    public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();
}
