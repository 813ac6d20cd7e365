using System.Diagnostics;
using System.Globalization;
using System.Net;
using BenchmarkDotNet.Attributes;
using Microsoft.Extensions.DependencyInjection;

namespace FbTokens.Benchmarks;

/// <summary>
/// 16a. Refresh-ahead: 10,000 callers ask <see cref="IGraphTokenManager.GetTokenAsync"/> for one user token while its
/// refresh is held for 200 ms on a fake Graph. Baseline: the same 10,000 calls on a token that is not due (the plain
/// hit path). Targets: every caller returns the still-valid token, at most 2× the hit path, with one upstream call
/// (checked after every iteration; anything else fails the run). The per-call p50/p99 of each row is printed at the end.
/// Also: the same callers with <c>RefreshInBackground = false</c>, who wait for the held refresh.
/// </summary>
[MemoryDiagnoser]
public class RefreshAheadBenchmarks
{
    private const int Callers = 10_000;
    private static readonly TimeSpan Hold = TimeSpan.FromMilliseconds(200);
    private const string OldValue = "EAAGm0PX4ZCpsBAOldDueUserToken0123456789abcdefghijkXYZ";

    private readonly TokenKey _key = TokenKey.ForUser("1207059");
    private readonly Dictionary<string, List<long>> _latencies = [];
    private HeldExchangeHandler _graph = null!;
    private ServiceProvider _ahead = null!;
    private ServiceProvider _waiting = null!;
    private IGraphTokenManager _aheadManager = null!;
    private IGraphTokenManager _waitingManager = null!;
    private StoredToken[] _results = new StoredToken[Callers];
    private string _row = "";

    [GlobalSetup]
    public void Setup()
    {
        _graph = new HeldExchangeHandler(Hold);
        (_ahead, _aheadManager) = Build(background: true);
        (_waiting, _waitingManager) = Build(background: false);
    }

    private (ServiceProvider, IGraphTokenManager) Build(bool background)
    {
        var services = new ServiceCollection();
        services.AddFbTokens(o =>
            {
                o.AppId = CannedGraph.AppId;
                o.AppSecret = CannedGraph.AppSecret;
            })
            .AddTokenManager(o => o.RefreshInBackground = background)
            .HttpClientBuilder.ConfigurePrimaryHttpMessageHandler(() => _graph);
        var provider = services.BuildServiceProvider();
        return (provider, provider.GetRequiredService<IGraphTokenManager>());
    }

    [IterationSetup(Target = nameof(Hit))]
    public void SeedFresh() => Seed(_ahead, TimeSpan.FromDays(50));

    [IterationSetup(Targets = [nameof(RefreshHeld), nameof(WaitingForHeldRefresh)])]
    public void SeedDue()
    {
        Seed(_ahead, TimeSpan.FromDays(3));
        Seed(_waiting, TimeSpan.FromDays(3));
    }

    private void Seed(ServiceProvider services, TimeSpan left)
    {
        var now = TimeProvider.System.GetUtcNow();
        services.GetRequiredService<ITokenStore>().SetAsync(new StoredToken
        {
            Key = _key,
            Value = OldValue,
            ExpiresAt = now + left,
            Scopes = ["email"],
            IssuedAt = now - TimeSpan.FromDays(57),
            UpdatedAt = now,
        }, expectedVersion: null).AsTask().GetAwaiter().GetResult();
        _graph.Reset();
    }

    [IterationCleanup(Target = nameof(Hit))]
    public void CheckHit() => Check(expectedUpstream: 0, OldValue, _ahead);

    [IterationCleanup(Target = nameof(RefreshHeld))]
    public void CheckAhead() => Check(expectedUpstream: 1, OldValue, _ahead);

    [IterationCleanup(Target = nameof(WaitingForHeldRefresh))]
    public void CheckWaiting() => Check(expectedUpstream: 1, CannedGraph.UserToken, _waiting);

    private void Check(int expectedUpstream, string expectedValue, ServiceProvider services)
    {
        // Let the background refresh finish (not measured) so the next iteration starts from the seeded token.
        services.GetRequiredService<FbTokens.Internal.TokenRefresher>().WhenIdleAsync(_key).GetAwaiter().GetResult();

        if (_graph.Requests != expectedUpstream)
        {
            throw new InvalidOperationException(string.Create(CultureInfo.InvariantCulture, $"{_row}: {_graph.Requests} exchange requests; expected {expectedUpstream}."));
        }

        if (Array.Exists(_results, r => r is null || r.Value != expectedValue))
        {
            throw new InvalidOperationException($"{_row}: a caller did not get the expected token.");
        }
    }

    [GlobalCleanup]
    public void Cleanup()
    {
        foreach (var (row, ticks) in _latencies)
        {
            ticks.Sort();
            double Us(double q) => ticks[(int)Math.Min(ticks.Count - 1, q * ticks.Count)] * 1_000_000.0 / Stopwatch.Frequency;
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"// RefreshAhead {row}: {ticks.Count} calls, per call p50 {Us(0.50):F3} us, p99 {Us(0.99):F3} us, max {Us(1.0):F1} us"));
        }

        _ahead.Dispose();
        _waiting.Dispose();
    }

    [Benchmark(Baseline = true, Description = "10,000 callers, token not due (hit path)")]
    public Task Hit() => RunAsync(_aheadManager, "hit");

    [Benchmark(Description = "10,000 callers, refresh held 200 ms (refresh-ahead)")]
    public Task RefreshHeld() => RunAsync(_aheadManager, "refresh held, ahead");

    [Benchmark(Description = "10,000 callers, refresh held 200 ms, RefreshInBackground = false")]
    public Task WaitingForHeldRefresh() => RunAsync(_waitingManager, "refresh held, waiting");

    private async Task RunAsync(IGraphTokenManager manager, string row)
    {
        _row = row;
        if (!_latencies.TryGetValue(row, out var ticks))
        {
            _latencies[row] = ticks = new List<long>(Callers * 64);
        }

        var pending = new Task<StoredToken>?[Callers];
        var starts = new long[Callers];
        for (var i = 0; i < Callers; i++)
        {
            var started = starts[i] = Stopwatch.GetTimestamp();
            var call = manager.GetTokenAsync(_key);
            if (call.IsCompletedSuccessfully)
            {
                _results[i] = call.Result;
                ticks.Add(Stopwatch.GetTimestamp() - started);
            }
            else
            {
                pending[i] = call.AsTask();
            }
        }

        for (var i = 0; i < Callers; i++)
        {
            if (pending[i] is { } waiting)
            {
                _results[i] = await waiting.ConfigureAwait(false);
                ticks.Add(Stopwatch.GetTimestamp() - starts[i]);
            }
        }
    }

    /// <summary>Answers the exchange with a fresh long-lived token after <c>hold</c>; counts the requests.</summary>
    private sealed class HeldExchangeHandler(TimeSpan hold) : HttpMessageHandler
    {
        private int _requests;

        public int Requests => Volatile.Read(ref _requests);

        public void Reset() => Volatile.Write(ref _requests, 0);

        protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
        {
            Interlocked.Increment(ref _requests);
            await Task.Delay(hold, cancellationToken).ConfigureAwait(false);
            var content = new ByteArrayContent(CannedGraph.LongLived);
            content.Headers.ContentType = new System.Net.Http.Headers.MediaTypeHeaderValue("application/json");
            return new HttpResponseMessage(HttpStatusCode.OK) { Content = content, RequestMessage = request };
        }
    }
}
