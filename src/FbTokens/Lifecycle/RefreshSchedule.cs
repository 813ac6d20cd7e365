namespace FbTokens.Internal;

/// <summary>When a token is due for refresh: <see cref="TokenManagerOptions.RefreshBeforeExpiry"/> before it expires,
/// moved earlier by a per-token share of <see cref="TokenManagerOptions.RefreshJitter"/>.</summary>
internal static class RefreshSchedule
{
    public static DateTimeOffset? RefreshAt(StoredToken token, TokenManagerOptions options) =>
        token.ExpiresAt is { } expiresAt
            ? expiresAt - options.RefreshBeforeExpiry - Jitter(token.Key, expiresAt, options.RefreshJitter)
            : null;

    public static bool IsDue(StoredToken token, DateTimeOffset now, TokenManagerOptions options) =>
        RefreshAt(token, options) is { } at && now >= at;

    /// <summary>
    /// A share of <paramref name="maxJitter"/> fixed by the key and the expiry (FNV-1a, not the per-process randomised
    /// string hash), so every caller and every instance computes the same refresh time for the same token.
    /// </summary>
    public static TimeSpan Jitter(TokenKey key, DateTimeOffset expiresAt, TimeSpan maxJitter)
    {
        if (maxJitter <= TimeSpan.Zero)
        {
            return TimeSpan.Zero;
        }

        const ulong offset = 14695981039346656037UL;
        const ulong prime = 1099511628211UL;
        var hash = offset;
        foreach (var c in key.ToString())
        {
            hash = (hash ^ c) * prime;
        }

        var seconds = expiresAt.ToUnixTimeSeconds();
        for (var i = 0; i < 8; i++)
        {
            hash = (hash ^ (byte)(seconds >> (8 * i))) * prime;
        }

        var fraction = (hash >> 11) * (1.0 / (1UL << 53));
        return TimeSpan.FromTicks((long)(maxJitter.Ticks * fraction));
    }
}
