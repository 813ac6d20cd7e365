using System.Collections.Concurrent;
using System.Runtime.CompilerServices;

namespace FbTokens.Internal;

/// <summary>
/// The default <see cref="ITokenStore"/>: tokens in this process's memory, lost on restart and not shared between
/// instances. Use a persistent store (Redis, EF Core) in production.
/// </summary>
internal sealed class InMemoryTokenStore : ITokenStore
{
    private readonly ConcurrentDictionary<TokenKey, StoredToken> _tokens = new();
#if NET9_0_OR_GREATER
    private readonly Lock _writeLock = new();
#else
    private readonly object _writeLock = new();
#endif

    /// <summary>How many tokens are stored.</summary>
    public int Count => _tokens.Count;

    /// <inheritdoc />
    public ValueTask<StoredToken?> GetAsync(TokenKey key, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(key);
        cancellationToken.ThrowIfCancellationRequested();
        return ValueTask.FromResult(_tokens.TryGetValue(key, out var token) ? token : null);
    }

    /// <inheritdoc />
    public ValueTask<StoredToken> SetAsync(StoredToken token, long? expectedVersion, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(token);
        cancellationToken.ThrowIfCancellationRequested();

        // Writes are serialised so the version check and the write are one step; reads stay lock-free.
        lock (_writeLock)
        {
            var current = _tokens.TryGetValue(token.Key, out var existing) ? existing : null;
            var currentVersion = current?.Version ?? 0;
            if (expectedVersion is { } expected && expected != currentVersion)
            {
                throw new TokenStoreConcurrencyException(token.Key, expectedVersion, current?.Version);
            }

            var stored = token with { Version = currentVersion + 1 };
            _tokens[token.Key] = stored;
            return ValueTask.FromResult(stored);
        }
    }

    /// <inheritdoc />
    public ValueTask<bool> RemoveAsync(TokenKey key, long? expectedVersion, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(key);
        cancellationToken.ThrowIfCancellationRequested();
        lock (_writeLock)
        {
            if (!_tokens.TryGetValue(key, out var current))
            {
                return ValueTask.FromResult(false);
            }

            if (expectedVersion is { } expected && expected != current.Version)
            {
                throw new TokenStoreConcurrencyException(key, expectedVersion, current.Version);
            }

            return ValueTask.FromResult(_tokens.TryRemove(key, out _));
        }
    }

    /// <inheritdoc />
    public async IAsyncEnumerable<StoredToken> ListAsync(TokenKind? kind, [EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        // ConcurrentDictionary's enumerator is safe under concurrent writes and takes no snapshot, so memory stays flat.
        foreach (var (key, token) in _tokens)
        {
            cancellationToken.ThrowIfCancellationRequested();
            if (kind is null || key.Kind == kind)
            {
                yield return token;
            }
        }

        await Task.CompletedTask.ConfigureAwait(false);
    }
}
