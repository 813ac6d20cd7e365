namespace FbTokens.Internal;

/// <summary>
/// Keeps the latest usage snapshot and the API version Graph last answered with; updated from every response, read
/// before every operation. A later report always replaces an earlier one; nothing recorded is ever re-parsed.
/// </summary>
internal sealed class GraphUsageTracker(TimeProvider timeProvider) : IGraphUsageMonitor
{
    private Snapshot? _latest;
    private string? _answeredVersion;

    public GraphUsage? Current => Volatile.Read(ref _latest)?.Usage;

    public DateTimeOffset? UpdatedAt => Volatile.Read(ref _latest)?.At;

    public string? AnsweredGraphApiVersion => Volatile.Read(ref _answeredVersion);

    internal (GraphUsage Usage, DateTimeOffset At)? Latest => Volatile.Read(ref _latest) is { } s ? (s.Usage, s.At) : null;

    public void Record(GraphUsage usage) => Volatile.Write(ref _latest, new Snapshot(usage, timeProvider.GetUtcNow()));

    /// <summary>Records the version from Graph's <c>facebook-api-version</c> header, already checked for its shape.</summary>
    public void RecordAnsweredVersion(string version) => Volatile.Write(ref _answeredVersion, version);

    private sealed record Snapshot(GraphUsage Usage, DateTimeOffset At);
}
