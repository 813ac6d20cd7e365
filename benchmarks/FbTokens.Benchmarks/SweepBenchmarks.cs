using System.Globalization;
using BenchmarkDotNet.Attributes;
using FbTokens.Internal;
using FbTokens.Testing;
using Microsoft.Extensions.DependencyInjection;

namespace FbTokens.Benchmarks;

/// <summary>
/// 4. Validation sweep: 1,000 and 10,000 stored long-lived user tokens (1 in 50 invalidated at the emulator) checked by
/// one <see cref="TokenSweeper.SweepNowAsync"/> through the real client pipeline against the in-memory
/// <see cref="GraphTokenEmulator"/>. The 1,000-token sweep is the baseline, so the ratios show how time and allocations
/// grow with ten times the tokens: 10 is linear. Targets: at most one HTTP request per 50 tokens (checked after every
/// iteration, printed at the end), linear growth, and memory held bounded by the 50-token chunk.
/// </summary>
[MemoryDiagnoser]
public class SweepBenchmarks
{
    private const int InvalidEvery = 50;

    private readonly Dictionary<int, SweepSetup> _setups = [];
    private TokenSweepResult? _last;

    // Each benchmark runs in its own process: seed only the store it sweeps.
    [GlobalSetup(Target = nameof(Sweep1000))]
    public void Setup1000() => _setups[1_000] = SweepSetup.Create(1_000);

    [GlobalSetup(Target = nameof(Sweep10000))]
    public void Setup10000() => _setups[10_000] = SweepSetup.Create(10_000);

    [IterationSetup]
    public void RestoreInvalidTokens()
    {
        // Each sweep must find the same tokens: put back as valid the ones the previous sweep marked.
        foreach (var setup in _setups.Values)
        {
            setup.Restore();
        }
    }

    [IterationCleanup]
    public void Check()
    {
        if (_last is null || _last.Requests == 0)
        {
            return;
        }

        var tokens = _last.Checked + _last.Failed;
        if (_last.Requests * 50 > tokens + 49 || _last.Invalid != tokens / InvalidEvery || _last.Failed != 0)
        {
            throw new InvalidOperationException(string.Create(CultureInfo.InvariantCulture,
                $"Sweep of {tokens} tokens: {_last.Requests} requests, {_last.Invalid} invalid, {_last.Failed} failed."));
        }
    }

    [GlobalCleanup]
    public void Cleanup()
    {
        foreach (var (count, setup) in _setups)
        {
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"// Sweep of {count} tokens: {setup.Emulator.GetCallCount(GraphEndpoint.Batch) / Math.Max(1, setup.Sweeps)} HTTP requests per sweep over {setup.Sweeps} sweeps."));
            setup.Dispose();
        }
    }

    [Benchmark(Baseline = true, Description = "sweep 1,000 tokens")]
    public async Task<int> Sweep1000() => (_last = await _setups[1_000].SweepAsync().ConfigureAwait(false)).Checked;

    [Benchmark(Description = "sweep 10,000 tokens")]
    public async Task<int> Sweep10000() => (_last = await _setups[10_000].SweepAsync().ConfigureAwait(false)).Checked;

    /// <summary>
    /// Stores the long-lived token the emulator issues to a new test user, as the manager keeps it; invalidated at the
    /// emulator (password changed) when <paramref name="invalidate"/> is set, so that the sweep finds it invalid.
    /// </summary>
    internal static StoredToken StoreUserToken(GraphTokenEmulator emulator, ITokenStore store, bool invalidate)
    {
        var user = emulator.CreateTestUser();
        var value = emulator.IssueUserToken(user.Id);
        var issued = emulator.FindToken(value)!;
        var stored = store.SetAsync(new StoredToken
        {
            Key = TokenKey.ForUser(user.Id),
            Value = value,
            ExpiresAt = issued.ExpiresAt,
            DataAccessExpiresAt = issued.DataAccessExpiresAt,
            Scopes = issued.Scopes,
            IssuedAt = issued.IssuedAt,
            UpdatedAt = issued.IssuedAt,
        }, expectedVersion: 0).AsTask().GetAwaiter().GetResult();
        if (invalidate)
        {
            emulator.InvalidateUserTokens(user.Id, TokenInvalidationReason.PasswordChanged);
        }

        return stored;
    }

    private sealed class SweepSetup : IDisposable
    {
        private readonly ServiceProvider _services;
        private readonly TokenSweeper _sweeper;
        private readonly ITokenStore _store;
        private readonly List<StoredToken> _invalid = [];

        private SweepSetup(GraphTokenEmulator emulator, ServiceProvider services)
        {
            Emulator = emulator;
            _services = services;
            _sweeper = services.GetRequiredService<TokenSweeper>();
            _store = services.GetRequiredService<ITokenStore>();
        }

        public GraphTokenEmulator Emulator { get; }

        public int Sweeps { get; private set; }

        public static SweepSetup Create(int count)
        {
            // A budget no run can reach, so the usage headers never trigger the client's proactive throttle.
            var emulator = new GraphTokenEmulator(options: new GraphTokenEmulatorOptions { CallBudgetPerHour = int.MaxValue });
            var services = new ServiceCollection();
            services.AddFbTokens(_ => { }).UseGraphTokenEmulator(emulator).AddTokenValidationSweep();
            var setup = new SweepSetup(emulator, services.BuildServiceProvider());
            for (var i = 0; i < count; i++)
            {
                var invalid = i % InvalidEvery == InvalidEvery - 1;
                var stored = StoreUserToken(emulator, setup._store, invalid);
                if (invalid)
                {
                    setup._invalid.Add(stored);
                }
            }

            return setup;
        }

        public void Restore()
        {
            foreach (var token in _invalid)
            {
                _store.SetAsync(token, expectedVersion: null).AsTask().GetAwaiter().GetResult();
            }
        }

        public async Task<TokenSweepResult> SweepAsync()
        {
            Sweeps++;
            // Every token, due or not: a scheduled round would find them all checked (next due an interval later) after the first.
            return await _sweeper.SweepNowAsync().ConfigureAwait(false);
        }

        public void Dispose()
        {
            _services.Dispose();
            Emulator.DisposeAsync().AsTask().GetAwaiter().GetResult();
        }
    }
}
