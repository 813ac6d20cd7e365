namespace FbTokens;

/// <summary>How FbTokens reacts when Graph reports usage at or above the threshold.</summary>
public enum GraphUsageThrottleMode
{
    /// <summary>Hold calls until Graph's estimate of regained access (or the configured pause) has passed. The default.</summary>
    Delay = 0,

    /// <summary>Fail at once with <see cref="GraphRateLimitException"/> until then.</summary>
    FailFast = 1,

    /// <summary>No proactive throttling: send every call and let Graph decide.</summary>
    Off = 2,
}
