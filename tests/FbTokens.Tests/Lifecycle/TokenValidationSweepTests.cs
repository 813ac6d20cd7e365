using FbTokens.Internal;
using FbTokens.Tests.Framework;
using Microsoft.Extensions.DependencyInjection;

namespace FbTokens.Tests.Lifecycle;

/// <summary><see cref="ITokenValidationSweep"/>: a sweep on demand, for tests and admin endpoints. In the telemetry group:
/// one test reads the process-wide sweep metrics.</summary>
[Collection(TelemetryTestGroup.Name)]
public sealed class TokenValidationSweepTests
{
    private static async Task SeedAsync(LifecycleHost host, int count, Func<int, bool> invalid)
    {
        for (var i = 0; i < count; i++)
        {
            await host.Store.SetAsync(new StoredToken
            {
                Key = TokenKey.ForUser((2_000_000 + i).ToString(System.Globalization.CultureInfo.InvariantCulture)),
                Value = FakeBatchGraphHandler.TokenFor(i, invalid(i)),
                ExpiresAt = host.Now + TimeSpan.FromDays(50),
                DataAccessExpiresAt = host.Now + TimeSpan.FromDays(80),
                IssuedAt = host.Now,
                UpdatedAt = host.Now,
            }, expectedVersion: 0);
        }
    }

    [Fact]
    public async Task Sweeps_now_marks_and_reports_invalid_tokens_and_says_what_it_did()
    {
        var graph = new FakeBatchGraphHandler();
        await using var host = new LifecycleHost(configure: null, build: b => b.AddTokenValidationSweep(), graph: graph);
        await SeedAsync(host, 60, i => i is 7 or 55);

        var result = await host.Services.GetRequiredService<ITokenValidationSweep>().SweepNowAsync();

        Assert.Equal(new TokenSweepResult(Checked: 60, Invalid: 2, Refreshed: 0, Failed: 0, Requests: 2), result);
        Assert.Equal(2, host.Observer.Reauthentication.Count);
        Assert.Equal(TokenStatus.Invalid, (await host.Store.GetAsync(TokenKey.ForUser("2000007")))!.Status);
        Assert.Equal(TokenStatus.Valid, (await host.Store.GetAsync(TokenKey.ForUser("2000008")))!.Status);
    }

    [Fact]
    public async Task Reports_its_progress_after_every_batch_and_its_duration_as_metrics()
    {
        using var telemetry = new TelemetryCapture();
        var graph = new FakeBatchGraphHandler();
        await using var host = new LifecycleHost(o => o.SweepBatchSize = 4, build: b => b.AddTokenValidationSweep(), graph: graph);
        await SeedAsync(host, 10, i => i is 1 or 5 or 9);

        await host.Services.GetRequiredService<ITokenValidationSweep>().SweepNowAsync();

        var swept = telemetry.Measurements.Where(m => m.Instrument == "fbtokens.sweep.tokens").ToList();
        Assert.Equal(3, swept.Count(m => Equals(m.Tag("fbtokens.outcome"), "checked")));   // batches of 4, 4 and 2
        Assert.Equal(10, swept.Where(m => Equals(m.Tag("fbtokens.outcome"), "checked")).Sum(m => m.Value));
        Assert.Equal(3, swept.Where(m => Equals(m.Tag("fbtokens.outcome"), "invalid")).Sum(m => m.Value));
        Assert.DoesNotContain(swept, m => Equals(m.Tag("fbtokens.outcome"), "failed"));
        var duration = Assert.Single(telemetry.Measurements, m => m.Instrument == "fbtokens.sweep.duration");
        Assert.True(duration.Value >= 0);
    }

    [Fact]
    public async Task Is_the_same_sweep_the_schedule_runs_and_is_registered_only_with_the_sweep()
    {
        await using var withSweep = new LifecycleHost(configure: null, build: b => b.AddTokenValidationSweep(), graph: new FakeBatchGraphHandler());
        await using var managerOnly = new LifecycleHost(configure: null);

        Assert.Same(withSweep.Services.GetRequiredService<TokenSweeper>(), withSweep.Services.GetRequiredService<ITokenValidationSweep>());
        Assert.Null(managerOnly.Services.GetService<ITokenValidationSweep>());
    }

    [Fact]
    public async Task A_named_app_has_its_own_keyed_sweep()
    {
        var services = new ServiceCollection();
        services.AddFbTokens("a", o => { o.AppId = "2"; o.AppSecret = "secret-a"; }).AddTokenValidationSweep();
        services.AddFbTokens("b", o => { o.AppId = "3"; o.AppSecret = "secret-b"; }).AddTokenValidationSweep();
        await using var provider = services.BuildServiceProvider();

        var a = provider.GetRequiredKeyedService<ITokenValidationSweep>("a");
        var b = provider.GetRequiredKeyedService<ITokenValidationSweep>("b");

        Assert.Same(provider.GetRequiredKeyedService<TokenSweeper>("a"), a);
        Assert.NotSame(a, b);
        Assert.Null(provider.GetService<ITokenValidationSweep>());
    }

    [Fact]
    public async Task A_second_sweep_waits_for_the_running_one_instead_of_overlapping_it()
    {
        var graph = new FakeBatchGraphHandler { Hold = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously) };
        await using var host = new LifecycleHost(configure: null, build: b => b.AddTokenValidationSweep(), graph: graph);
        await SeedAsync(host, 10, _ => false);
        var sweep = host.Services.GetRequiredService<ITokenValidationSweep>();

        // Released in any case, so a failing assertion does not leave the held requests (and the host's disposal) hanging.
        using var release = new Release(graph.Hold);
        var first = sweep.SweepNowAsync();
        await graph.Holding.WaitAsync(TimeSpan.FromSeconds(30));
        // Without the turn-taking, the second sweep reaches Graph synchronously, before SweepNowAsync returns.
        var second = sweep.SweepNowAsync();

        Assert.Equal(1, graph.Requests);
        Assert.False(second.IsCompleted);

        graph.Hold.TrySetResult();
        var results = await Task.WhenAll(first, second);

        Assert.Equal(2, graph.Requests);
        Assert.All(results, r => Assert.Equal(10, r.Checked));
    }

    [Fact]
    public async Task A_caller_can_stop_waiting_for_its_turn()
    {
        var graph = new FakeBatchGraphHandler { Hold = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously) };
        await using var host = new LifecycleHost(configure: null, build: b => b.AddTokenValidationSweep(), graph: graph);
        await SeedAsync(host, 3, _ => false);
        var sweep = host.Services.GetRequiredService<ITokenValidationSweep>();
        using var release = new Release(graph.Hold);
        var first = sweep.SweepNowAsync();
        await graph.Holding.WaitAsync(TimeSpan.FromSeconds(30));
        using var cancel = new CancellationTokenSource();

        var second = sweep.SweepNowAsync(cancel.Token);
        await cancel.CancelAsync();

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => second);
        graph.Hold.TrySetResult();
        Assert.Equal(3, (await first).Checked);
        Assert.Equal(1, graph.Requests);
    }

    private sealed class Release(TaskCompletionSource hold) : IDisposable
    {
        public void Dispose() => hold.TrySetResult();
    }
}
