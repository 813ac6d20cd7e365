namespace FbTokens.Internal;

/// <summary>
/// Cancels the lifecycle's shared work (refresh flights, app-token fetches, re-login notices), which never runs on a
/// caller's token, when the container that owns the parts is disposed.
/// </summary>
internal sealed class LifecycleStopping : IDisposable
{
    private readonly CancellationTokenSource _source = new();
    private int _disposed;
    private int _stopped;

    /// <summary>Cancelled when the container is disposed.</summary>
    public CancellationToken Token => _source.Token;

    /// <summary>Whether the container is being disposed: no new shared work should start.</summary>
    public bool IsStopping => Volatile.Read(ref _stopped) != 0;

    /// <summary>
    /// Cancels the shared work now, before the container disposes what it runs on: Polly's pipelines wait for executions
    /// still pending when they are disposed (up to 30 seconds), so a background refresh must end first.
    /// </summary>
    public void Stop()
    {
        if (Interlocked.CompareExchange(ref _stopped, 1, 0) == 0)
        {
            _source.Cancel();
        }
    }

    public void Dispose()
    {
        if (Interlocked.Exchange(ref _disposed, 1) == 0)
        {
            Stop();
            _source.Dispose();
        }
    }
}

/// <summary>
/// Stops the lifecycle's shared work when the container disposes it. Resolved (transient) while Polly builds the Graph
/// pipeline, so the container, which disposes in reverse order of creation, disposes it before Polly's registry: the
/// registry waits for executions still pending (up to 30 seconds, on the host's <see cref="TimeProvider"/>), and a
/// background refresh must have been cancelled by then.
/// </summary>
internal sealed class LifecycleStoppingHook(LifecycleStopping stopping) : IDisposable
{
    public void Dispose() => stopping.Stop();
}
