using System.Collections.Concurrent;

namespace FbTokens.Internal;

/// <summary>
/// When a refresh that failed may be tried again, per key (<see cref="TokenManagerOptions.RefreshRetryDelay"/> after the
/// failure). The refresher sets and clears it; the hit path and the sweep read it; a fresh login clears it.
/// </summary>
internal sealed class RefreshRetrySchedule
{
    private readonly ConcurrentDictionary<TokenKey, DateTimeOffset> _notBefore = new();

    public void Defer(TokenKey key, DateTimeOffset retryAt) => _notBefore[key] = retryAt;

    public void Clear(TokenKey key) => _notBefore.TryRemove(key, out _);

    /// <summary>Whether a refresh of <paramref name="key"/> must still wait at <paramref name="now"/>; if so, until when.</summary>
    public bool IsDeferred(TokenKey key, DateTimeOffset now, out DateTimeOffset retryAt) =>
        _notBefore.TryGetValue(key, out retryAt) && now < retryAt;
}
