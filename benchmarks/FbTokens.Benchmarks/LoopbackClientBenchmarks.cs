using BenchmarkDotNet.Attributes;
using FbTokens.Testing;
using Microsoft.Extensions.DependencyInjection;

namespace FbTokens.Benchmarks;

/// <summary>
/// 1a. With the network in the denominator: each call over real loopback HTTP against the Kestrel emulator
/// (<see cref="GraphTokenEmulator.StartServerAsync"/>), <see cref="IGraphTokenClient"/> with its default pipeline
/// against a hand-written HttpClient + System.Text.Json call. Target: ratio ≤ 1.03. The emulator runs in the
/// benchmark's process, so its work is in every row alike. The third row, the same hand-written client on an
/// <see cref="IHttpClientFactory"/> client with <c>AddStandardResilienceHandler()</c>, is a reference, not a target:
/// what any Polly pipeline costs over loopback, so that the FbTokens row can be read as pipeline plus client.
/// </summary>
[MemoryDiagnoser]
public class LoopbackClientBenchmarks
{
    private GraphTokenEmulator _emulator = null!;
    private HttpClient _baselineHttp = null!;
    private HandWrittenGraphClient _baseline = null!;
    private ServiceProvider _standardServices = null!;
    private HandWrittenGraphClient _standard = null!;
    private ServiceProvider _services = null!;
    private IGraphTokenClient _client = null!;
    private string _userId = null!;
    private string _userToken = null!;

    [Params(ClientOperations.Exchange, ClientOperations.Debug, ClientOperations.Accounts)]
    public string Operation { get; set; } = ClientOperations.Exchange;

    [GlobalSetup]
    public async Task SetupAsync()
    {
        // A budget no run reaches: usage headers stay low, so FbTokens' usage throttle never holds a call.
        _emulator = new GraphTokenEmulator(options: new GraphTokenEmulatorOptions { CallBudgetPerHour = int.MaxValue });
        var graphBase = await _emulator.StartServerAsync().ConfigureAwait(false);
        var user = _emulator.CreateTestUser();
        _emulator.CreatePages(user.Id, 100);
        _userId = user.Id;
        _userToken = _emulator.IssueUserToken(user.Id, longLived: true);
        var app = _emulator.DefaultApp;

        _baselineHttp = new HttpClient();
        _baseline = new HandWrittenGraphClient(_baselineHttp, graphBase, app.AppId, app.AppSecret);

        var standard = new ServiceCollection();
        standard.AddHttpClient("HandWritten").AddStandardResilienceHandler();
        _standardServices = standard.BuildServiceProvider();
        _standard = new HandWrittenGraphClient(_standardServices.GetRequiredService<IHttpClientFactory>().CreateClient("HandWritten"), graphBase, app.AppId, app.AppSecret);

        var services = new ServiceCollection();
        services.AddFbTokens(o =>
        {
            o.AppId = app.AppId;
            o.AppSecret = app.AppSecret;
            o.GraphBaseAddress = graphBase;
        });
        _services = services.BuildServiceProvider();
        _client = _services.GetRequiredService<IGraphTokenClient>();

        ClientOperations.Check(await HandWritten().ConfigureAwait(false), Operation);
        ClientOperations.Check(await HandWrittenWithStandardResilience().ConfigureAwait(false), Operation);
        ClientOperations.Check(await FbTokensDefaultPipeline().ConfigureAwait(false), Operation);
    }

    [GlobalCleanup]
    public async Task CleanupAsync()
    {
        _baselineHttp.Dispose();
        await _standardServices.DisposeAsync().ConfigureAwait(false);
        await _services.DisposeAsync().ConfigureAwait(false);
        await _emulator.DisposeAsync().ConfigureAwait(false);
    }

    [Benchmark(Baseline = true, Description = "hand-written HttpClient + STJ, loopback")]
    public Task<object> HandWritten() => ClientOperations.Run(_baseline, Operation, _userId, _userToken);

    [Benchmark(Description = "hand-written + AddStandardResilienceHandler(), loopback (reference)")]
    public Task<object> HandWrittenWithStandardResilience() => ClientOperations.Run(_standard, Operation, _userId, _userToken);

    [Benchmark(Description = "IGraphTokenClient, default pipeline, loopback")]
    public Task<object> FbTokensDefaultPipeline() => ClientOperations.Run(_client, Operation, _userId, _userToken);
}
