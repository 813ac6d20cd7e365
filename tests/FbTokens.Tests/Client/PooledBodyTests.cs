using System.Buffers;
using System.Text;
using FbTokens.Internal;

namespace FbTokens.Tests.Client;

/// <summary>Success bodies are read into pooled buffers; the tokens they hold must not outlive the call in the pool.</summary>
public sealed class PooledBodyTests
{
    [Fact]
    public void Every_buffer_goes_back_to_the_pool_cleared_and_the_bytes_survive_growing()
    {
        var pool = new RecordingPool();
        var secret = Encoding.UTF8.GetBytes("EAAGm0PX4ZCpsBA-a-token-in-a-body");
        var body = new PooledBody(size: 16, cap: 1024, pool);

        // Fill the first buffer, grow, and read on into the larger one.
        var first = body.Free.Length;
        for (var i = 0; i < first; i++)
        {
            body.Free.Span[0] = secret[body.Length % secret.Length];
            body.Length++;
        }

        body.Grow(first * 4);
        secret.CopyTo(body.Free);
        body.Length += secret.Length;
        var expected = Enumerable.Range(0, first).Select(i => secret[i % secret.Length]).Concat(secret).ToArray();
        Assert.Equal(expected, body.Span.ToArray());

        var length = body.Length;
        body.Dispose();
        body.Dispose();

        Assert.Equal(2, pool.Rented.Count);
        Assert.Equal(pool.Rented, pool.Returned);
        Assert.All(pool.Returned[0].Take(first), b => Assert.Equal(0, b));
        Assert.All(pool.Returned[1].Take(length), b => Assert.Equal(0, b));
        Assert.Throws<ObjectDisposedException>(() => body.Span.Length);
    }

    [Fact]
    public void The_room_never_reaches_past_the_cap_even_in_a_longer_rented_buffer()
    {
        var pool = new RecordingPool(extra: 100);
        using var body = new PooledBody(size: 10, cap: 20, pool);

        Assert.Equal(20, body.Free.Length);
        body.Length = 15;
        Assert.Equal(5, body.Free.Length);
    }

    private sealed class RecordingPool(int extra = 0) : ArrayPool<byte>
    {
        public List<byte[]> Rented { get; } = [];

        public List<byte[]> Returned { get; } = [];

        public override byte[] Rent(int minimumLength)
        {
            // Dirty, as a pooled buffer may be.
            var buffer = Enumerable.Repeat((byte)0xAA, minimumLength + extra).ToArray();
            Rented.Add(buffer);
            return buffer;
        }

        public override void Return(byte[] array, bool clearArray = false) => Returned.Add(array);
    }
}
