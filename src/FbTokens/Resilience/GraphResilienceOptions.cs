namespace FbTokens;

/// <summary>
/// Tunes the resilience pipeline FbTokens puts on its <see cref="System.Net.Http.HttpClient"/>: outermost first,
/// usage throttle → total timeout → retry → circuit breaker → attempt timeout, the last four Polly's strategies behind
/// Microsoft.Extensions.Http.Resilience's <c>AddResilienceHandler</c>. Single-use operations (code exchange,
/// client-code redemption) are never retried once a request may have reached Graph, whatever these settings say.
/// </summary>
public sealed class GraphResilienceOptions
{
    /// <summary>
    /// Whether FbTokens' pipeline (timeouts, retries, circuit breaker) runs at all. Default true. When false, every
    /// operation is one HTTP attempt with no timeout but the caller's <see cref="System.Threading.CancellationToken"/>:
    /// for hosts that wrap calls in their own policies. The resilience handler is then not added at all. The usage
    /// throttle is set apart, by <see cref="UsageThrottleMode"/>.
    /// </summary>
    public bool Enabled { get; set; } = true;

    /// <summary>How many times a safe operation is retried after a transient failure. Default 3; 0 turns retries off.</summary>
    public int MaxRetryAttempts { get; set; } = 3;

    /// <summary>
    /// The first retry delay when Graph asked for no wait of its own; later ones grow exponentially (Polly's exponential
    /// backoff). Default 500 ms.
    /// </summary>
    public TimeSpan BaseDelay { get; set; } = TimeSpan.FromMilliseconds(500);

    /// <summary>The longest a single backoff delay may be. Default 30 s; at most one day.</summary>
    public TimeSpan MaxDelay { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>
    /// Whether to randomise backoff delays so that many clients do not retry in step (Polly's decorrelated jitter, as in
    /// <c>AddStandardResilienceHandler</c>). Default true.
    /// </summary>
    public bool UseJitter { get; set; } = true;

    /// <summary>
    /// The timeout of one HTTP attempt, response body included. When less than this is left of
    /// <see cref="TotalTimeout"/>, the total timeout ends the attempt instead. Default 10 s.
    /// </summary>
    public TimeSpan AttemptTimeout { get; set; } = TimeSpan.FromSeconds(10);

    /// <summary>
    /// The timeout of a whole operation, retries and delays included. A retry whose wait Graph set
    /// (<c>Retry-After</c>, usage estimates) and which would end past it is not made: Graph's error surfaces instead.
    /// Default 60 s.
    /// </summary>
    public TimeSpan TotalTimeout { get; set; } = TimeSpan.FromSeconds(60);

    /// <summary>
    /// The longest wait a rate-limit error may ask for (<c>Retry-After</c> or <c>estimated_time_to_regain_access</c>)
    /// and still be retried; longer waits surface at once as <see cref="GraphRateLimitException"/>. Default 30 s.
    /// </summary>
    public TimeSpan MaxRateLimitDelay { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>Whether the circuit breaker is on. Default true.</summary>
    public bool CircuitBreakerEnabled { get; set; } = true;

    /// <summary>The share of failed attempts (5xx, network errors, timeouts) within <see cref="CircuitBreakerSamplingDuration"/> that opens the circuit. Default 0.5.</summary>
    public double CircuitBreakerFailureRatio { get; set; } = 0.5;

    /// <summary>The fewest attempts within the sampling window before the circuit may open. Default 10.</summary>
    public int CircuitBreakerMinimumThroughput { get; set; } = 10;

    /// <summary>The window over which failures are counted. Default 30 s; between 500 ms and one day.</summary>
    public TimeSpan CircuitBreakerSamplingDuration { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>How long the circuit stays open, failing calls at once, before a trial call. Default 15 s; between 500 ms and one day.</summary>
    public TimeSpan CircuitBreakerBreakDuration { get; set; } = TimeSpan.FromSeconds(15);

    /// <summary>What to do when Graph's usage headers report <see cref="UsageThrottleThreshold"/> or more. Default <see cref="GraphUsageThrottleMode.Delay"/>.</summary>
    public GraphUsageThrottleMode UsageThrottleMode { get; set; } = GraphUsageThrottleMode.Delay;

    /// <summary>The usage percentage (of any reported budget) at which FbTokens starts throttling itself. Default 90.</summary>
    public double UsageThrottleThreshold { get; set; } = 90;

    /// <summary>How long to hold calls after a high-usage report when Graph gives no estimate of regained access. Default 5 s.</summary>
    public TimeSpan UsageThrottleDelay { get; set; } = TimeSpan.FromSeconds(5);

    /// <summary>
    /// The longest a usage report throttles: a call is held for at most this long, a longer wait fails fast instead, and
    /// a report stops throttling at all once this long has passed since it arrived (the next answer brings a fresh one),
    /// whatever wait its headers name. Default 30 s.
    /// </summary>
    public TimeSpan MaxUsageThrottleDelay { get; set; } = TimeSpan.FromSeconds(30);
}
