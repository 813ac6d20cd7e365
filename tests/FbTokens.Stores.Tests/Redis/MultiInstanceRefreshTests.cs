using FbTokens.Stores.Tests.Framework;
using FbTokens.Testing;
using Microsoft.Extensions.DependencyInjection;
using Xunit.Abstractions;

namespace FbTokens.Stores.Tests.Redis;

/// <summary>
/// Three app instances (three service providers) sharing one Redis and one Graph: a token inside its refresh window,
/// wanted by a thousand callers on each instance at once, is refreshed by exactly one exchange request. On the single node
/// (one shard) and on the Redis Cluster (16 shards, <c>FBTOKENS_TEST_REDIS_CLUSTER</c>). With refresh-ahead, every caller
/// gets the still-valid token at once while one background refresh, across instances, renews it.
/// </summary>
public sealed class MultiInstanceRefreshTests(ITestOutputHelper output) : IAsyncLifetime
{
    private const int Instances = 3;
    private const int CallersPerInstance = 1_000;
    private readonly string _prefix = "fbtokens-multi-" + Guid.NewGuid().ToString("N");
    private readonly List<IAsyncDisposable> _owned = [];
    private GraphTokenEmulator _emulator = null!;
    private readonly List<ServiceProvider> _providers = [];
    private string _configuration = "";
    private readonly TaskCompletionSource _exchangeGate = new(TaskCreationOptions.RunContinuationsAsynchronously);

    public Task InitializeAsync()
    {
        // These tests are about one exchange across instances, not about what Graph renews: re-exchange extends here.
        var emulator = new GraphTokenEmulator(options: new GraphTokenEmulatorOptions { LongLivedExchangeExtends = true });
        _owned.Add(emulator);
        _emulator = emulator;
        return Task.CompletedTask;
    }

    public async Task DisposeAsync()
    {
        _exchangeGate.TrySetResult();
        foreach (var provider in _providers)
        {
            await provider.DisposeAsync();
        }

        foreach (var owned in _owned)
        {
            await owned.DisposeAsync();
        }

        if (_configuration.Length > 0)
        {
            await TestRedisCluster.DeleteKeysAsync(_configuration, _prefix);
        }
    }

