using System.Globalization;
using BenchmarkDotNet.Attributes;
using FbTokens.Internal;
using FbTokens.Testing;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;

namespace FbTokens.Benchmarks;

/// <summary>
/// 4b. The validation sweep shared through the store's schedule (issue 16): one interval's round over T stored user
/// tokens (1 in 50 invalidated at the emulator) by 1, 3 and 5 instances (each its own service provider) sharing one
/// in-memory store, against the <see cref="GraphTokenEmulator"/> of <see cref="SweepBenchmarks"/> behind a handler that
/// holds every batch request for <see cref="Latency"/>, standing for the network. Target: T/50 batch requests per
/// interval in total whatever the instance count (checked after every iteration, printed at the end), and the round's time
/// falling as instances share the requests. The baseline is what the same instances did before: each swept the whole store
/// (<see cref="ITokenValidationSweep.SweepNowAsync"/>, which still does), so N instances sent N × T/50 requests.
/// </summary>
[MemoryDiagnoser]
[SimpleJob(launchCount: 1, warmupCount: 1, iterationCount: 5)]
public class SharedSweepBenchmarks
{
    private const int InvalidEvery = 50;

    /// <summary>How long the fake network holds each batch request.</summary>
    public static readonly TimeSpan Latency = TimeSpan.FromMilliseconds(20);

    private readonly List<ServiceProvider> _instances = [];
    private readonly List<StoredToken> _invalid = [];
    private readonly List<TokenKey> _keys = [];
    private InMemoryTokenStore _store = null!;
    private GraphTokenEmulator _emulator = null!;
    private LatencyHandlerCounter _counter = null!;
    private int _rounds;
    private int _baselineRounds;
    private int _roundRequests;
    private int _baselineRequests;
    private int _requestsBefore;

    /// <summary>Tokens stored.</summary>
    [Params(10_000)]
    public int Tokens { get; set; }

    /// <summary>Instances sharing the store.</summary>
    [Params(1, 3, 5)]
    public int Instances { get; set; }

    [GlobalSetup]
    public void Setup()
    {
        // A budget no run can reach: the usage headers never pace the sweep nor trigger the client's throttle.
        _emulator = new GraphTokenEmulator(options: new GraphTokenEmulatorOptions { CallBudgetPerHour = int.MaxValue });
        _store = new InMemoryTokenStore();
        _counter = new LatencyHandlerCounter();
        for (var i = 0; i < Instances; i++)
        {
            var services = new ServiceCollection();
            var builder = services.AddFbTokens(_ => { }).UseGraphTokenEmulator(_emulator).AddTokenValidationSweep();
            builder.HttpClientBuilder.ConfigurePrimaryHttpMessageHandler(() => new LatencyHandler(_emulator.CreateHttpMessageHandler(), _counter));
            services.RemoveAllKeyed<ITokenStore>(TokenStoreRegistration.InnerStoreKey);
            services.AddKeyedSingleton<ITokenStore>(TokenStoreRegistration.InnerStoreKey, _store);
            _instances.Add(services.BuildServiceProvider());
        }

        for (var i = 0; i < Tokens; i++)
        {
            var invalid = i % InvalidEvery == InvalidEvery - 1;
            var stored = SweepBenchmarks.StoreUserToken(_emulator, _store, invalid);
            _keys.Add(stored.Key);
            if (invalid)
            {
                _invalid.Add(stored);
            }
        }
    }

    [IterationSetup]
    public void StartInterval()
    {
        // A new interval: the tokens the previous round marked are put back as valid, and every token is due again.
        foreach (var token in _invalid)
        {
            _store.SetAsync(token, expectedVersion: null).AsTask().GetAwaiter().GetResult();
        }

        _store.ScheduleAsync(_keys, DateTimeOffset.UtcNow - TimeSpan.FromMinutes(1)).AsTask().GetAwaiter().GetResult();
        _requestsBefore = _counter.Requests;
    }

    [Benchmark(Baseline = true, Description = "every instance sweeps the whole store (before)")]
    public async Task<int> EachInstanceSweepsAll()
    {
        var results = await Task.WhenAll(_instances.Select(p => Task.Run(() => p.GetRequiredService<ITokenValidationSweep>().SweepNowAsync(CancellationToken.None)))).ConfigureAwait(false);
        _baselineRounds++;
        return results.Sum(r => r.Checked);
    }

    [Benchmark(Description = "one interval's shared round")]
    public async Task<int> Round()
    {
        var start = DateTimeOffset.UtcNow;
        var results = await Task.WhenAll(_instances.Select(p => Task.Run(() => p.GetRequiredService<TokenSweeper>().SweepAsync(start, CancellationToken.None)))).ConfigureAwait(false);
        _rounds++;
        return results.Sum(r => r.Checked);
    }

    [IterationCleanup(Target = nameof(EachInstanceSweepsAll))]
    public void CountBaseline() => _baselineRequests += _counter.Requests - _requestsBefore;

    [IterationCleanup(Target = nameof(Round))]
    public void Check()
    {
        var requests = _counter.Requests - _requestsBefore;
        _roundRequests += requests;
        var expected = (Tokens + 49) / 50;
        if (requests < expected || requests > expected + Instances - 1)
        {
            throw new InvalidOperationException(string.Create(CultureInfo.InvariantCulture,
                $"{Instances} instances over {Tokens} tokens: {requests} batch requests in one interval, expected {expected}."));
        }
    }

    [GlobalCleanup]
    public void Cleanup()
    {
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"// Sweep of {Tokens} tokens by {Instances} instance(s), {Latency.TotalMilliseconds} ms per request: shared {_roundRequests / (double)Math.Max(1, _rounds):F1} batch requests per interval ({_rounds} rounds); each sweeping all {_baselineRequests / (double)Math.Max(1, _baselineRounds):F1} ({_baselineRounds} rounds)."));
        foreach (var instance in _instances)
        {
            instance.Dispose();
        }

        _instances.Clear();
        _emulator.DisposeAsync().AsTask().GetAwaiter().GetResult();
    }

    /// <summary>Counts the batch requests every instance sent.</summary>
    private sealed class LatencyHandlerCounter
    {
        private int _requests;

        public int Requests => Volatile.Read(ref _requests);

        public void Count() => Interlocked.Increment(ref _requests);
    }

    /// <summary>Holds each request for <see cref="Latency"/> before the emulator answers it, and counts it.</summary>
    private sealed class LatencyHandler(HttpMessageHandler inner, LatencyHandlerCounter counter) : DelegatingHandler(inner)
    {
        protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
        {
            counter.Count();
            await Task.Delay(Latency, cancellationToken).ConfigureAwait(false);
            return await base.SendAsync(request, cancellationToken).ConfigureAwait(false);
        }
    }
}
