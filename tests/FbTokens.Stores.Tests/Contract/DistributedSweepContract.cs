using System.Collections.Concurrent;
using System.Diagnostics;
using System.Globalization;
using FbTokens.Internal;
using FbTokens.Stores.Tests.Framework;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Time.Testing;
using Xunit.Abstractions;

namespace FbTokens.Stores.Tests.Contract;

/// <summary>
/// The validation sweep shared through a store's schedule (issue 16), on the store's real backend: three instances (each
/// its own service provider, so each has its own connection to the backend), T tokens (<c>FBTOKENS_SWEEP_TOKENS</c>,
/// default 2,000) of which 1 % are invalid for mixed reasons, one fake Graph. Each interval makes exactly T
/// <c>debug_token</c> operations in T/50 batch requests in total; every invalid token is marked and notified once; a
/// killed instance's chunk is checked after its lease, and nothing is left unchecked. Rounds run through the sweep's own
/// round method on a fake clock. A derived class says how an instance registers the shared store.
/// </summary>
public abstract class DistributedSweepContract(ITestOutputHelper output) : IAsyncLifetime
{
    /// <summary>The reasons the invalid tokens are reported with, in turn: expired, password changed, logged out, app removed.</summary>
    private static readonly (int Subcode, TokenErrorReason Reason)[] Reasons =
    [
        (463, TokenErrorReason.Expired),
        (460, TokenErrorReason.PasswordChanged),
        (467, TokenErrorReason.InvalidAccessToken),
        (458, TokenErrorReason.AppNotInstalled),
    ];

    private readonly List<ServiceProvider> _providers = [];
    private readonly FakeTimeProvider _time = new(new DateTimeOffset(2030, 6, 1, 0, 0, 0, TimeSpan.Zero));
    private readonly SweepGraph _graph = new();
    private readonly Notices _notices = new();
    private bool _prepared;

    protected ITestOutputHelper Output => output;

    /// <summary>The key FbTokens registers the chosen store under.</summary>
    protected const string InnerStoreKey = TokenStoreRegistration.InnerStoreKey;

    /// <summary>How many tokens the tests store: <c>FBTOKENS_SWEEP_TOKENS</c>, default 2,000 (at least 200).</summary>
    protected static int TokenCount =>
        int.TryParse(Environment.GetEnvironmentVariable("FBTOKENS_SWEEP_TOKENS"), NumberStyles.Integer, CultureInfo.InvariantCulture, out var n) && n >= 200 ? n : 2_000;

    /// <summary>Registers the shared store for one instance (called once per instance, each with its own services).</summary>
    protected abstract void UseStore(IFbTokensBuilder builder);

    /// <summary>Creates the backend for this test; skips or fails when it is missing.</summary>
    protected virtual Task PrepareAsync() => Task.CompletedTask;

    /// <summary>Removes what <see cref="PrepareAsync"/> created.</summary>
    protected virtual Task CleanUpAsync() => Task.CompletedTask;

    public Task InitializeAsync() => Task.CompletedTask;

    public async Task DisposeAsync()
    {
        foreach (var provider in _providers)
        {
            await provider.DisposeAsync();
        }

        if (_prepared)
        {
            await CleanUpAsync();
        }
    }

    private static readonly TimeSpan Interval = new TokenManagerOptions().SweepInterval;

    private static readonly TimeSpan Lease = new TokenManagerOptions().SweepLeaseDuration;

    /// <summary>One instance of the app: its own services over the shared backend, clock, Graph and notice log.</summary>
    private async Task<ServiceProvider> InstanceAsync(bool killed = false)
    {
        if (!_prepared)
        {
            await PrepareAsync();
            _prepared = true;
        }

        var services = new ServiceCollection();
        services.AddLogging();
        services.AddSingleton<TimeProvider>(_time);
        services.AddSingleton<ITokenLifecycleObserver>(_notices);
        var builder = services.AddFbTokens(o =>
        {
            o.AppId = SweepGraph.AppId;
            o.AppSecret = SweepGraph.AppSecret;
            o.GraphBaseAddress = SweepGraph.BaseAddress;
            o.Resilience.MaxRetryAttempts = 0;
        });
        var handler = _graph.Handler(killed);
        builder.HttpClientBuilder.ConfigurePrimaryHttpMessageHandler(() => handler);
        builder.AddTokenManager(o => o.RefreshJitter = TimeSpan.Zero).AddTokenValidationSweep();
        UseStore(builder);
        var provider = services.BuildServiceProvider(new ServiceProviderOptions { ValidateOnBuild = true, ValidateScopes = true });
        _providers.Add(provider);
        return provider;
    }

