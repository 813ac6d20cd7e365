using System.Collections.Concurrent;

namespace FbTokens.Internal;

/// <summary>
/// Runs at most one piece of work per key at a time; callers that ask while it runs share its result. The work never
/// sees a caller's cancellation token, so a caller that gives up does not cancel the others; a finished flight is
/// forgotten at once, so failures are not cached.
/// </summary>
internal sealed class SingleFlight<TKey, TValue>
    where TKey : notnull
{
    private readonly ConcurrentDictionary<TKey, Lazy<Task<TValue>>> _flights = new();

    /// <summary>How many flights are running.</summary>
    public int Count => _flights.Count;

    /// <summary>Whether a flight is running for <paramref name="key"/> (a snapshot: it may end, or one start, at once).</summary>
    public bool IsRunning(TKey key) => _flights.ContainsKey(key);

    /// <summary>The flight running for <paramref name="key"/>, if any, without joining or starting one.</summary>
    public Task<TValue>? Running(TKey key) => _flights.TryGetValue(key, out var running) && running.IsValueCreated ? running.Value : null;

    public Task<TValue> RunAsync(TKey key, Func<TKey, Task<TValue>> work, CancellationToken cancellationToken) =>
        RunAsync(key, work, static (k, w) => w(k), cancellationToken);

    /// <summary>
    /// As <see cref="RunAsync(TKey, Func{TKey, Task{TValue}}, CancellationToken)"/>, with the work's state passed in,
    /// so that a caller joining a running flight (the many, in a stampede) allocates no closure.
    /// </summary>
    public Task<TValue> RunAsync<TState>(TKey key, TState state, Func<TKey, TState, Task<TValue>> work, CancellationToken cancellationToken)
    {
        while (true)
        {
            if (_flights.TryGetValue(key, out var running))
            {
                return running.Value.WaitAsync(cancellationToken);
            }

            Lazy<Task<TValue>>? flight = null;
            flight = new Lazy<Task<TValue>>(() => RunThenForgetAsync(key, flight!, k => work(k, state)), LazyThreadSafetyMode.ExecutionAndPublication);
            // Stryker disable once Block : without the early return the loop finds this same flight and returns it
            if (_flights.TryAdd(key, flight))
            {
                return flight.Value.WaitAsync(cancellationToken);
            }
        }
    }

    private async Task<TValue> RunThenForgetAsync(TKey key, Lazy<Task<TValue>> flight, Func<TKey, Task<TValue>> work)
    {
        try
        {
            return await work(key).ConfigureAwait(false);
        }
        finally
        {
            // Only this flight: a newer one under the same key must stay.
            _flights.TryRemove(new KeyValuePair<TKey, Lazy<Task<TValue>>>(key, flight));
        }
    }
}
