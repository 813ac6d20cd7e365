using System.Collections.Concurrent;
using Microsoft.Extensions.Logging;

namespace FbTokens.Internal;

/// <summary>
/// Notices when Graph answers with another API version than the one configured — Graph upgrades calls made with a
/// deprecated version — and says so: a warning once per process for each configured/answered pair, a count in
/// <see cref="GraphTelemetry.ApiVersionUpgrades"/> for every such answer, and the version on <see cref="IGraphUsageMonitor"/>.
/// </summary>
internal static class GraphApiVersionWatch
{
    // The header is a network string: only well-formed versions are kept, and only this many pairs are remembered,
    // so a server that names a new version in every answer cannot grow the set (it can only silence later warnings).
    private const int MaxWarnedPairs = 32;

    private static readonly ConcurrentDictionary<(string Configured, string Answered), byte> Warned = new();

    public static void Observe(string? answered, string configured, GraphUsageTracker tracker, ILogger logger)
    {
        if (!GraphUsageParser.IsApiVersion(answered))
        {
            return;
        }

        tracker.RecordAnsweredVersion(answered!);
        if (string.Equals(answered, configured, StringComparison.Ordinal))
        {
            return;
        }

        GraphTelemetry.ApiVersionUpgrades.Add(
            1,
            new KeyValuePair<string, object?>(GraphTelemetry.RequestedApiVersionTag, configured),
            new KeyValuePair<string, object?>(GraphTelemetry.AnsweredApiVersionTag, answered));
        if (Warned.Count < MaxWarnedPairs && Warned.TryAdd((configured, answered!), 0))
        {
            Log.ApiVersionUpgraded(logger, configured, answered!);
        }
    }
}