    /// <summary>Stores T user tokens straight into the store, every hundredth invalid (for Graph) with the next reason.</summary>
    private async Task<Dictionary<TokenKey, TokenErrorReason>> SeedAsync(ITokenStore store)
    {
        var invalid = new ConcurrentDictionary<TokenKey, TokenErrorReason>();
        var now = _time.GetUtcNow();
        var watch = Stopwatch.StartNew();
        await Parallel.ForAsync(0, TokenCount, new ParallelOptions { MaxDegreeOfParallelism = 16 }, async (i, ct) =>
        {
            var key = TokenKey.ForUser((5_000_000 + i).ToString(CultureInfo.InvariantCulture));
            var value = SweepGraph.ValidToken(i);
            if (i % 100 == 50)
            {
                var (subcode, reason) = Reasons[i / 100 % Reasons.Length];
                value = SweepGraph.InvalidToken(i, subcode);
                invalid[key] = reason;
            }

            await store.SetAsync(new StoredToken
            {
                Key = key,
                Value = value,
                ExpiresAt = SweepGraph.ExpiresAt,
                DataAccessExpiresAt = SweepGraph.DataAccessExpiresAt,
                Scopes = SweepGraph.Scopes,
                IssuedAt = now,
                UpdatedAt = now - TimeSpan.FromMinutes(i % 7),
            }, 0, ct);
        });
        output.WriteLine($"Loaded {TokenCount} tokens ({invalid.Count} invalid for Graph) in {watch.ElapsedMilliseconds} ms.");
        return new Dictionary<TokenKey, TokenErrorReason>(invalid);
    }

    /// <summary>The given instances run their scheduled round, anchored at now, side by side.</summary>
    private async Task<TokenSweepResult[]> RoundAsync(IEnumerable<ServiceProvider> instances)
    {
        var start = _time.GetUtcNow();
        var watch = Stopwatch.StartNew();
        var results = await Task.WhenAll(instances.Select(p => Task.Run(() => p.GetRequiredService<TokenSweeper>().SweepAsync(start, CancellationToken.None))));
        output.WriteLine($"Round at {start:O}: {results.Sum(r => r.Checked)} checked in {results.Sum(r => r.Requests)} requests by {results.Length} instances, {watch.ElapsedMilliseconds} ms.");
        return results;
    }

    private static int Batches(int tokens) => (tokens + TokenManagerOptions.MaxSweepBatchSize - 1) / TokenManagerOptions.MaxSweepBatchSize;

    [SkippableFact]
    public async Task Three_instances_make_T_operations_in_T_over_50_requests_per_interval_and_mark_and_notify_each_invalid_token_once()
    {
        var instances = new[] { await InstanceAsync(), await InstanceAsync(), await InstanceAsync() };
        var store = instances[0].GetRequiredService<ITokenStore>();
        Assert.NotNull(TokenSweepSchedules.Of(store));
        Assert.All(instances, p => Assert.True(p.GetRequiredService<TokenSweeper>().SharesRounds));
        var invalid = await SeedAsync(store);

        var first = await RoundAsync(instances);

        Assert.Empty(_graph.Problems);
        Assert.Equal(TokenCount, _graph.Operations);
        Assert.Equal(TokenCount, first.Sum(r => r.Checked));
        Assert.Equal(invalid.Count, first.Sum(r => r.Invalid));
        // Claims are atomic and every chunk but the last is full; only when T is not a multiple of 50 may an instance end on
        // a partial batch of its own.
        Assert.InRange(_graph.Requests, Batches(TokenCount), TokenCount % 50 == 0 ? Batches(TokenCount) : Batches(TokenCount) + 2);
        Assert.Equal(TokenCount, _graph.Checks.Count);
        Assert.All(_graph.Checks.Values, n => Assert.Equal(1, n));

        var marked = new Dictionary<TokenKey, TokenErrorReason?>();
        await foreach (var token in store.ListAsync(TokenKind.User))
        {
            if (token.Status == TokenStatus.Invalid)
            {
                marked[token.Key] = token.InvalidReason;
            }
        }

        Assert.Equal(invalid.OrderBy(p => p.Key.ToString()), marked.OrderBy(p => p.Key.ToString()).Select(p => KeyValuePair.Create(p.Key, p.Value!.Value)));
        Assert.Equal(invalid.Keys.Order(KeyOrder), _notices.PerToken.Select(n => n.Key).Order(KeyOrder));
        Assert.Equal(invalid.Keys.Select(k => k.SubjectId).Order(StringComparer.Ordinal), _notices.PerUser.Select(n => n.UserId).Order(StringComparer.Ordinal));

        // The next interval: the valid tokens once more, in total; the invalid ones wait for a new login, unsent and untold.
        _time.Advance(Interval);
        var requestsBefore = _graph.Requests;
        var second = await RoundAsync(instances);

        var valid = TokenCount - invalid.Count;
        Assert.Equal(TokenCount + valid, _graph.Operations);
        Assert.Equal(valid, second.Sum(r => r.Checked));
        Assert.InRange(_graph.Requests - requestsBefore, Batches(valid), Batches(valid) + 2);
        Assert.All(_graph.Checks, c => Assert.Equal(c.Key.StartsWith("EAABdead", StringComparison.Ordinal) ? 1 : 2, c.Value));
        Assert.Equal(invalid.Count, _notices.PerToken.Count);
        Assert.Equal(invalid.Count, _notices.PerUser.Count);
    }

