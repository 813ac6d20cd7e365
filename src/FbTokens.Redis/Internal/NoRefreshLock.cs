namespace FbTokens.Redis.Internal;

/// <summary>The lock used when <see cref="RedisTokenStoreOptions.UseDistributedRefreshLock"/> is off: always granted.</summary>
internal sealed class NoRefreshLock : IDistributedRefreshLock
{
    public static readonly NoRefreshLock Instance = new();

    public ValueTask<IAsyncDisposable?> TryAcquireAsync(TokenKey key, CancellationToken cancellationToken = default) =>
        ValueTask.FromResult<IAsyncDisposable?>(Lease.Instance);

    public ValueTask WaitForReleaseAsync(TokenKey key, CancellationToken cancellationToken = default) => ValueTask.CompletedTask;

    private sealed class Lease : IAsyncDisposable
    {
        public static readonly Lease Instance = new();

        public ValueTask DisposeAsync() => ValueTask.CompletedTask;
    }
}
