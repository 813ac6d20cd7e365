using System.Globalization;
using FbTokens.Internal;
using FbTokens.Tests.Framework;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Time.Testing;

namespace FbTokens.Tests.Lifecycle;

/// <summary>
/// Several instances of one app (each its own service provider, as separate processes would be) sharing one store, one
/// fake clock and one fake Graph, so a test can run their sweep rounds side by side and count what reached Graph.
/// </summary>
internal sealed class SharedSweepInstances : IAsyncDisposable
{
    public SharedSweepInstances(int count, FakeBatchGraphHandler graph, Action<TokenManagerOptions>? configure = null, ITokenStore? store = null, HttpMessageHandler? api = null)
    {
        Graph = graph;
        Store = store ?? new InMemoryTokenStore();
        Hosts = [.. Enumerable.Range(0, count).Select(_ => new LifecycleHost(
            configure,
            build: b => b.AddTokenValidationSweep(),
            graph: api ?? graph,
            services: s =>
            {
                s.RemoveAllKeyed<ITokenStore>(TokenStoreRegistration.InnerStoreKey);
                s.AddKeyedSingleton<ITokenStore>(TokenStoreRegistration.InnerStoreKey, Store);
                s.AddSingleton<ILoggerProvider>(Logs);
            },
            time: Time))];
    }

    public FakeTimeProvider Time { get; } = new(LifecycleHost.Start);

    public ITokenStore Store { get; }

    public ITokenSweepSchedule Schedule => TokenSweepSchedules.Of(Store) ?? throw new InvalidOperationException("The store keeps no schedule.");

    public FakeBatchGraphHandler Graph { get; }

    public LifecycleHost[] Hosts { get; }

    public CapturingLoggerProvider Logs { get; } = new();

    public DateTimeOffset Now => Time.GetUtcNow();

    public TokenManagerOptions Options => Hosts[0].Options;

    public TokenSweeper Sweeper(int instance) => Hosts[instance].Services.GetRequiredService<TokenSweeper>();

    /// <summary>Every instance runs its scheduled round, anchored at <paramref name="roundStart"/> (now when null), at the same time.</summary>
    public async Task<TokenSweepResult[]> RoundAsync(DateTimeOffset? roundStart = null, IEnumerable<int>? instances = null)
    {
        var start = roundStart ?? Now;
        var which = instances ?? Enumerable.Range(0, Hosts.Length);
        return await Task.WhenAll(which.Select(i => Task.Run(() => Sweeper(i).SweepAsync(start, CancellationToken.None))));
    }

    public IEnumerable<T> Notices<T>(Func<RecordingObserver, IEnumerable<T>> of) => Hosts.SelectMany(h => of(h.Observer));

    public static string UserId(int i) => (1_000_000 + i).ToString(CultureInfo.InvariantCulture);

    /// <summary>Stores <paramref name="count"/> user tokens straight into the store, due from <paramref name="updatedAt"/>.</summary>
    public async Task SeedUsersAsync(int count, Func<int, bool>? invalid = null, DateTimeOffset? updatedAt = null, Func<int, TokenStatus>? status = null)
    {
        for (var i = 0; i < count; i++)
        {
            await Store.SetAsync(new StoredToken
            {
                Key = TokenKey.ForUser(UserId(i)),
                Value = FakeBatchGraphHandler.TokenFor(i, invalid?.Invoke(i) ?? false),
                ExpiresAt = LifecycleHost.Start + TimeSpan.FromDays(50),
                DataAccessExpiresAt = LifecycleHost.Start + TimeSpan.FromDays(80),
                Scopes = ["email", "pages_show_list"],
                Status = status?.Invoke(i) ?? TokenStatus.Valid,
                IssuedAt = updatedAt ?? Now,
                UpdatedAt = updatedAt ?? Now,
            }, expectedVersion: 0);
        }
    }

    public async ValueTask DisposeAsync()
    {
        foreach (var host in Hosts)
        {
            await host.DisposeAsync();
        }
    }
}
