using System.Globalization;
using System.Net;
using BenchmarkDotNet.Attributes;
using Microsoft.Extensions.DependencyInjection;

namespace FbTokens.Benchmarks;

/// <summary>
/// 3. Stampede: N callers ask <see cref="IGraphTokenManager.GetTokenAsync"/> for one user token inside its refresh
/// window while the exchange is in flight (Graph answers only once every caller has asked). The baseline is one caller:
/// a single refresh. Targets: exactly one upstream exchange per iteration whatever N (checked after every iteration; a
/// second call fails the run) and a total time that grows with the callers' own cost, not with more refreshes.
/// </summary>
/// <remarks>
/// The callers are issued from one thread, so the figure is the manager's cost per waiting caller (read, join the
/// flight, receive the result), not the thread pool's. The test <c>TokenLifecycleEmulatorTests</c> runs 10,000
/// callers on the thread pool against the emulator.
/// </remarks>
[MemoryDiagnoser]
public class StampedeBenchmarks
{
    private readonly TokenKey _key = TokenKey.ForUser("1207059");
    private GatedExchangeHandler _graph = null!;
    private ServiceProvider _services = null!;
    private IGraphTokenManager _manager = null!;
    private ITokenStore _store = null!;
    private Task<StoredToken>[] _callers = [];
    private int _iterations;
    private int _maxUpstream;
    private int _minUpstream = int.MaxValue;

    [GlobalSetup]
    public void Setup()
    {
        _graph = new GatedExchangeHandler();
        var services = new ServiceCollection();
        services.AddFbTokens(o =>
            {
                o.AppId = CannedGraph.AppId;
                o.AppSecret = CannedGraph.AppSecret;
            })
            .AddTokenManager(o => o.RefreshInBackground = false) // callers that wait for the refresh: RefreshAheadBenchmarks has the others
            .HttpClientBuilder.ConfigurePrimaryHttpMessageHandler(() => _graph);
        _services = services.BuildServiceProvider();
        _manager = _services.GetRequiredService<IGraphTokenManager>();
        _store = _services.GetRequiredService<ITokenStore>();
    }

    [IterationSetup]
    public void SeedDueToken()
    {
        // 3 days left: inside the default 7-day window (jitter only moves the refresh earlier).
        var now = TimeProvider.System.GetUtcNow();
        _store.SetAsync(new StoredToken
        {
            Key = _key,
            Value = "EAAGm0PX4ZCpsBAOldDueUserToken0123456789abcdefghijkXYZ",
            ExpiresAt = now + TimeSpan.FromDays(3),
            Scopes = ["email"],
            IssuedAt = now - TimeSpan.FromDays(57),
            UpdatedAt = now,
        }, expectedVersion: null).AsTask().GetAwaiter().GetResult();
        _graph.Reset();
    }

    [IterationCleanup]
    public void CheckOneUpstreamCall()
    {
        var upstream = _graph.Requests;
        _iterations++;
        _maxUpstream = Math.Max(_maxUpstream, upstream);
        _minUpstream = Math.Min(_minUpstream, upstream);
        if (upstream != 1)
        {
            throw new InvalidOperationException(string.Create(CultureInfo.InvariantCulture, $"{_callers.Length} callers made {upstream} exchange requests; expected 1."));
        }

        foreach (var caller in _callers)
        {
            if (caller.Result.Value != CannedGraph.UserToken)
            {
                throw new InvalidOperationException("A caller did not get the refreshed token.");
            }
        }
    }

    [GlobalCleanup]
    public void Cleanup()
    {
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"// Stampede upstream exchange calls per iteration ({_callers.Length} callers, {_iterations} iterations): min {_minUpstream}, max {_maxUpstream}"));
        _services.Dispose();
    }

    [Benchmark(Baseline = true, Description = "1 caller (a single refresh)")]
    public Task One() => RunAsync(1);

    [Benchmark(Description = "100 concurrent callers")]
    public Task Hundred() => RunAsync(100);

    [Benchmark(Description = "10,000 concurrent callers")]
    public Task TenThousand() => RunAsync(10_000);

    private async Task RunAsync(int callers)
    {
        _callers = new Task<StoredToken>[callers];
        for (var i = 0; i < callers; i++)
        {
            _callers[i] = _manager.GetTokenAsync(_key).AsTask();
        }

        _graph.Release();
        await Task.WhenAll(_callers).ConfigureAwait(false);
    }

    /// <summary>Answers the exchange with a fresh long-lived token once released; counts the requests.</summary>
    private sealed class GatedExchangeHandler : HttpMessageHandler
    {
        private TaskCompletionSource _gate = new(TaskCreationOptions.RunContinuationsAsynchronously);
        private int _requests;

        public int Requests => Volatile.Read(ref _requests);

        public void Reset()
        {
            _gate = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
            Volatile.Write(ref _requests, 0);
        }

        public void Release() => _gate.TrySetResult();

        protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
        {
            Interlocked.Increment(ref _requests);
            await _gate.Task.ConfigureAwait(false);
            var content = new ByteArrayContent(CannedGraph.LongLived);
            content.Headers.ContentType = new System.Net.Http.Headers.MediaTypeHeaderValue("application/json");
            return new HttpResponseMessage(HttpStatusCode.OK) { Content = content, RequestMessage = request };
        }
    }
}
