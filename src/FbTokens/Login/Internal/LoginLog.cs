using Microsoft.Extensions.Logging;

namespace FbTokens.Internal;

/// <summary>Log messages of the Login dialog builder (event ids 3000–3099). None carries a state value or a URL.</summary>
internal static partial class Log
{
    [LoggerMessage(EventId = 3000, EventName = "LoginStateRejected", Level = LogLevel.Warning,
        Message = "A Facebook Login callback was rejected: its state is {Reason}")]
    public static partial void LoginStateRejected(ILogger logger, FacebookLoginStateFailure reason);

    [LoggerMessage(EventId = 3001, EventName = "LoginStateAccepted", Level = LogLevel.Debug,
        Message = "A Facebook Login callback's state was accepted")]
    public static partial void LoginStateAccepted(ILogger logger);

    [LoggerMessage(EventId = 3002, EventName = "LoginUrlBuilt", Level = LogLevel.Debug,
        Message = "Built a Facebook Login dialog URL with {ScopeCount} scope(s), auth type {AuthType}, config id {HasConfigId}")]
    public static partial void LoginUrlBuilt(ILogger logger, int scopeCount, FacebookLoginAuthType authType, bool hasConfigId);
}
