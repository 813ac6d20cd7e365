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

    // Person -> the keys of their tokens (their user token and the tokens they own), kept in step under the write lock.
    private readonly ConcurrentDictionary<Person, ConcurrentDictionary<TokenKey, byte>> _byPerson = new();
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
            if (current is not null)
            {
                Unindex(current, keep: stored);
            }

            Index(stored);
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

            var removed = _tokens.TryRemove(key, out _);
            Unindex(current, keep: null);
            return ValueTask.FromResult(removed);
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

    /// <inheritdoc />
    public async IAsyncEnumerable<StoredToken> ListForUserAsync(string userId, string? appId, [EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrEmpty(userId);
        if (_byPerson.TryGetValue(new Person(userId, appId), out var keys))
        {
            foreach (var (key, _) in keys)
            {
                cancellationToken.ThrowIfCancellationRequested();

                // The index may be a step behind a concurrent write: the token itself decides.
                if (_tokens.TryGetValue(key, out var token) && BelongsTo(token, userId, appId))
                {
                    yield return token;
                }
            }
        }

        await Task.CompletedTask.ConfigureAwait(false);
    }

    private static bool BelongsTo(StoredToken token, string userId, string? appId) =>
        token.Key.AppId == appId
        && ((token.Key.Kind == TokenKind.User && token.Key.SubjectId == userId) || token.OwnerUserId == userId);

    private void Index(StoredToken token)
    {
        foreach (var person in PersonsOf(token))
        {
            _byPerson.GetOrAdd(person, static _ => new ConcurrentDictionary<TokenKey, byte>())[token.Key] = 0;
        }
    }

    private void Unindex(StoredToken token, StoredToken? keep)
    {
        foreach (var person in PersonsOf(token))
        {
            if (keep is not null && BelongsTo(keep, person.UserId, person.AppId))
            {
                continue;
            }

            if (_byPerson.TryGetValue(person, out var keys) && keys.TryRemove(token.Key, out _) && keys.IsEmpty)
            {
                _byPerson.TryRemove(person, out _);
            }
        }
    }

    private static IEnumerable<Person> PersonsOf(StoredToken token)
    {
        if (token.Key.Kind == TokenKind.User)
        {
            yield return new Person(token.Key.SubjectId, token.Key.AppId);
        }

        if (token.OwnerUserId is { } owner && !(token.Key.Kind == TokenKind.User && owner == token.Key.SubjectId))
        {
            yield return new Person(owner, token.Key.AppId);
        }
    }

    private readonly record struct Person(string UserId, string? AppId);
}
