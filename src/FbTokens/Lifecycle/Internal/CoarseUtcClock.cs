namespace FbTokens.Internal;

/// <summary>
/// The system's UTC time to within a few milliseconds, for the token-hit check that runs on every Graph call: a
/// monotonic tick count (cheap, coarse) added to a UTC reading taken at most a second earlier. Token lifetimes are
/// hours to days, so the error does not matter there; everything else keeps reading the exact clock.
/// </summary>
/// <param name="timeProvider">The exact clock, read once a second.</param>
/// <param name="tickCount">The monotonic millisecond count; <see cref="Environment.TickCount64"/> outside tests.</param>
internal sealed class CoarseUtcClock(TimeProvider timeProvider, Func<long> tickCount)
{
    private const long ResyncAfterMilliseconds = 1000;

    private Anchor _anchor = new(tickCount(), timeProvider.GetUtcNow());

    /// <summary>A clock over <paramref name="timeProvider"/> and the system's tick count.</summary>
    public CoarseUtcClock(TimeProvider timeProvider)
        : this(timeProvider, static () => Environment.TickCount64)
    {
    }

    public DateTimeOffset GetUtcNow()
    {
        var anchor = Volatile.Read(ref _anchor);
        var elapsed = tickCount() - anchor.Ticks;
        if (elapsed is >= 0 and < ResyncAfterMilliseconds)
        {
            return anchor.Utc.AddMilliseconds(elapsed);
        }

        // Resynchronise with the real clock (it may have been adjusted); a race just takes two readings.
        var fresh = new Anchor(tickCount(), timeProvider.GetUtcNow());
        Volatile.Write(ref _anchor, fresh);
        return fresh.Utc;
    }

    private sealed record Anchor(long Ticks, DateTimeOffset Utc);
}
