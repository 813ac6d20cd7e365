namespace FbTokens.Testing.Internal;

/// <summary>
/// The faults and latency a test asked for (<see cref="EmulatorFaults"/>): which of the next calls fail, and how
/// long each endpoint waits before answering. Guarded by the store's lock, like the rest of the state.
/// </summary>
internal sealed class FaultPlan(object sync)
{
    private readonly List<PendingFault> _faults = [];
    private readonly Dictionary<GraphEndpoint, TimeSpan> _latency = [];

    public void Add(EmulatorFault fault, int calls, GraphEndpoint? endpoint)
    {
        lock (sync)
        {
            _faults.Add(new PendingFault(fault, endpoint) { Remaining = calls });
        }
    }

    public void SetLatency(TimeSpan latency, GraphEndpoint? endpoint)
    {
        lock (sync)
        {
            foreach (var e in endpoint is { } one ? [one] : Enum.GetValues<GraphEndpoint>())
            {
                _latency[e] = latency;
            }
        }
    }

    /// <summary>Removes every pending fault and latency; the caller holds the lock.</summary>
    public void ClearLocked()
    {
        _faults.Clear();
        _latency.Clear();
    }

    /// <summary>For a top-level call: its latency, and the first pending fault aimed at its endpoint or at any call (spent by this call).</summary>
    public (TimeSpan Latency, EmulatorFault? Fault) Next(GraphEndpoint endpoint)
    {
        lock (sync)
        {
            var latency = _latency.TryGetValue(endpoint, out var l) ? l : TimeSpan.Zero;
            return (latency, Take(endpoint, explicitOnly: false)?.Fault);
        }
    }

    /// <summary>For an operation inside a batch: the first pending fault aimed at its endpoint only; the caller holds the lock.</summary>
    public EmulatorFault? TakeForBatchOperationLocked(GraphEndpoint endpoint) => Take(endpoint, explicitOnly: true)?.Fault;

    private PendingFault? Take(GraphEndpoint endpoint, bool explicitOnly)
    {
        for (var i = 0; i < _faults.Count; i++)
        {
            var fault = _faults[i];
            var matches = fault.Endpoint is null ? !explicitOnly : fault.Endpoint == endpoint;
            if (!matches)
            {
                continue;
            }

            if (--fault.Remaining <= 0)
            {
                _faults.RemoveAt(i);
            }

            return fault;
        }

        return null;
    }
}
