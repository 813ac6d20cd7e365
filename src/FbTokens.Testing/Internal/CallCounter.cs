namespace FbTokens.Testing.Internal;

/// <summary>Calls per endpoint, faulted ones and batch operations included; lock-free.</summary>
internal sealed class CallCounter
{
    private readonly int[] _counts = new int[Enum.GetValues<GraphEndpoint>().Length];

    public void Increment(GraphEndpoint endpoint) => Interlocked.Increment(ref _counts[(int)endpoint]);

    public int Get(GraphEndpoint endpoint) => Volatile.Read(ref _counts[(int)endpoint]);

    public void Reset()
    {
        for (var i = 0; i < _counts.Length; i++)
        {
            Interlocked.Exchange(ref _counts[i], 0);
        }
    }
}
