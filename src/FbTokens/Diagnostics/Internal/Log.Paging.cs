using Microsoft.Extensions.Logging;

namespace FbTokens.Internal;

/// <summary>Paging messages (event ids 1050–1059). No link, cursor or token: only which rule stopped paging.</summary>
internal static partial class Log
{
    [LoggerMessage(EventId = 1050, EventName = "GraphPagingStopped", Level = LogLevel.Warning,
        Message = "Graph {Operation} {Endpoint}: paging stopped after {Pages} page(s) because {Reason}; the list may be incomplete")]
    public static partial void PagingStopped(ILogger logger, string operation, string endpoint, int pages, string reason);
}
