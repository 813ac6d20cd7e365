using Microsoft.Extensions.Logging;

namespace FbTokens.Internal;

/// <summary>Log messages of Graph's usage and version headers (event ids 1040–1049).</summary>
internal static partial class Log
{
    [LoggerMessage(EventId = 1040, EventName = "GraphApiVersionUpgraded", Level = LogLevel.Warning,
        Message = "Graph answered a request for API version {RequestedVersion} with version {AnsweredVersion}: the configured version is deprecated or no longer available, and calls will break when Graph stops upgrading it. Set FbTokens:GraphApiVersion to a supported version. Logged once per process.")]
    public static partial void ApiVersionUpgraded(ILogger logger, string requestedVersion, string answeredVersion);
}
