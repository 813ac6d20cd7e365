namespace FbTokens;

/// <summary>
/// The latest usage Graph reported in its <c>X-App-Usage</c>, <c>X-Business-Use-Case-Usage</c> and
/// <c>X-Ad-Account-Usage</c> headers. Inject it to show or act on how close the app is to its rate limits.
/// </summary>
public interface IGraphUsageMonitor
{
    /// <summary>The latest usage reported, or null before any response carried usage headers.</summary>
    GraphUsage? Current { get; }

    /// <summary>When <see cref="Current"/> was reported, on the client's <see cref="TimeProvider"/>.</summary>
    DateTimeOffset? UpdatedAt { get; }
}
