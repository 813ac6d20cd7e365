using FbTokens.Internal;

namespace FbTokens.Tests.Client;

/// <summary>
/// <see cref="BoundedReadStream"/>: a read-only view that gives every byte up to its limit, fails one byte past it,
/// and never asks the stream beneath for more than that one byte past the limit — by every Read overload.
/// </summary>
public sealed class BoundedReadStreamTests
{
    private const int Limit = 100;

    public static TheoryData<string> Overloads() => ["span", "array", "memory-async", "array-async"];

    private static async Task<int> ReadAsync(Stream stream, byte[] buffer, string overload) => overload switch
    {
        "span" => stream.Read(buffer.AsSpan()),
        "array" => stream.Read(buffer, 0, buffer.Length),
        "memory-async" => await stream.ReadAsync(buffer.AsMemory()),
#pragma warning disable CA1835 // the array overload is the one under test
        _ => await stream.ReadAsync(buffer, 0, buffer.Length, CancellationToken.None),
#pragma warning restore CA1835
    };

    [Theory]
    [MemberData(nameof(Overloads))]
    public async Task A_body_of_exactly_the_limit_is_read_to_its_end(string overload)
    {
        var inner = new MemoryStream(new byte[Limit]);
        using var bounded = new BoundedReadStream(inner, Limit);
        var buffer = new byte[4 * Limit];

        var total = 0;
        int read;
        while ((read = await ReadAsync(bounded, buffer, overload)) > 0)
        {
            total += read;
        }

        Assert.Equal(Limit, total);
    }

    [Theory]
    [MemberData(nameof(Overloads))]
    public async Task A_longer_body_fails_and_the_stream_beneath_gives_at_most_one_byte_past_the_limit(string overload)
    {
        var inner = new MemoryStream(new byte[10 * Limit]);
        using var bounded = new BoundedReadStream(inner, Limit);
        var buffer = new byte[4 * Limit];

        await Assert.ThrowsAsync<ResponseBodyTooLargeException>(async () =>
        {
            while (await ReadAsync(bounded, buffer, overload) > 0)
            {
            }
        });

        Assert.Equal(Limit + 1, inner.Position);
    }

    [Theory]
    [MemberData(nameof(Overloads))]
    public async Task Small_reads_add_up_to_the_limit(string overload)
    {
        var inner = new MemoryStream(new byte[Limit + 1]);
        using var bounded = new BoundedReadStream(inner, Limit);
        var buffer = new byte[7];
        var total = 0;

        var error = await Record.ExceptionAsync(async () =>
        {
            int read;
            while ((read = await ReadAsync(bounded, buffer, overload)) > 0)
            {
                total += read;
            }
        });

        Assert.IsType<ResponseBodyTooLargeException>(error);
        Assert.InRange(total, Limit - buffer.Length + 1, Limit);
    }

    [Fact]
    public void It_is_read_only_and_not_seekable()
    {
        using var bounded = new BoundedReadStream(new MemoryStream(new byte[Limit]), Limit);

        Assert.True(bounded.CanRead);
        Assert.False(bounded.CanSeek);
        Assert.False(bounded.CanWrite);
        Assert.Throws<NotSupportedException>(() => bounded.Length);
        Assert.Throws<NotSupportedException>(() => bounded.Position);
        Assert.Throws<NotSupportedException>(() => bounded.Position = 0);
        Assert.Throws<NotSupportedException>(() => bounded.Seek(0, SeekOrigin.Begin));
        Assert.Throws<NotSupportedException>(() => bounded.SetLength(0));
        Assert.Throws<NotSupportedException>(() => bounded.Write([1], 0, 1));
    }
}