    [SkippableFact]
    public async Task A_killed_instances_chunk_is_checked_after_its_lease_and_no_token_is_left_unchecked()
    {
        var killed = await InstanceAsync(killed: true);
        var survivors = new[] { await InstanceAsync(), await InstanceAsync() };
        var invalid = await SeedAsync(survivors[0].GetRequiredService<ITokenStore>());

        // The killed instance claims its first chunk, sends it, and dies waiting for the answer.
        using var death = new CancellationTokenSource();
        var dying = killed.GetRequiredService<TokenSweeper>().SweepAsync(_time.GetUtcNow(), death.Token);
        await _graph.HeldSeen.Task.WaitAsync(TimeSpan.FromSeconds(60));
        var first = await RoundAsync(survivors);
        await death.CancelAsync();
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => dying);

        var held = _graph.Held.ToHashSet(StringComparer.Ordinal);
        Assert.Equal(TokenManagerOptions.MaxSweepBatchSize, held.Count);
        Assert.Equal(TokenCount - held.Count, first.Sum(r => r.Checked));
        Assert.All(held, v => Assert.False(_graph.Checks.ContainsKey(v)));

        // Not before the lease has passed...
        _time.Advance(Lease - TimeSpan.FromMilliseconds(1));
        Assert.Equal(0, (await RoundAsync(survivors)).Sum(r => r.Checked));

        // ...and then exactly that chunk.
        _time.Advance(TimeSpan.FromMilliseconds(1));
        var late = await RoundAsync(survivors);

        Assert.Equal(held.Count, late.Sum(r => r.Checked));
        Assert.Equal(TokenCount, _graph.Checks.Count);
        Assert.All(_graph.Checks.Values, n => Assert.Equal(1, n));
        Assert.Equal(invalid.Count, _notices.PerUser.Count);
        Assert.Equal(invalid.Count, _notices.PerToken.Select(n => n.Key).Distinct().Count());
        Assert.Equal(invalid.Count, _notices.PerToken.Count);
    }

    private static readonly IComparer<TokenKey> KeyOrder = Comparer<TokenKey>.Create(static (a, b) => string.CompareOrdinal(a.ToString(), b.ToString()));

    /// <summary>The notices every instance raised, in one place.</summary>
    private sealed class Notices : ITokenLifecycleObserver
    {
        public ConcurrentQueue<ReauthenticationRequiredNotice> PerToken { get; } = new();

        public ConcurrentQueue<UserReauthenticationRequiredNotice> PerUser { get; } = new();

        public ValueTask OnReauthenticationRequiredAsync(ReauthenticationRequiredNotice notification, CancellationToken cancellationToken = default)
        {
            PerToken.Enqueue(notification);
            return ValueTask.CompletedTask;
        }

        public ValueTask OnUserReauthenticationRequiredAsync(UserReauthenticationRequiredNotice notice, CancellationToken cancellationToken = default)
        {
            PerUser.Enqueue(notice);
            return ValueTask.CompletedTask;
        }
    }
}
