using Microsoft.Extensions.Logging;
using Polly.CircuitBreaker;

namespace FbTokens.Internal;

/// <summary>
/// The circuit breaker of the default pipeline, one per service provider so its state outlives the rotation of
/// HttpClient handlers. Closed: attempts run and their outcomes are counted in a rolling window of
/// <see cref="GraphResilienceOptions.CircuitBreakerSamplingDuration"/> (ten buckets). When at least
/// <see cref="GraphResilienceOptions.CircuitBreakerMinimumThroughput"/> attempts were counted and the share of
/// outages reaches <see cref="GraphResilienceOptions.CircuitBreakerFailureRatio"/>, it opens: attempts fail with
/// <see cref="BrokenCircuitException"/> without a request for
/// <see cref="GraphResilienceOptions.CircuitBreakerBreakDuration"/>. Then one trial attempt is let through (others
/// still fail fast): a trial that is not an outage closes the circuit, an outage opens it again.
/// </summary>
internal sealed class GraphCircuitBreaker
{
    private const int BucketCount = 10;

    private readonly object _gate = new();
    private readonly GraphResilienceOptions _options;
    private readonly TimeProvider _time;
    private readonly ILogger _logger;
    private readonly long _bucketTicks;
    private readonly Bucket[] _buckets = new Bucket[BucketCount];

    // Read without the lock on the fast path: Closed means "go ahead"; every change happens under the lock.
    private volatile CircuitState _state = CircuitState.Closed;
    private long _openUntil;
    private bool _trialInFlight;

    public GraphCircuitBreaker(GraphResilienceOptions options, TimeProvider time, ILogger logger)
    {
        _options = options;
        _time = time;
        _logger = logger;
        var sampling = (long)(options.CircuitBreakerSamplingDuration.TotalSeconds * time.TimestampFrequency);
        _bucketTicks = Math.Max(1, sampling / BucketCount);
    }

    /// <summary>The circuit's state, for tests and diagnostics.</summary>
    public CircuitState State => _state;

    /// <summary>
    /// Asks to make an attempt. Returns true when the attempt is the half-open trial (its outcome must be reported
    /// with <c>trial: true</c>); throws <see cref="BrokenCircuitException"/> while the circuit is open.
    /// </summary>
    public bool Enter()
    {
        if (_state == CircuitState.Closed)
        {
            return false;
        }

        lock (_gate)
        {
            switch (_state)
            {
                case CircuitState.Closed:
                    return false;
                case CircuitState.Open when _time.GetTimestamp() >= _openUntil:
                    _state = CircuitState.HalfOpen;
                    _trialInFlight = true;
                    return true;
                case CircuitState.HalfOpen when !_trialInFlight:
                    _trialInFlight = true;
                    return true;
                default:
                    throw Broken();
            }
        }
    }

    /// <summary>Reports how an attempt that <see cref="Enter"/> let through ended.</summary>
    public void Report(AttemptOutcome outcome, bool trial)
    {
        lock (_gate)
        {
            if (trial)
            {
                _trialInFlight = false;
                if (_state != CircuitState.HalfOpen)
                {
                    return;
                }

                if (outcome == AttemptOutcome.Outage)
                {
                    Open();
                }
                else if (outcome == AttemptOutcome.Healthy)
                {
                    _state = CircuitState.Closed;
                    Array.Clear(_buckets);
                    Log.CircuitClosed(_logger);
                }

                // Ignored (the caller cancelled): the next attempt becomes the trial.
                return;
            }

            if (_state != CircuitState.Closed || outcome == AttemptOutcome.Ignored)
            {
                return;
            }

            var now = _time.GetTimestamp() / _bucketTicks;
            ref var bucket = ref _buckets[now % BucketCount];
            if (bucket.Number != now)
            {
                bucket = new Bucket { Number = now };
            }

            if (outcome == AttemptOutcome.Healthy)
            {
                bucket.Healthy++;
                return;
            }

            bucket.Outages++;
            long healthy = 0, outages = 0;
            foreach (var b in _buckets)
            {
                if (b.Number > now - BucketCount)
                {
                    healthy += b.Healthy;
                    outages += b.Outages;
                }
            }

            var total = healthy + outages;
            if (total >= _options.CircuitBreakerMinimumThroughput && (double)outages / total >= _options.CircuitBreakerFailureRatio)
            {
                Open();
            }
        }
    }

    private void Open()
    {
        var breakTicks = (long)(_options.CircuitBreakerBreakDuration.TotalSeconds * _time.TimestampFrequency);
        _openUntil = _time.GetTimestamp() + breakTicks;
        _state = CircuitState.Open;
        Array.Clear(_buckets);
        Log.CircuitOpened(_logger, _options.CircuitBreakerBreakDuration.TotalMilliseconds);
    }

    private BrokenCircuitException Broken()
    {
        var left = _state == CircuitState.Open
            ? TimeSpan.FromSeconds(Math.Max(0, _openUntil - _time.GetTimestamp()) / (double)_time.TimestampFrequency)
            : TimeSpan.Zero;
        return new BrokenCircuitException("The circuit is open: Graph failed too often recently; no request was sent.", left);
    }

    private struct Bucket
    {
        public long Number;
        public int Healthy;
        public int Outages;
    }
}

/// <summary>How an attempt ended, as the circuit breaker counts it.</summary>
internal enum AttemptOutcome
{
    /// <summary>Graph answered (whatever the answer, short of a 5xx).</summary>
    Healthy,

    /// <summary>A 5xx, a network error or an attempt timeout.</summary>
    Outage,

    /// <summary>The caller cancelled: says nothing about Graph.</summary>
    Ignored,
}
