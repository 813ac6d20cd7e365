using FbTokens.Internal;
using Microsoft.AspNetCore.DataProtection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using FbTokens.Tests.Framework;
using Microsoft.Extensions.DependencyInjection;

namespace FbTokens.Tests.Lifecycle;

/// <summary>
/// The sweep shared through the store's schedule (issue 16): however many instances run it, each token is checked once
/// per interval, T tokens in T/50 batch requests in total; a dead instance's chunk comes back when its lease passes.
/// </summary>
public sealed class SharedSweepTests
{
    private static readonly TimeSpan Interval = new TokenManagerOptions().SweepInterval;
    private static readonly TimeSpan Lease = new TokenManagerOptions().SweepLeaseDuration;

    [Fact]
    public async Task One_instance_checks_T_tokens_in_T_over_50_requests_and_each_is_next_due_an_interval_after_the_round_start()
    {
        var graph = new FakeBatchGraphHandler();
        await using var app = new SharedSweepInstances(1, graph);
        await app.SeedUsersAsync(500);
        var roundStart = app.Now;

        // The round runs a little after its wake time: the next check is anchored at the wake time, not at now.
        app.Time.Advance(TimeSpan.FromMinutes(3));
        var result = Assert.Single(await app.RoundAsync(roundStart));

        Assert.Equal(new TokenSweepResult(Checked: 500, Invalid: 0, Refreshed: 0, Failed: 0, Requests: 10), result);
        Assert.Equal(10, graph.Requests);
        Assert.Equal(500, graph.Checks.Count);
        Assert.All(graph.Checks.Values, n => Assert.Equal(1, n));
        Assert.Equal(new TokenSweepBacklog(0, null), await app.Schedule.GetBacklogAsync(null, roundStart + Interval - TimeSpan.FromMilliseconds(1)));
        Assert.Equal(new TokenSweepBacklog(500, roundStart + Interval), await app.Schedule.GetBacklogAsync(null, roundStart + Interval));

        // Nothing is due until then: a round in between sends nothing.
        Assert.Equal(0, Assert.Single(await app.RoundAsync()).Requests);
    }

    [Fact]
    public async Task Three_instances_sharing_a_store_send_T_over_50_requests_per_interval_in_total_and_check_each_token_once()
    {
        var graph = new FakeBatchGraphHandler();
        await using var app = new SharedSweepInstances(3, graph);
        await app.SeedUsersAsync(2_000, invalid: i => i % 100 == 7);

        var first = await app.RoundAsync();

        Assert.Equal(40, graph.Requests);
        Assert.Equal(2_000, first.Sum(r => r.Checked));
        Assert.Equal(20, first.Sum(r => r.Invalid));
        Assert.Equal(2_000, graph.Checks.Count);
        Assert.All(graph.Checks.Values, n => Assert.Equal(1, n));
        Assert.Equal(20, app.Notices(o => o.Reauthentication).Count());

        // The next interval: the 20 invalid tokens wait for a new login (claimed, not sent); the rest once more, in total.
        app.Time.Advance(Interval);
        var second = await app.RoundAsync();

        Assert.Equal(1_980, second.Sum(r => r.Checked));
        Assert.InRange(graph.Requests - 40, 40, 42);   // 1,980 in full batches, but each instance may end on a partial one
        Assert.All(graph.Checks, c => Assert.Equal(c.Key.StartsWith("INVALID", StringComparison.Ordinal) ? 1 : 2, c.Value));
        Assert.Equal(20, app.Notices(o => o.Reauthentication).Count());
    }

    [Fact]
    public async Task A_chunk_a_dead_instance_claimed_is_checked_again_after_its_lease_and_not_before()
    {
        var graph = new FakeBatchGraphHandler();
        await using var app = new SharedSweepInstances(2, graph);
        await app.SeedUsersAsync(300);
        var roundStart = app.Now;

        // A third instance claims a chunk, as its round would, and dies before checking it.
        var lost = await app.Schedule.ClaimDueAsync(null, roundStart, roundStart + Lease, 50);
        var results = await app.RoundAsync(roundStart);

        Assert.Equal(250, results.Sum(r => r.Checked));
        Assert.Equal(5, graph.Requests);
        Assert.All(lost, t => Assert.False(graph.Checks.ContainsKey(t.Value)));

        app.Time.Advance(Lease - TimeSpan.FromMilliseconds(1));
        Assert.Equal(0, (await app.RoundAsync()).Sum(r => r.Requests));

        app.Time.Advance(TimeSpan.FromMilliseconds(1));
        var late = await app.RoundAsync();

        Assert.Equal(50, late.Sum(r => r.Checked));
        Assert.Equal(6, graph.Requests);
        Assert.Equal(300, graph.Checks.Count);
        Assert.All(graph.Checks.Values, n => Assert.Equal(1, n));
    }