    [SkippableTheory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task Three_instances_with_a_thousand_callers_each_send_exactly_one_exchange_and_all_get_the_new_token(bool cluster)
    {
        var (key, oldValue, managers) = await SeedAsync(useLock: true, cluster);

        var tokens = await Task.WhenAll(managers.SelectMany(manager =>
            Enumerable.Range(0, CallersPerInstance).Select(_ => Task.Run(() => manager.GetTokenAsync(key).AsTask()))));

        var exchanges = _emulator.GetCallCount(GraphEndpoint.AccessToken);
        output.WriteLine($"{Instances} instances x {CallersPerInstance} callers: {exchanges} exchange request(s).");
        Assert.Equal(1, exchanges);
        var fresh = tokens[0].Value;
        Assert.NotEqual(oldValue, fresh);
        Assert.All(tokens, t => Assert.Equal(fresh, t.Value));
        var stored = await managers[1].GetTokenAsync(key);
        Assert.Equal(fresh, stored.Value);
        Assert.Equal(2, stored.Version);
    }

    [SkippableTheory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task With_refresh_ahead_every_caller_gets_the_valid_token_at_once_and_one_background_exchange_renews_it(bool cluster)
    {
        var (key, oldValue, managers) = await SeedAsync(useLock: true, cluster, background: true);

        // The exchange is held at the network until every caller has returned: none of them waits for Graph.
        var tokens = await Task.WhenAll(managers.SelectMany(manager =>
            Enumerable.Range(0, CallersPerInstance).Select(_ => Task.Run(() => manager.GetTokenAsync(key).AsTask()))))
            .WaitAsync(TimeSpan.FromSeconds(60)); // callers that waited for the held exchange would never return
        Assert.All(tokens, t => Assert.Equal(oldValue, t.Value));
        Assert.False(_exchangeGate.Task.IsCompleted);

        _exchangeGate.SetResult();
        await Task.WhenAll(_providers.Select(p => p.GetRequiredService<FbTokens.Internal.TokenRefresher>().WhenIdleAsync(key))).WaitAsync(TimeSpan.FromSeconds(60));

        Assert.Equal(1, _emulator.GetCallCount(GraphEndpoint.AccessToken));
        var renewed = await Task.WhenAll(managers.Select(m => m.GetTokenAsync(key).AsTask()));
        Assert.All(renewed, t => Assert.NotEqual(oldValue, t.Value));
        Assert.Single(renewed.Select(t => t.Value).Distinct());
        Assert.Equal(2, renewed[0].Version);
    }

    [SkippableTheory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task Without_the_distributed_lock_each_instance_refreshes_on_its_own(bool cluster)
    {
        // The control: proves the test above can fail, and that it is the Redis lock that makes it pass.
        var (key, _, managers) = await SeedAsync(useLock: false, cluster);

        await Task.WhenAll(managers.SelectMany(manager =>
            Enumerable.Range(0, 50).Select(_ => Task.Run(async () =>
            {
                try
                {
                    await manager.GetTokenAsync(key);
                }
                catch (ReauthenticationRequiredException)
                {
                    // A late exchange with a token Graph already replaced may be refused; not what this test counts.
                }
            }))));

        Assert.True(_emulator.GetCallCount(GraphEndpoint.AccessToken) > 1);
    }

    private async Task<(TokenKey Key, string OldValue, IGraphTokenManager[] Managers)> SeedAsync(bool useLock, bool cluster, bool background = false)
    {
        var redis = _configuration = await TestRedisCluster.RedisAsync(cluster);
        var user = _emulator.CreateTestUser();
        var oldValue = _emulator.IssueUserToken(user.Id);
        var key = TokenKey.ForUser(user.Id);

        // Each exchange takes a while, so every instance wants its refresh while the first one is still running.
        _emulator.Faults.SetLatency(TimeSpan.FromMilliseconds(300), GraphEndpoint.AccessToken);
        for (var i = 0; i < Instances; i++)
        {
            var services = new ServiceCollection();
            services.AddLogging();
            var builder = services.AddFbTokens(_ => { })
                .UseGraphTokenEmulator(_emulator)
                .AddTokenManager(o => o.RefreshInBackground = background) // false: callers that wait, the cross-instance single flight
                .UseRedisTokenStore(redis, o =>
                {
                    o.KeyPrefix = _prefix;
                    o.ShardCount = cluster ? 16 : 1;
                    o.UseDistributedRefreshLock = useLock;
                });
            if (background)
            {
                builder.HttpClientBuilder.ConfigurePrimaryHttpMessageHandler(() => new GatedExchange(_emulator.CreateHttpMessageHandler(), _exchangeGate.Task));
            }

            _providers.Add(services.BuildServiceProvider());
        }

        var managers = _providers.Select(p => p.GetRequiredService<IGraphTokenManager>()).ToArray();

        // Stored with 3 days left: inside the default 7-day refresh window. Graph's exchange gives ~60 days.
        var now = TimeProvider.System.GetUtcNow();
        var store = _providers[0].GetRequiredService<ITokenStore>();
        await store.SetAsync(new StoredToken { Key = key, Value = oldValue, ExpiresAt = now.AddDays(3), IssuedAt = now, UpdatedAt = now }, 0);
        _emulator.ResetCallCounts();
        return (key, oldValue, managers);
    }

    /// <summary>Holds every token exchange (<c>oauth/access_token</c>) until <paramref name="gate"/> completes.</summary>
    private sealed class GatedExchange(HttpMessageHandler inner, Task gate) : DelegatingHandler(inner)
    {
        protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
        {
            if (request.RequestUri?.AbsolutePath.EndsWith("/oauth/access_token", StringComparison.Ordinal) == true)
            {
                await gate.WaitAsync(cancellationToken);
            }

            return await base.SendAsync(request, cancellationToken);
        }
    }
}
