using FbTokens.Testing.Internal;

namespace FbTokens.Testing;

/// <summary>
/// Injects the failures Graph produces: throttles (codes 4, 17, 32, 613, 80000–80014), transient errors, broken
/// bodies, connection resets and latency. Invalidated tokens are set up with <see cref="GraphTokenEmulator.InvalidateUserTokens"/>.
/// </summary>
public sealed class EmulatorFaults
{
    private readonly EmulatorEngine _engine;

    internal EmulatorFaults(EmulatorEngine engine) => _engine = engine;

    /// <summary>Makes the next <paramref name="calls"/> calls (to <paramref name="endpoint"/>, or to any endpoint) fail with <paramref name="fault"/>.</summary>
    /// <param name="calls">How many calls fail; later calls work again.</param>
    /// <param name="fault">The failure.</param>
    /// <param name="endpoint">Only calls to this endpoint; null for any call. Operations inside a batch only take faults aimed at their endpoint, and a transport fault (reset, broken body) leaves them <c>null</c>.</param>
    public void FailNext(int calls, EmulatorFault fault, GraphEndpoint? endpoint = null)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(calls);
        _engine.Faults.Add(fault, calls, endpoint);
    }

    /// <summary>Delays every answer (of <paramref name="endpoint"/>, or of all) by <paramref name="latency"/> on the emulator's <see cref="TimeProvider"/>: with a <c>FakeTimeProvider</c> the call waits until the test advances time.</summary>
    /// <param name="latency">The delay; <see cref="TimeSpan.Zero"/> removes it.</param>
    /// <param name="endpoint">Only this endpoint; null for all.</param>
    public void SetLatency(TimeSpan latency, GraphEndpoint? endpoint = null)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(latency, TimeSpan.Zero);
        _engine.Faults.SetLatency(latency, endpoint);
    }

    /// <summary>Throttles every call of an app (resolved from <c>client_id</c> or the access token) for <paramref name="duration"/>.</summary>
    /// <param name="appId">The app.</param>
    /// <param name="duration">How long, on the emulator's clock.</param>
    /// <param name="code">Graph's code: 4 (app limit, default) or 613; a business-use-case code 80000–80014 adds <c>X-Business-Use-Case-Usage</c>.</param>
    /// <param name="sendRetryAfter">Whether to send a <c>Retry-After</c> header (seconds left).</param>
    public void RateLimitApp(string appId, TimeSpan duration, int code = 4, bool sendRetryAfter = true) =>
        Add(ThrottleTarget.App, appId, duration, code, sendRetryAfter);

    /// <summary>Throttles every call made with a token of the user for <paramref name="duration"/>.</summary>
    /// <param name="userId">The user.</param>
    /// <param name="duration">How long, on the emulator's clock.</param>
    /// <param name="code">Graph's code: 17 (user limit, default), 613, or a business-use-case code.</param>
    /// <param name="sendRetryAfter">Whether to send a <c>Retry-After</c> header (seconds left).</param>
    public void RateLimitUser(string userId, TimeSpan duration, int code = 17, bool sendRetryAfter = true) =>
        Add(ThrottleTarget.User, userId, duration, code, sendRetryAfter);

    /// <summary>Throttles every call made with a token of the page for <paramref name="duration"/>, with <c>X-Business-Use-Case-Usage</c> and <c>estimated_time_to_regain_access</c>.</summary>
    /// <param name="pageId">The page.</param>
    /// <param name="duration">How long, on the emulator's clock.</param>
    /// <param name="code">Graph's code: 32 (page limit, default) or 80001 (pages business use case).</param>
    /// <param name="sendRetryAfter">Whether to send a <c>Retry-After</c> header (seconds left).</param>
    public void RateLimitPage(string pageId, TimeSpan duration, int code = 32, bool sendRetryAfter = true) =>
        Add(ThrottleTarget.Page, pageId, duration, code, sendRetryAfter);

    /// <summary>Removes every pending fault, throttle and latency (invalidated tokens stay invalid).</summary>
    public void Clear() => _engine.ClearFaults();

    private void Add(ThrottleTarget target, string id, TimeSpan duration, int code, bool sendRetryAfter)
    {
        ArgumentException.ThrowIfNullOrEmpty(id);
        ArgumentOutOfRangeException.ThrowIfLessThanOrEqual(duration, TimeSpan.Zero);
        _engine.Throttles.Add(target, id, code, duration, sendRetryAfter);
    }
}
