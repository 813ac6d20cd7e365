using System.Globalization;
using BenchmarkDotNet.Attributes;
using Microsoft.Extensions.DependencyInjection;

namespace FbTokens.Benchmarks;

/// <summary>
/// Redis store throughput, single node against a three-master Redis Cluster with <c>ShardCount = 16</c>: a read
/// (<see cref="ITokenStore.GetAsync"/>) and a compare-and-set write (<see cref="ITokenStore.SetAsync"/> with the expected
/// version, the Lua script), one at a time and 64 at once over 64 keys. Compare each method's two rows (BenchmarkDotNet
/// has no baseline across parameter values); the concurrent rows are per operation, so operations per second = 1 / mean
/// there too. Needs two servers, named by
/// <c>FBTOKENS_BENCH_REDIS</c> (e.g. 127.0.0.1:6379; else <c>FBTOKENS_TEST_REDIS</c>) and <c>FBTOKENS_BENCH_REDIS_CLUSTER</c>
/// (its nodes, e.g. 127.0.0.1:7101,127.0.0.1:7102,127.0.0.1:7103 from <c>.ci/redis-cluster.sh start</c>; else
/// <c>FBTOKENS_TEST_REDIS_CLUSTER</c>). A target whose variable is missing fails its rows with a message saying so; the
/// other target still runs.
/// </summary>
[MemoryDiagnoser]
public class RedisStoreBenchmarks
{
    private const int Concurrency = 64;
    private static readonly string Prefix = "fbtokens-bench-" + Environment.ProcessId.ToString(CultureInfo.InvariantCulture);

    private ServiceProvider _services = null!;
    private ITokenStore _store = null!;
    private StoredToken[] _tokens = null!;
    private int _next;

    /// <summary>Where the store runs: <c>single</c> (the baseline) or <c>cluster</c>.</summary>
    [Params("single", "cluster")]
    public string Target { get; set; } = "single";

    [GlobalSetup]
    public void Setup()
    {
        var (configuration, shards) = Target == "cluster"
            ? (Endpoint("FBTOKENS_BENCH_REDIS_CLUSTER", "FBTOKENS_TEST_REDIS_CLUSTER", "a Redis Cluster's nodes, e.g. 127.0.0.1:7101,127.0.0.1:7102,127.0.0.1:7103 ('.ci/redis-cluster.sh start' starts one)"), 16)
            : (Endpoint("FBTOKENS_BENCH_REDIS", "FBTOKENS_TEST_REDIS", "a single Redis node, e.g. 127.0.0.1:6379"), 1);
        var services = new ServiceCollection();
        services.AddFbTokens(o =>
            {
                o.AppId = CannedGraph.AppId;
                o.AppSecret = CannedGraph.AppSecret;
            })
            .UseRedisTokenStore(configuration, o =>
            {
                o.KeyPrefix = Prefix;
                o.ShardCount = shards;
            });
        _services = services.BuildServiceProvider();
        _store = _services.GetRequiredService<ITokenStore>();
        var now = TimeProvider.System.GetUtcNow();
        _tokens = [.. Enumerable.Range(0, Concurrency).Select(i => _store.SetAsync(
            new StoredToken
            {
                Key = TokenKey.ForUser((1_000_000 + i).ToString(CultureInfo.InvariantCulture)),
                Value = CannedGraph.UserToken,
                ExpiresAt = now + TimeSpan.FromDays(50),
                Scopes = ["email", "pages_show_list"],
                IssuedAt = now,
                UpdatedAt = now,
            },
            expectedVersion: null).AsTask().GetAwaiter().GetResult())];
    }

    [GlobalCleanup]
    public void Cleanup()
    {
        if (_store is not null && _tokens is not null)
        {
            foreach (var token in _tokens)
            {
                _store.RemoveAsync(token.Key, null).AsTask().GetAwaiter().GetResult();
            }
        }

        _services?.Dispose();
    }

    [Benchmark]
    public async Task<StoredToken?> Get() => await _store.GetAsync(_tokens[_next++ % Concurrency].Key);

    [Benchmark]
    public async Task<StoredToken> CompareAndSet()
    {
        // One writer per key at a time: the expected version is always the current one, so every write succeeds.
        var i = _next++ % Concurrency;
        return _tokens[i] = await _store.SetAsync(_tokens[i], _tokens[i].Version);
    }

    [Benchmark(OperationsPerInvoke = Concurrency)]
    public Task Get64Concurrent() =>
        Task.WhenAll(_tokens.Select(t => _store.GetAsync(t.Key).AsTask()));

    [Benchmark(OperationsPerInvoke = Concurrency)]
    public async Task CompareAndSet64Concurrent()
    {
        var written = await Task.WhenAll(_tokens.Select(t => _store.SetAsync(t, t.Version).AsTask()));
        _tokens = written;
    }

    private static string Endpoint(string variable, string fallback, string what)
    {
        var value = Environment.GetEnvironmentVariable(variable);
        if (string.IsNullOrWhiteSpace(value))
        {
            value = Environment.GetEnvironmentVariable(fallback);
        }

        if (string.IsNullOrWhiteSpace(value))
        {
            var message = $"RedisStoreBenchmarks: {variable} (or {fallback}) is not set, so these rows cannot run. Set it to {what}.";
            Console.Error.WriteLine(message);
            throw new InvalidOperationException(message);
        }

        return value;
    }
}
