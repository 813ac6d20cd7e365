using FbTokens.Internal;
using FbTokens.Tests.Framework;
using Microsoft.Extensions.DependencyInjection;

namespace FbTokens.Tests.Lifecycle;

/// <summary>
/// The sweep spends Graph's budget with care: on a usage report at or above <see cref="TokenManagerOptions.SweepUsageThreshold"/>
/// it pauses before claiming more, and it reports its backlog, lag and pauses as metrics. In the telemetry group: the
/// tests read process-wide metrics.
/// </summary>
[Collection(TelemetryTestGroup.Name)]
public sealed class SweepPacingTests
{
    private static GraphUsage AppAt(double percent) => new(new AppUsage(percent, 1, 1), [], null);

    private static GraphUsage BusinessAt(double percent, TimeSpan? regain) =>
        new(new AppUsage(10, 1, 1), [new BusinessUseCaseUsage("1", "pages", percent, 1, 1, regain)], null);

    /// <summary>Starts a round on this thread: the in-memory store answers at once, so it returns parked in its pause, if any.</summary>
    private static async Task<(SharedSweepInstances App, Task<TokenSweepResult> Round)> StartPausedRoundAsync(GraphUsage usage, Action<TokenManagerOptions>? configure = null)
    {
        var app = new SharedSweepInstances(1, new FakeBatchGraphHandler(), configure);
        await app.SeedUsersAsync(60);
        app.Hosts[0].Services.GetRequiredService<GraphUsageTracker>().Record(usage);
        return (app, app.Sweeper(0).SweepAsync(app.Now, CancellationToken.None));
    }

    [Fact]
    public async Task At_the_threshold_without_an_estimate_it_pauses_one_step_before_the_first_claim()
    {
        using var telemetry = new TelemetryCapture();
        var (app, round) = await StartPausedRoundAsync(AppAt(75));
        await using var _ = app;

        // Nothing goes to Graph until the step has passed since the report arrived.
        Assert.False(round.IsCompleted);
        app.Time.Advance(TokenSweeper.PacingStep - TimeSpan.FromMilliseconds(1));
        Assert.False(round.IsCompleted);
        Assert.Equal(0, app.Graph.Requests);
        app.Time.Advance(TimeSpan.FromMilliseconds(1));
        var result = await round;

        Assert.Equal(60, result.Checked);
        Assert.Equal(2, app.Graph.Requests);
        Assert.Equal(1, telemetry.Measurements.Where(m => m.Instrument == "fbtokens.sweep.pauses").Sum(m => m.Value));
        var log = Assert.Single(app.Logs.Entries, e => e.Id.Id == 2192);
        Assert.Contains("75% of the app's or a business use case's budget", log.Text, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_business_use_case_at_the_threshold_pauses_for_Graphs_estimate_of_regained_access()
    {
        var (app, round) = await StartPausedRoundAsync(BusinessAt(80, TimeSpan.FromMinutes(7)));
        await using var _ = app;

        app.Time.Advance(TimeSpan.FromMinutes(7) - TimeSpan.FromMilliseconds(1));
        Assert.False(round.IsCompleted);
        Assert.Equal(0, app.Graph.Requests);
        app.Time.Advance(TimeSpan.FromMilliseconds(1));

        Assert.Equal(60, (await round).Checked);
    }

    [Theory]
    [InlineData(74.9, 75)]
    [InlineData(150, 100)]
    public async Task Below_the_threshold_or_with_pacing_off_it_does_not_pause(double percent, double threshold)
    {
        var (app, round) = await StartPausedRoundAsync(AppAt(percent), o => o.SweepUsageThreshold = threshold);
        await using var _ = app;

        Assert.Equal(60, (await round).Checked);
        Assert.DoesNotContain(app.Logs.Entries, e => e.Id.Id == 2192);
    }

    [Fact]
    public async Task A_report_older_than_its_pause_no_longer_holds_the_sweep()
    {
        var app = new SharedSweepInstances(1, new FakeBatchGraphHandler());
        await using var _ = app;
        await app.SeedUsersAsync(10);
        app.Hosts[0].Services.GetRequiredService<GraphUsageTracker>().Record(AppAt(99));
        app.Time.Advance(TokenSweeper.PacingStep);

        Assert.Equal(10, Assert.Single(await app.RoundAsync()).Checked);
        Assert.DoesNotContain(app.Logs.Entries, e => e.Id.Id == 2192);
    }

    [Fact]
    public async Task A_round_reports_the_tokens_due_and_the_lag_of_the_oldest_then_its_progress()
    {
        using var telemetry = new TelemetryCapture();
        var graph = new FakeBatchGraphHandler();
        await using var app = new SharedSweepInstances(3, graph);
        await app.SeedUsersAsync(90, invalid: i => i == 4, updatedAt: app.Now - TimeSpan.FromHours(2));
        await app.Store.SetAsync(new StoredToken { Key = TokenKey.ForUser("1"), Value = "EAABnotdue-1", UpdatedAt = app.Now + TimeSpan.FromHours(1) }, 0);

        await app.RoundAsync(instances: [0]);

        // Measured when the round starts, before any token is claimed.
        var due = Assert.Single(telemetry.Measurements, m => m.Instrument == "fbtokens.sweep.due");
        var lag = Assert.Single(telemetry.Measurements, m => m.Instrument == "fbtokens.sweep.lag");
        Assert.Equal(90, due.Value);
        Assert.Equal(TimeSpan.FromHours(2).TotalSeconds, lag.Value);
        var swept = telemetry.Measurements.Where(m => m.Instrument == "fbtokens.sweep.tokens").ToList();
        Assert.Equal(90, swept.Where(m => Equals(m.Tag("fbtokens.outcome"), "checked")).Sum(m => m.Value));
        Assert.Equal(1, swept.Where(m => Equals(m.Tag("fbtokens.outcome"), "invalid")).Sum(m => m.Value));

        // The other instances find nothing left: their rounds report none due, no lag.
        await app.RoundAsync(instances: [1, 2]);
        Assert.Equal([0d, 0d, 90d], telemetry.Measurements.Where(m => m.Instrument == "fbtokens.sweep.due").Select(m => m.Value).Order());
        Assert.Equal([0d, 0d, 7200d], telemetry.Measurements.Where(m => m.Instrument == "fbtokens.sweep.lag").Select(m => m.Value).Order());
    }
}
