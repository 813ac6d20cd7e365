using BenchmarkDotNet.Attributes;
using Microsoft.Extensions.DependencyInjection;

namespace FbTokens.Benchmarks;

/// <summary>
/// 1c. In memory (canned bytes, no I/O), resilience off (<c>FbTokens:Resilience:Enabled = false</c>: no resilience
/// handler at all) against the bare hand-written HttpClient + System.Text.Json client: what request building,
/// <c>appsecret_proof</c>, error classification and telemetry cost. Target: ratio ≤ 1.05.
/// </summary>
[MemoryDiagnoser]
public class InMemoryNoResilienceBenchmarks
{
    private const string UserId = "1207059";

    private HttpClient _baselineHttp = null!;
    private HandWrittenGraphClient _baseline = null!;
    private ServiceProvider _services = null!;
    private IGraphTokenClient _client = null!;

    [Params(ClientOperations.Exchange, ClientOperations.Debug, ClientOperations.Accounts)]
    public string Operation { get; set; } = ClientOperations.Exchange;

    [GlobalSetup]
    public async Task SetupAsync()
    {
        _baselineHttp = new HttpClient(new CannedHandler());
        _baseline = HandWrittenGraphClient.Canned(_baselineHttp);
        _services = ClientOperations.CannedFbTokens(fb => fb.ConfigureResilience(r => r.Enabled = false));
        _client = _services.GetRequiredService<IGraphTokenClient>();

        ClientOperations.Check(await HandWritten().ConfigureAwait(false), Operation);
        ClientOperations.Check(await FbTokensWithoutResilience().ConfigureAwait(false), Operation);
    }

    [GlobalCleanup]
    public void Cleanup()
    {
        _baselineHttp.Dispose();
        _services.Dispose();
    }

    [Benchmark(Baseline = true, Description = "hand-written HttpClient + STJ")]
    public Task<object> HandWritten() => ClientOperations.Run(_baseline, Operation, UserId, CannedGraph.UserToken);

    [Benchmark(Description = "IGraphTokenClient, resilience off")]
    public Task<object> FbTokensWithoutResilience() => ClientOperations.Run(_client, Operation, UserId, CannedGraph.UserToken);
}
