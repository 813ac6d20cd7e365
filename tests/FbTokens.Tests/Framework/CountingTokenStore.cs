using FbTokens.Internal;

namespace FbTokens.Tests.Framework;

/// <summary>An in-memory store that counts reads and can signal when a number of reads is reached.</summary>
internal sealed class CountingTokenStore : ITokenStore
{
    private readonly InMemoryTokenStore _inner = new();
    private int _reads;

    private int _lists;

    public int Reads => Volatile.Read(ref _reads);

    /// <summary>How many times <see cref="ListAsync"/> (a scan of the store) was called.</summary>
    public int Lists => Volatile.Read(ref _lists);

    public int SignalAtReads { get; set; } = int.MaxValue;

    public TaskCompletionSource ReadsReached { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

    public ValueTask<StoredToken?> GetAsync(TokenKey key, CancellationToken cancellationToken = default)
    {
        if (Interlocked.Increment(ref _reads) >= SignalAtReads)
        {
            ReadsReached.TrySetResult();
        }

        return _inner.GetAsync(key, cancellationToken);
    }

    public ValueTask<StoredToken> SetAsync(StoredToken token, long? expectedVersion, CancellationToken cancellationToken = default) =>
        _inner.SetAsync(token, expectedVersion, cancellationToken);

    public ValueTask<bool> RemoveAsync(TokenKey key, long? expectedVersion, CancellationToken cancellationToken = default) =>
        _inner.RemoveAsync(key, expectedVersion, cancellationToken);

    public IAsyncEnumerable<StoredToken> ListAsync(TokenKind? kind, CancellationToken cancellationToken = default)
    {
        Interlocked.Increment(ref _lists);
        return _inner.ListAsync(kind, cancellationToken);
    }

    public IAsyncEnumerable<StoredToken> ListForUserAsync(string userId, string? appId, CancellationToken cancellationToken = default) =>
        _inner.ListForUserAsync(userId, appId, cancellationToken);
}
