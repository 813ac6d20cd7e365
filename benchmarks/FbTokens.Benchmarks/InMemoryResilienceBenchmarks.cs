using BenchmarkDotNet.Attributes;
using Microsoft.Extensions.DependencyInjection;

namespace FbTokens.Benchmarks;

/// <summary>
/// 1b. In memory (canned bytes, no I/O), the fair comparison for FbTokens' pipeline: what a user would write instead,
/// a hand-written HttpClient + System.Text.Json client with <c>AddStandardResilienceHandler()</c>, against
/// <see cref="IGraphTokenClient"/> with its default pipeline. Targets: ratio ≤ 1.10, allocated ≤ 1.25.
/// </summary>
[MemoryDiagnoser]
public class InMemoryResilienceBenchmarks
{
    private const string UserId = "1207059";

    private ServiceProvider _baselineServices = null!;
    private HandWrittenGraphClient _baseline = null!;
    private ServiceProvider _services = null!;
    private IGraphTokenClient _client = null!;

    [Params(ClientOperations.Exchange, ClientOperations.Debug, ClientOperations.Accounts)]
    public string Operation { get; set; } = ClientOperations.Exchange;

    [GlobalSetup]
    public async Task SetupAsync()
    {
        var services = new ServiceCollection();
        services.AddHttpClient("HandWritten")
            .ConfigurePrimaryHttpMessageHandler(() => new CannedHandler())
            .AddStandardResilienceHandler();
        _baselineServices = services.BuildServiceProvider();
        _baseline = HandWrittenGraphClient.Canned(_baselineServices.GetRequiredService<IHttpClientFactory>().CreateClient("HandWritten"));

        _services = ClientOperations.CannedFbTokens(_ => { });
        _client = _services.GetRequiredService<IGraphTokenClient>();

        ClientOperations.Check(await HandWrittenWithStandardResilience().ConfigureAwait(false), Operation);
        ClientOperations.Check(await FbTokensDefaultPipeline().ConfigureAwait(false), Operation);
    }

    [GlobalCleanup]
    public void Cleanup()
    {
        _baselineServices.Dispose();
        _services.Dispose();
    }

    [Benchmark(Baseline = true, Description = "hand-written + AddStandardResilienceHandler()")]
    public Task<object> HandWrittenWithStandardResilience() => ClientOperations.Run(_baseline, Operation, UserId, CannedGraph.UserToken);

    [Benchmark(Description = "IGraphTokenClient, default pipeline")]
    public Task<object> FbTokensDefaultPipeline() => ClientOperations.Run(_client, Operation, UserId, CannedGraph.UserToken);
}
