using System.Collections.Concurrent;
using System.Runtime.CompilerServices;

namespace FbTokens.Internal;

/// <summary>
/// The default <see cref="ITokenStore"/>: tokens in this process's memory, lost on restart and not shared between
/// instances. Use a persistent store (Redis, EF Core) in production. Keeps the sweep's schedule
/// (<see cref="ITokenSweepSchedule"/>) beside the tokens: per app id, a set ordered by next check, so a claim reads only
/// the tokens it takes, however many are stored.
/// </summary>
internal sealed class InMemoryTokenStore : ITokenStore, ITokenSweepSchedule
{
    private readonly ConcurrentDictionary<TokenKey, StoredToken> _tokens = new();

    // The sweep's schedule, changed under the write lock only: each scheduled key's next check (UTC ticks), and per app id
    // ("" for keys that name none; an app id is never empty) the same entries ordered by next check.
    private readonly Dictionary<TokenKey, DueEntry> _nextCheck = [];
    private readonly Dictionary<string, SortedSet<DueEntry>> _due = new(StringComparer.Ordinal);

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
            if (current is null)
            {
                // A new key is due from when it was written; an overwrite keeps its place in the schedule.
                AddToSchedule(stored.Key, stored.UpdatedAt.UtcTicks);
            }

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
            RemoveFromSchedule(key);
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

    /// <inheritdoc />
    public ValueTask<IReadOnlyList<StoredToken>> ClaimDueAsync(string? appId, DateTimeOffset dueBy, DateTimeOffset leaseUntil, int maxCount, CancellationToken cancellationToken = default)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(maxCount, 1);
        cancellationToken.ThrowIfCancellationRequested();
        lock (_writeLock)
        {
            if (!_due.TryGetValue(AppOf(appId), out var due))
            {
                return ValueTask.FromResult<IReadOnlyList<StoredToken>>([]);
            }

            // In order of next check, stopping at the first not yet due: the claim reads only what it takes.
            var taken = new List<DueEntry>(Math.Min(maxCount, due.Count));
            foreach (var entry in due)
            {
                if (entry.Ticks > dueBy.UtcTicks || taken.Count == maxCount)
                {
                    break;
                }

                taken.Add(entry);
            }

            var claimed = new List<StoredToken>(taken.Count);
            foreach (var entry in taken)
            {
                Reschedule(due, entry, leaseUntil.UtcTicks);
                claimed.Add(_tokens[entry.Key]);
            }

            return ValueTask.FromResult<IReadOnlyList<StoredToken>>(claimed);
        }
    }

    /// <inheritdoc />
    public ValueTask ScheduleAsync(IReadOnlyCollection<TokenKey> keys, DateTimeOffset nextCheckAt, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(keys);
        cancellationToken.ThrowIfCancellationRequested();
        lock (_writeLock)
        {
            foreach (var key in keys)
            {
                if (key is not null && _nextCheck.TryGetValue(key, out var entry))
                {
                    Reschedule(_due[AppOf(key.AppId)], entry, nextCheckAt.UtcTicks);
                }
            }
        }

        return ValueTask.CompletedTask;
    }

    /// <inheritdoc />
    public ValueTask<TokenSweepBacklog> GetBacklogAsync(string? appId, DateTimeOffset dueBy, CancellationToken cancellationToken = default)
    {
        cancellationToken.ThrowIfCancellationRequested();
        lock (_writeLock)
        {
            if (!_due.TryGetValue(AppOf(appId), out var due) || due.Min.Ticks > dueBy.UtcTicks)
            {
                return ValueTask.FromResult(new TokenSweepBacklog(0, null));
            }

            long count = 0;
            foreach (var entry in due)
            {
                if (entry.Ticks > dueBy.UtcTicks)
                {
                    break;
                }

                count++;
            }

            return ValueTask.FromResult(new TokenSweepBacklog(count, new DateTimeOffset(due.Min.Ticks, TimeSpan.Zero)));
        }
    }

    private static string AppOf(string? appId) => appId ?? string.Empty;

    private void AddToSchedule(TokenKey key, long ticks)
    {
        if (key.Kind == TokenKind.App)
        {
            return;
        }

        var entry = new DueEntry(ticks, key.ToString(), key);
        _nextCheck[key] = entry;
        var app = AppOf(key.AppId);
        if (!_due.TryGetValue(app, out var due))
        {
            _due[app] = due = new SortedSet<DueEntry>(DueEntry.Order);
        }

        due.Add(entry);
    }

    private void RemoveFromSchedule(TokenKey key)
    {
        if (_nextCheck.Remove(key, out var entry))
        {
            var app = AppOf(key.AppId);
            var due = _due[app];
            due.Remove(entry);
            if (due.Count == 0)
            {
                _due.Remove(app);
            }
        }
    }

    private void Reschedule(SortedSet<DueEntry> due, DueEntry entry, long ticks)
    {
        due.Remove(entry);
        var moved = entry with { Ticks = ticks };
        due.Add(moved);
        _nextCheck[entry.Key] = moved;
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

    /// <summary>A key's place in the schedule: its next check, then its text form to order keys due at the same time.</summary>
    private readonly record struct DueEntry(long Ticks, string Text, TokenKey Key)
    {
        public static readonly IComparer<DueEntry> Order = Comparer<DueEntry>.Create(static (a, b) =>
        {
            var byTime = a.Ticks.CompareTo(b.Ticks);
            return byTime != 0 ? byTime : string.CompareOrdinal(a.Text, b.Text);
        });
    }
}
