namespace FbTokens.Internal;

/// <summary>Keeps the latest usage snapshot; updated from every response, read before every operation.</summary>
internal sealed class GraphUsageTracker(TimeProvider timeProvider) : IGraphUsageMonitor
{
    private Snapshot? _latest;

    public GraphUsage? Current => Volatile.Read(ref _latest)?.Usage;

    public DateTimeOffset? UpdatedAt => Volatile.Read(ref _latest)?.At;

    public void Record(GraphUsage usage) => Volatile.Write(ref _latest, new Snapshot(usage, timeProvider.GetUtcNow()));

    internal (GraphUsage Usage, DateTimeOffset At)? Latest => Volatile.Read(ref _latest) is { } s ? (s.Usage, s.At) : null;

    private sealed record Snapshot(GraphUsage Usage, DateTimeOffset At);
}
