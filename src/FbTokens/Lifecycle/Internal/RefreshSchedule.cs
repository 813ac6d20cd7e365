namespace FbTokens.Internal;

/// <summary>When a token is due for refresh: <see cref="TokenManagerOptions.RefreshBeforeExpiry"/> before it expires,
/// moved earlier by a per-token share of <see cref="TokenManagerOptions.RefreshJitter"/>.</summary>
internal static class RefreshSchedule
{
    public static DateTimeOffset? RefreshAt(StoredToken token, TokenManagerOptions options) =>
        token.ExpiresAt is { } expiresAt
            ? expiresAt - options.RefreshBeforeExpiry - Jitter(token.Key, expiresAt, options.RefreshJitter)
            : null;

    /// <summary>Whether <see cref="RefreshAt"/> has come; the same answer, without hashing the key when the jitter cannot change it.</summary>
    public static bool IsDue(StoredToken token, DateTimeOffset now, TokenManagerOptions options)
    {
        if (token.ExpiresAt is not { } expiresAt)
        {
            return false;
        }

        // The jitter is in [0, RefreshJitter): the refresh time lies in (latest - RefreshJitter, latest]. This is the
        // manager's hot path (every GetTokenAsync), so it works in UTC ticks and hashes the key only inside that span.
        var latest = expiresAt.UtcTicks - options.RefreshBeforeExpiry.Ticks;
        var nowTicks = now.UtcTicks;
        if (nowTicks >= latest)
        {
            return true;
        }

        var maxJitter = options.RefreshJitter;

        // Stryker disable once Equality,Logical : a fast path; past it the jitter check below gives false for these same cases
        if (maxJitter <= TimeSpan.Zero || nowTicks < latest - maxJitter.Ticks)
        {
            return false;
        }

        return nowTicks >= latest - Jitter(token.Key, expiresAt, maxJitter).Ticks;
    }

    /// <summary>
    /// A share of <paramref name="maxJitter"/> fixed by the key and the expiry (FNV-1a over the characters of
    /// <see cref="TokenKey.ToString"/> and the expiry's Unix seconds, not the per-process randomised string hash), so every
    /// caller and every instance computes the same refresh time for the same token.
    /// </summary>
    public static TimeSpan Jitter(TokenKey key, DateTimeOffset expiresAt, TimeSpan maxJitter)
    {
        // Stryker disable once Equality : a zero maxJitter scales the hash below to zero as well
        if (maxJitter <= TimeSpan.Zero)
        {
            return TimeSpan.Zero;
        }

        const ulong offset = 14695981039346656037UL;
        const ulong prime = 1099511628211UL;

        // The text form, Kind:subject[@app], hashed piece by piece so nothing is allocated.
        var hash = Fnv(offset, KindName(key.Kind));
        hash = (hash ^ ':') * prime;
        hash = Fnv(hash, key.SubjectId);
        if (key.AppId is { } appId)
        {
            hash = (hash ^ '@') * prime;
            hash = Fnv(hash, appId);
        }

        var seconds = expiresAt.ToUnixTimeSeconds();
        for (var i = 0; i < 8; i++)
        {
            // Stryker disable once Bitwise : the byte cast keeps bits the sign fill never reaches (i is at most 7)
            hash = (hash ^ (byte)(seconds >> (8 * i))) * prime;
        }

        // Stryker disable once Bitwise : hash is unsigned, so >> already shifts in zeros
        var fraction = (hash >> 11) * (1.0 / (1UL << 53));
        return TimeSpan.FromTicks((long)(maxJitter.Ticks * fraction));

        static ulong Fnv(ulong hash, string text)
        {
            foreach (var c in text)
            {
                hash = (hash ^ c) * prime;
            }

            return hash;
        }
    }

    private static string KindName(TokenKind kind) => kind switch
    {
        TokenKind.User => nameof(TokenKind.User),
        TokenKind.Page => nameof(TokenKind.Page),
        TokenKind.App => nameof(TokenKind.App),
        TokenKind.SystemUser => nameof(TokenKind.SystemUser),
        _ => kind.ToString(),
    };
}
