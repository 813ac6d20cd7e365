using Microsoft.Extensions.Logging.Abstractions;
using System.Text.Json;
using BenchmarkDotNet.Attributes;
using BenchmarkDotNet.Configs;
using FbTokens.Internal;

namespace FbTokens.Benchmarks;

/// <summary>
/// 5. Response parsing alone, bytes to the public records: the library's source-generated payloads and mappers
/// against a hand-rolled <see cref="Utf8JsonReader"/> loop producing the same records. One baseline per payload.
/// </summary>
[MemoryDiagnoser]
[GroupBenchmarksBy(BenchmarkLogicalGroupRule.ByCategory)]
[CategoriesColumn]
public class ParsingBenchmarks
{
    private readonly SensitiveValues _sensitive = new();

    [Benchmark(Baseline = true), BenchmarkCategory("token")]
    public LongLivedTokenResponse TokenByHand() => RawReaders.Token(CannedGraph.LongLived);

    [Benchmark, BenchmarkCategory("token")]
    public LongLivedTokenResponse TokenLibrary()
    {
        var payload = JsonSerializer.Deserialize(CannedGraph.LongLived, GraphJsonContext.Default.TokenPayload)!;
        var expiresIn = TimeSpan.FromSeconds(payload.ExpiresIn!.Value);
        return PayloadMapper.ToLongLived(payload, expiresIn, DateTimeOffset.UnixEpoch + expiresIn);
    }

    [Benchmark(Baseline = true), BenchmarkCategory("debug_token")]
    public DebugTokenResponse DebugTokenByHand() => RawReaders.DebugToken(CannedGraph.DebugToken);

    [Benchmark, BenchmarkCategory("debug_token")]
    public DebugTokenResponse DebugTokenLibrary() =>
        PayloadMapper.ToResponse(JsonSerializer.Deserialize(CannedGraph.DebugToken, GraphJsonContext.Default.DebugTokenEnvelope)!.Data, _sensitive, NullLogger.Instance, "DebugToken");

    [Benchmark(Baseline = true), BenchmarkCategory("accounts_100")]
    public List<PageTokenResponse> AccountsByHand() => RawReaders.Pages(CannedGraph.AccountsPage);

    [Benchmark, BenchmarkCategory("accounts_100")]
    public List<PageTokenResponse> AccountsLibrary() =>
        JsonSerializer.Deserialize(CannedGraph.AccountsPage, GraphJsonContext.Default.AccountsPayload)!.Data.ConvertAll(p => PayloadMapper.ToResponse(p, _sensitive, NullLogger.Instance, "GetPageTokens")!);
}
