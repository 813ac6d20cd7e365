namespace FbTokens.Internal;

/// <summary>
/// Cancels the lifecycle's shared work (refresh flights, app-token fetches, re-login notices), which never runs on a
/// caller's token, when the container that owns the parts is disposed.
/// </summary>
internal sealed class LifecycleStopping : IDisposable
{
    private readonly CancellationTokenSource _source = new();
    private int _disposed;

    /// <summary>Cancelled when the container is disposed.</summary>
    public CancellationToken Token => _source.Token;

    public void Dispose()
    {
        if (Interlocked.Exchange(ref _disposed, 1) == 0)
        {
            _source.Cancel();
            _source.Dispose();
        }
    }
}
