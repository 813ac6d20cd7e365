using System.Collections.Concurrent;
using BenchmarkDotNet.Attributes;
using FbTokens.Internal;
using Microsoft.Extensions.DependencyInjection;

namespace FbTokens.Benchmarks;

/// <summary>
/// 2. Token manager hit: a valid, not-yet-due user token from <see cref="InMemoryTokenStore"/> through
/// <see cref="IGraphTokenManager.GetTokenAsync"/>, against a bare <see cref="ConcurrentDictionary{TKey,TValue}.TryGetValue"/>
/// on the same key. This is the cost a host pays on every Graph request it makes with a stored token. Targets: ratio ≤ 5
/// and 0 bytes allocated. The middle row adds the one clock read any expiry check needs, to show what part of the
/// ratio is the clock rather than the manager.
/// </summary>
[MemoryDiagnoser]
public class TokenManagerHitBenchmarks
{
    private readonly ConcurrentDictionary<TokenKey, StoredToken> _dictionary = new();
    private readonly TokenKey _key = TokenKey.ForUser("1207059");
    private ServiceProvider _services = null!;
    private IGraphTokenManager _manager = null!;

    [GlobalSetup]
    public void Setup()
    {
        var services = new ServiceCollection();
        services.AddFbTokens(o =>
            {
                o.AppId = CannedGraph.AppId;
                o.AppSecret = CannedGraph.AppSecret;
            })
            .AddTokenManager()
            .HttpClientBuilder.ConfigurePrimaryHttpMessageHandler(() => new CannedHandler());
        _services = services.BuildServiceProvider();
        _manager = _services.GetRequiredService<IGraphTokenManager>();

        var now = TimeProvider.System.GetUtcNow();
        var token = new StoredToken
        {
            Key = _key,
            Value = CannedGraph.UserToken,
            ExpiresAt = now + TimeSpan.FromDays(50),
            DataAccessExpiresAt = now + TimeSpan.FromDays(80),
            Scopes = ["email", "pages_show_list"],
            IssuedAt = now,
            UpdatedAt = now,
        };
        var stored = _services.GetRequiredService<ITokenStore>().SetAsync(token, expectedVersion: 0).AsTask().GetAwaiter().GetResult();
        _dictionary[_key] = stored;
    }

    [GlobalCleanup]
    public void Cleanup() => _services.Dispose();

    [Benchmark(Baseline = true, Description = "ConcurrentDictionary.TryGetValue")]
    public StoredToken? Dictionary() => _dictionary.TryGetValue(_key, out var token) ? token : null;

    /// <summary>The floor for any manager that checks expiry: the lookup plus one read of the clock.</summary>
    [Benchmark(Description = "TryGetValue + TimeProvider.GetUtcNow")]
    public bool DictionaryAndClock() =>
        _dictionary.TryGetValue(_key, out var token) && (token.ExpiresAt is not { } expiresAt || expiresAt > TimeProvider.System.GetUtcNow());

    [Benchmark(Description = "IGraphTokenManager.GetTokenAsync (hit)")]
    public StoredToken Manager()
    {
        var pending = _manager.GetTokenAsync(_key);

        // A hit completes synchronously; anything else would be a bug in the setup, not something to measure.
        return pending.IsCompletedSuccessfully ? pending.Result : throw new InvalidOperationException("The hit did not complete synchronously.");
    }
}