    [Fact]
    public async Task A_failed_batch_reschedules_nothing_so_its_chunk_is_retried_when_the_lease_passes()
    {
        var graph = new FakeBatchGraphHandler { FailRequest = 1 };
        await using var app = new SharedSweepInstances(1, graph);
        await app.SeedUsersAsync(100);
        var roundStart = app.Now;

        await Assert.ThrowsAnyAsync<Exception>(() => app.RoundAsync(roundStart));
        Assert.Equal(1, graph.Requests);

        // Five minutes on: the chunk that failed is still leased; the other half, due since the first round, goes now.
        app.Time.Advance(TimeSpan.FromMinutes(5));
        Assert.Equal(50, Assert.Single(await app.RoundAsync()).Checked);
        app.Time.Advance(Lease - TimeSpan.FromMinutes(5));
        Assert.Equal(50, Assert.Single(await app.RoundAsync()).Checked);

        Assert.Equal(3, graph.Requests);
        Assert.Equal(100, graph.Checks.Count);
        Assert.All(graph.Checks.Values, n => Assert.Equal(1, n));
    }

    [Fact]
    public async Task With_an_interval_under_twice_the_lease_a_failed_chunk_is_leased_for_half_the_interval()
    {
        // A 5-minute interval with the default 10-minute lease starts (it did before leases existed), and a failed chunk
        // comes back within the interval instead of after two of them.
        var graph = new FakeBatchGraphHandler { FailRequest = 1 };
        var interval = TimeSpan.FromMinutes(5);
        await using var app = new SharedSweepInstances(1, graph, o => o.SweepInterval = interval);
        await app.SeedUsersAsync(50);
        var roundStart = app.Now;

        await Assert.ThrowsAnyAsync<Exception>(() => app.RoundAsync(roundStart));

        Assert.Equal(new TokenSweepBacklog(1 * 50, roundStart + interval / 2), await app.Schedule.GetBacklogAsync(null, roundStart + interval / 2));
        Assert.Equal(0, (await app.Schedule.GetBacklogAsync(null, roundStart + interval / 2 - TimeSpan.FromMilliseconds(1))).DueCount);
    }

    [Fact]
    public async Task A_round_anchored_ahead_of_the_clock_leases_from_its_start_and_ends()
    {
        var graph = new FakeBatchGraphHandler();
        await using var app = new SharedSweepInstances(1, graph, o => o.SweepRetryAttempts = 0);
        await app.SeedUsersAsync(60);
        graph.IncompleteOnce[FakeBatchGraphHandler.TokenFor(3, invalid: false)] = true;

        // The clock went back after the wake time was fixed: a lease counted from now would end before the round's start,
        // and the token Graph left unanswered would be claimed again in the same round (with a Graph that keeps failing,
        // over and over).
        var roundStart = app.Now + TimeSpan.FromHours(1);
        var result = await app.Sweeper(0).SweepAsync(roundStart, CancellationToken.None).WaitAsync(TimeSpan.FromSeconds(30));

        Assert.Equal(new TokenSweepResult(Checked: 59, Invalid: 0, Refreshed: 0, Failed: 1, Requests: 2), result);
        Assert.Equal(new TokenSweepBacklog(1, roundStart + Lease), await app.Schedule.GetBacklogAsync(null, roundStart + Lease));
    }

    [Fact]
    public async Task Tokens_already_invalid_are_claimed_and_rescheduled_but_not_sent_and_the_batch_is_filled_with_others()
    {
        var graph = new FakeBatchGraphHandler();
        await using var app = new SharedSweepInstances(1, graph);

        // The ten invalid tokens are the most overdue, so the first claim is full of them.
        await app.SeedUsersAsync(10, status: _ => TokenStatus.Invalid, updatedAt: app.Now - TimeSpan.FromHours(1));
        for (var i = 10; i < 60; i++)
        {
            await app.Store.SetAsync(new StoredToken
            {
                Key = TokenKey.ForUser(SharedSweepInstances.UserId(i)),
                Value = FakeBatchGraphHandler.TokenFor(i, invalid: false),
                ExpiresAt = app.Now + TimeSpan.FromDays(50),
                UpdatedAt = app.Now,
            }, 0);
        }

        var result = Assert.Single(await app.RoundAsync());

        Assert.Equal(1, graph.Requests);
        Assert.Equal(50, graph.LargestBatch);
        Assert.Equal(50, result.Checked);
        Assert.DoesNotContain(graph.Checks.Keys, v => v.Contains("token00000", StringComparison.Ordinal));
        Assert.Equal(new TokenSweepBacklog(60, app.Now + Interval), await app.Schedule.GetBacklogAsync(null, app.Now + Interval));
    }

