using BenchmarkDotNet.Attributes;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Http.Resilience;
using Polly;

namespace FbTokens.Benchmarks;

/// <summary>
/// 1. Client overhead per operation: <see cref="IGraphTokenClient"/> against a hand-written HttpClient +
/// System.Text.Json source-generated call doing the same request and parse, both over the same in-memory
/// handler returning canned bytes. Targets: ratio ≤ 1.10 with resilience off, ≤ 1.25 with the default
/// pipeline; allocated bytes ratio ≤ 1.5. The last row, for reference, replaces the default pipeline with the same
/// four strategies built from Polly through <c>ReplaceResiliencePipeline</c>: what the default cost when it was
/// built that way, and what a host that wants Polly's strategies pays.
/// </summary>
[MemoryDiagnoser]
public class ClientOverheadBenchmarks
{
    private HandWrittenGraphClient _baseline = null!;
    private HttpClient _baselineHttp = null!;
    private ServiceProvider _noResilience = null!;
    private ServiceProvider _defaultPipeline = null!;
    private ServiceProvider _pollyPipeline = null!;
    private IGraphTokenClient _clientNoResilience = null!;
    private IGraphTokenClient _clientDefault = null!;
    private IGraphTokenClient _clientPolly = null!;

    [Params("LongLivedExchange", "DebugToken", "AccountsPage100")]
    public string Operation { get; set; } = "LongLivedExchange";

    [GlobalSetup]
    public void Setup()
    {
        _baselineHttp = new HttpClient(new CannedHandler());
        _baseline = new HandWrittenGraphClient(_baselineHttp);
        _noResilience = Build(fb => fb.ConfigureResilience(r => r.Enabled = false));
        _defaultPipeline = Build(_ => { });
        _pollyPipeline = Build(fb => fb.ReplaceResiliencePipeline((pipeline, _) => pipeline
            .AddTimeout(TimeSpan.FromSeconds(60))
            .AddRetry(new HttpRetryStrategyOptions { ShouldHandle = GraphRetryPredicates.ShouldRetryAsync })
            .AddCircuitBreaker(new HttpCircuitBreakerStrategyOptions())
            .AddTimeout(TimeSpan.FromSeconds(10))));
        _clientNoResilience = _noResilience.GetRequiredService<IGraphTokenClient>();
        _clientDefault = _defaultPipeline.GetRequiredService<IGraphTokenClient>();
        _clientPolly = _pollyPipeline.GetRequiredService<IGraphTokenClient>();
    }

    [GlobalCleanup]
    public void Cleanup()
    {
        _baselineHttp.Dispose();
        _noResilience.Dispose();
        _defaultPipeline.Dispose();
        _pollyPipeline.Dispose();
    }

    [Benchmark(Baseline = true, Description = "hand-written HttpClient + STJ")]
    public Task<object> HandWritten() => Operation switch
    {
        "LongLivedExchange" => Box(_baseline.ExchangeAsync(CannedGraph.UserToken)),
        "DebugToken" => Box(_baseline.DebugAsync(CannedGraph.UserToken)),
        _ => Box(_baseline.AccountsPageAsync("1207059", CannedGraph.UserToken)),
    };

    [Benchmark(Description = "IGraphTokenClient, resilience off")]
    public Task<object> LibraryWithoutResilience() => Run(_clientNoResilience);

    [Benchmark(Description = "IGraphTokenClient, default pipeline")]
    public Task<object> LibraryWithDefaultPipeline() => Run(_clientDefault);

    [Benchmark(Description = "IGraphTokenClient, same strategies from Polly")]
    public Task<object> LibraryWithPollyPipeline() => Run(_clientPolly);

    private Task<object> Run(IGraphTokenClient client) => Operation switch
    {
        "LongLivedExchange" => Box(client.ExchangeForLongLivedTokenAsync(CannedGraph.UserToken)),
        "DebugToken" => Box(client.DebugTokenAsync(CannedGraph.UserToken)),
        _ => Box(ReadAllAsync(client)),
    };

    private static async Task<List<PageTokenResponse>> ReadAllAsync(IGraphTokenClient client)
    {
        var pages = new List<PageTokenResponse>(100);
        await foreach (var page in client.GetPageTokensAsync("1207059", CannedGraph.UserToken))
        {
            pages.Add(page);
        }

        return pages;
    }

    private static async Task<object> Box<T>(Task<T> task) => (await task)!;

    private static ServiceProvider Build(Action<IFbTokensBuilder> configure)
    {
        var services = new ServiceCollection();
        var fb = services.AddFbTokens(o =>
        {
            o.AppId = CannedGraph.AppId;
            o.AppSecret = CannedGraph.AppSecret;
        });
        fb.HttpClientBuilder.ConfigurePrimaryHttpMessageHandler(() => new CannedHandler());
        configure(fb);
        return services.BuildServiceProvider();
    }
}
