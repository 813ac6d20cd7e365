namespace FbTokens.Internal;

/// <summary>
/// The default <see cref="IDistributedRefreshLock"/>: always granted at once. Within a process the manager's own
/// single-flight already allows one refresh per key.
/// </summary>
internal sealed class InProcessRefreshLock : IDistributedRefreshLock
{
    public static readonly InProcessRefreshLock Instance = new();

    public ValueTask<IAsyncDisposable?> TryAcquireAsync(TokenKey key, CancellationToken cancellationToken = default) =>
        ValueTask.FromResult<IAsyncDisposable?>(NoLease.Instance);

    public ValueTask WaitForReleaseAsync(TokenKey key, CancellationToken cancellationToken = default) => ValueTask.CompletedTask;

    private sealed class NoLease : IAsyncDisposable
    {
        public static readonly NoLease Instance = new();

        public ValueTask DisposeAsync() => ValueTask.CompletedTask;
    }
}