    [Fact]
    public async Task SweepNow_checks_every_token_now_and_reschedules_what_it_checked()
    {
        var graph = new FakeBatchGraphHandler();
        await using var app = new SharedSweepInstances(2, graph);
        await app.SeedUsersAsync(120, updatedAt: app.Now - TimeSpan.FromHours(2));
        await app.Schedule.ScheduleAsync([TokenKey.ForUser(SharedSweepInstances.UserId(0))], app.Now + TimeSpan.FromHours(3));

        // Due or not, every token is checked.
        var now = await app.Hosts[1].Services.GetRequiredService<ITokenValidationSweep>().SweepNowAsync();

        Assert.Equal(120, now.Checked);
        Assert.Equal(3, graph.Requests);
        Assert.Equal(0, (await app.RoundAsync()).Sum(r => r.Requests));
        Assert.Equal(new TokenSweepBacklog(120, app.Now + Interval), await app.Schedule.GetBacklogAsync(null, app.Now + Interval));
    }

    [Fact]
    public async Task A_store_without_a_schedule_is_swept_whole_by_every_instance_which_says_so_once()
    {
        var graph = new FakeBatchGraphHandler();
        await using var app = new SharedSweepInstances(2, graph, store: new CountingTokenStore());
        await app.SeedUsersAsync(100);

        var first = await app.RoundAsync();
        app.Time.Advance(Interval);
        await app.RoundAsync();

        Assert.All(first, r => Assert.Equal(100, r.Checked));
        Assert.Equal(8, graph.Requests);
        Assert.All(graph.Checks.Values, n => Assert.Equal(4, n));
        Assert.False(app.Sweeper(0).SharesRounds);
        var said = app.Logs.Entries.Where(e => e.Id.Id == 2190).ToList();
        Assert.Equal(2, said.Count);
        Assert.All(said, e => Assert.Contains("every instance sweeps every token", e.Text, StringComparison.Ordinal));
    }

    [Fact]
    public async Task Through_Data_Protection_the_sweep_still_shares_the_inner_stores_schedule()
    {
        var graph = new FakeBatchGraphHandler();
        var shared = new InMemoryTokenStore();
        await using var host = new LifecycleHost(
            build: b => b.AddTokenValidationSweep().ProtectTokensWithDataProtection(),
            graph: graph,
            services: s =>
            {
                s.RemoveAllKeyed<ITokenStore>(TokenStoreRegistration.InnerStoreKey);
                s.AddKeyedSingleton<ITokenStore>(TokenStoreRegistration.InnerStoreKey, shared);
                s.AddDataProtection().UseEphemeralDataProtectionProvider();
            });
        for (var i = 0; i < 60; i++)
        {
            await host.Store.SetAsync(new StoredToken { Key = TokenKey.ForUser(SharedSweepInstances.UserId(i)), Value = FakeBatchGraphHandler.TokenFor(i, false), UpdatedAt = host.Now }, 0);
        }

        var sweeper = host.Services.GetRequiredService<TokenSweeper>();
        var result = await sweeper.SweepAsync(CancellationToken.None);

        Assert.True(sweeper.SharesRounds);
        Assert.Equal(60, result.Checked);
        Assert.All(graph.Checks.Keys, v => Assert.StartsWith("EAAB", v, StringComparison.Ordinal));
        Assert.Equal(0, (await shared.GetBacklogAsync(null, host.Now)).DueCount);
    }

    [Fact]
    public async Task A_named_app_claims_only_its_own_tokens_from_a_store_the_apps_share()
    {
        var graph = new FakeBatchGraphHandler();
        await using var app = new SharedSweepInstances(1, graph);
        await app.SeedUsersAsync(10);
        await app.Store.SetAsync(new StoredToken { Key = TokenKey.ForUser("77", "999"), Value = "EAABotherapp-77", UpdatedAt = app.Now }, 0);
        await app.Store.SetAsync(new StoredToken { Key = TokenKey.ForUser("78", LifecycleHost.AppId), Value = "EAABownappid-78", UpdatedAt = app.Now }, 0);

        var result = Assert.Single(await app.RoundAsync());

        // The unnamed app owns keys naming no app and keys naming its own app id (LifecycleRules.Owns), not another app's.
        Assert.Equal(11, result.Checked);
        Assert.False(graph.Checks.ContainsKey("EAABotherapp-77"));
        Assert.Equal(1, (await app.Schedule.GetBacklogAsync("999", app.Now)).DueCount);
    }
}
