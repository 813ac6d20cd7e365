namespace FbTokens.Internal;

/// <summary>
/// The system's UTC time to within a few milliseconds, for the token-hit check that runs on every Graph call: a
/// monotonic tick count (cheap, coarse) added to a UTC reading taken at most a second earlier. Token lifetimes are
/// hours to days, so the error does not matter there; everything else keeps reading the exact clock.
/// </summary>
internal sealed class CoarseUtcClock(TimeProvider timeProvider)
{
    private const long ResyncAfterMilliseconds = 1000;

    private Anchor _anchor = new(Environment.TickCount64, timeProvider.GetUtcNow());

    public DateTimeOffset GetUtcNow()
    {
        var anchor = Volatile.Read(ref _anchor);
        var elapsed = Environment.TickCount64 - anchor.Ticks;
        if (elapsed is >= 0 and < ResyncAfterMilliseconds)
        {
            return anchor.Utc.AddMilliseconds(elapsed);
        }

        // Resynchronise with the real clock (it may have been adjusted); a race just takes two readings.
        var fresh = new Anchor(Environment.TickCount64, timeProvider.GetUtcNow());
        Volatile.Write(ref _anchor, fresh);
        return fresh.Utc;
    }

    private sealed record Anchor(long Ticks, DateTimeOffset Utc);
}
