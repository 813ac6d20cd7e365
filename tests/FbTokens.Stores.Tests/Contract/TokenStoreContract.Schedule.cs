using System.Globalization;
using FbTokens.Internal;
using FbTokens.Stores.Tests.Framework;

namespace FbTokens.Stores.Tests.Contract;

/// <summary>
/// The sweep schedule (<see cref="ITokenSweepSchedule"/>) every store must keep so that instances share the validation
/// sweep. A store that does not implement it fails these tests: it would leave every instance sweeping everything.
/// </summary>
public abstract partial class TokenStoreContract
{
    private static readonly DateTimeOffset T0 = new(2030, 6, 1, 12, 0, 0, TimeSpan.Zero);
    private static readonly TimeSpan Lease = TimeSpan.FromMinutes(10);

    /// <summary>The store as a host resolves it and its schedule (through the Data Protection decorator when <paramref name="protect"/>).</summary>
    protected async Task<(ITokenStore Store, ITokenSweepSchedule Schedule)> ScheduledStoreAsync(bool protect = false)
    {
        var store = await StoreAsync(protect);
        var schedule = TokenSweepSchedules.Of(store);
        Assert.True(schedule is not null, $"{StoreType.Name} does not implement ITokenSweepSchedule: every instance would sweep the whole store.");
        return (store, schedule!);
    }

    private static StoredToken Due(TokenKey key, DateTimeOffset updatedAt, string value = Plain) => Token(key, value) with { UpdatedAt = updatedAt };

    private static string Id(int i) => (70_000 + i).ToString(CultureInfo.InvariantCulture);

    private static async Task<List<TokenKey>> ClaimKeysAsync(ITokenSweepSchedule schedule, string? appId, DateTimeOffset dueBy, int maxCount = 50) =>
        [.. (await schedule.ClaimDueAsync(appId, dueBy, dueBy + Lease, maxCount)).Select(t => t.Key)];

    [SkippableFact]
    public async Task Schedule_a_new_key_is_due_from_its_UpdatedAt_and_is_claimed_as_stored()
    {
        var (store, schedule) = await ScheduledStoreAsync();
        var key = TokenKey.ForUser("1001");
        await store.SetAsync(Due(key, T0), 0);
        var stored = await store.SetAsync(Due(key, T0) with { Scopes = ["email"] }, 1);

        Assert.Empty(await schedule.ClaimDueAsync(null, T0 - TimeSpan.FromMilliseconds(1), T0 + Lease, 10));
        var claimed = Assert.Single(await schedule.ClaimDueAsync(null, T0, T0 + Lease, 10));

        Assert.Equal(key, claimed.Key);
        Assert.Equal(stored.Version, claimed.Version);
        Assert.Equal(Plain, claimed.Value);
        Assert.Equal(["email"], claimed.Scopes);
        Assert.Equal(Expiry, claimed.ExpiresAt);
    }

    [SkippableFact]
    public async Task Schedule_overwriting_a_key_keeps_its_next_check()
    {
        var (store, schedule) = await ScheduledStoreAsync();
        var key = TokenKey.ForUser("1001");
        var first = await store.SetAsync(Due(key, T0), 0);
        await schedule.ScheduleAsync([key], T0 + TimeSpan.FromHours(6));

        // Rewritten with an earlier UpdatedAt, and again by compare-and-set: the schedule does not move.
        var second = await store.SetAsync(Due(key, T0 - TimeSpan.FromDays(1), "EAABsecond"), first.Version);
        await store.SetAsync(Due(key, T0 + TimeSpan.FromHours(1), "EAABthird"), second.Version);

        Assert.Empty(await ClaimKeysAsync(schedule, null, T0 + TimeSpan.FromHours(6) - TimeSpan.FromMilliseconds(1)));
        var claimed = Assert.Single(await schedule.ClaimDueAsync(null, T0 + TimeSpan.FromHours(6), T0 + TimeSpan.FromHours(7), 10));
        Assert.Equal("EAABthird", claimed.Value);
        Assert.Equal(3, claimed.Version);
    }

    [SkippableFact]
    public async Task Schedule_removing_a_key_drops_it_and_writing_it_again_makes_it_due_from_the_new_UpdatedAt()
    {
        var (store, schedule) = await ScheduledStoreAsync();
        var key = TokenKey.ForUser("1001");
        await store.SetAsync(Due(key, T0), 0);
        await store.SetAsync(Due(TokenKey.ForUser("1002"), T0), 0);

        Assert.True(await store.RemoveAsync(key, null));
        Assert.Equal(new TokenSweepBacklog(1, T0), await schedule.GetBacklogAsync(null, T0 + TimeSpan.FromDays(1)));
        Assert.Equal([TokenKey.ForUser("1002")], await ClaimKeysAsync(schedule, null, T0 + TimeSpan.FromDays(1)));
        await schedule.ScheduleAsync([TokenKey.ForUser("1002")], T0 + TimeSpan.FromDays(30));

        await store.SetAsync(Due(key, T0 + TimeSpan.FromDays(2)), 0);
        Assert.Empty(await ClaimKeysAsync(schedule, null, T0 + TimeSpan.FromDays(2) - TimeSpan.FromMilliseconds(1)));
        Assert.Equal([key], await ClaimKeysAsync(schedule, null, T0 + TimeSpan.FromDays(2)));
    }

    [SkippableFact]
    public async Task Schedule_never_holds_app_tokens()
    {
        var (store, schedule) = await ScheduledStoreAsync();
        await store.SetAsync(Due(TokenKey.ForApp(StoreServices.AppId), T0), 0);
        await store.SetAsync(Due(TokenKey.ForApp("3003"), T0), 0);
        await store.SetAsync(Due(TokenKey.ForSystemUser("9009"), T0), 0);

        Assert.Equal(new TokenSweepBacklog(1, T0), await schedule.GetBacklogAsync(null, T0 + TimeSpan.FromDays(30)));
        Assert.Equal([TokenKey.ForSystemUser("9009")], await ClaimKeysAsync(schedule, null, T0 + TimeSpan.FromDays(1)));
        Assert.Empty(await ClaimKeysAsync(schedule, "3003", T0 + TimeSpan.FromDays(1)));
        Assert.Equal(0, (await schedule.GetBacklogAsync("3003", T0 + TimeSpan.FromDays(30))).DueCount);
    }

    [SkippableFact]
    public async Task Schedule_claims_only_the_app_id_asked_for_and_null_only_keys_that_name_no_app()
    {
        var (store, schedule) = await ScheduledStoreAsync();
        await store.SetAsync(Due(TokenKey.ForUser("1001"), T0), 0);
        await store.SetAsync(Due(TokenKey.ForPage("501"), T0), 0);
        await store.SetAsync(Due(TokenKey.ForUser("1001", "3003"), T0), 0);
        await store.SetAsync(Due(TokenKey.ForPage("501", "3003"), T0), 0);
        await store.SetAsync(Due(TokenKey.ForUser("1001", "4004"), T0), 0);
        var later = T0 + TimeSpan.FromMinutes(1);

        Assert.Equal(2, (await schedule.GetBacklogAsync("3003", later)).DueCount);
        Assert.Equal(
            [TokenKey.ForPage("501", "3003"), TokenKey.ForUser("1001", "3003")],
            (await ClaimKeysAsync(schedule, "3003", later)).OrderBy(k => k.ToString(), StringComparer.Ordinal));
        Assert.Equal(
            [TokenKey.ForPage("501"), TokenKey.ForUser("1001")],
            (await ClaimKeysAsync(schedule, null, later)).OrderBy(k => k.ToString(), StringComparer.Ordinal));
        Assert.Equal([TokenKey.ForUser("1001", "4004")], await ClaimKeysAsync(schedule, "4004", later));
        Assert.Empty(await ClaimKeysAsync(schedule, "5005", later));
    }

    [SkippableFact]
    public async Task Schedule_claims_at_most_maxCount_the_most_overdue_first()
    {
        var (store, schedule) = await ScheduledStoreAsync();
        for (var i = 0; i < 5; i++)
        {
            // Written newest first, so the store's insertion order is not the answer.
            await store.SetAsync(Due(TokenKey.ForUser(Id(i)), T0 - TimeSpan.FromMinutes(i)), 0);
        }

        var now = T0 + TimeSpan.FromMinutes(1);
        var first = await ClaimKeysAsync(schedule, null, now, maxCount: 2);
        var second = await ClaimKeysAsync(schedule, null, now, maxCount: 2);
        var third = await ClaimKeysAsync(schedule, null, now, maxCount: 2);

        Assert.Equal([TokenKey.ForUser(Id(4)), TokenKey.ForUser(Id(3))], first);
        Assert.Equal([TokenKey.ForUser(Id(2)), TokenKey.ForUser(Id(1))], second);
        Assert.Equal([TokenKey.ForUser(Id(0))], third);
        Assert.Empty(await ClaimKeysAsync(schedule, null, now));
    }

    [SkippableFact]
    public async Task Schedule_a_lease_hides_claimed_tokens_until_it_passes_and_ScheduleAsync_ends_it()
    {
        var (store, schedule) = await ScheduledStoreAsync();
        var leased = TokenKey.ForUser("1001");
        var done = TokenKey.ForUser("1002");
        await store.SetAsync(Due(leased, T0), 0);
        await store.SetAsync(Due(done, T0 + TimeSpan.FromSeconds(1)), 0);
        var leaseUntil = T0 + TimeSpan.FromMinutes(10);

        Assert.Equal(2, (await schedule.ClaimDueAsync(null, T0 + TimeSpan.FromSeconds(1), leaseUntil, 10)).Count);
        await schedule.ScheduleAsync([done], T0 + TimeSpan.FromHours(6));

        var justBefore = leaseUntil - TimeSpan.FromMilliseconds(1);
        Assert.Empty(await ClaimKeysAsync(schedule, null, justBefore));
        Assert.Equal(new TokenSweepBacklog(0, null), await schedule.GetBacklogAsync(null, justBefore));
        Assert.Equal(new TokenSweepBacklog(1, leaseUntil), await schedule.GetBacklogAsync(null, leaseUntil));
        Assert.Equal([leased], await ClaimKeysAsync(schedule, null, leaseUntil));
        await schedule.ScheduleAsync([leased], T0 + TimeSpan.FromHours(7));
        Assert.Empty(await ClaimKeysAsync(schedule, null, T0 + TimeSpan.FromHours(6) - TimeSpan.FromMilliseconds(1)));
        Assert.Equal([done], await ClaimKeysAsync(schedule, null, T0 + TimeSpan.FromHours(6)));
    }

    [SkippableFact]
    public async Task Schedule_ScheduleAsync_ignores_keys_not_stored()
    {
        var (store, schedule) = await ScheduledStoreAsync();
        var stored = TokenKey.ForUser("1001");
        var missing = TokenKey.ForUser("404");
        await store.SetAsync(Due(stored, T0), 0);

        await schedule.ScheduleAsync([missing, stored, TokenKey.ForPage("405", "3003")], T0 + TimeSpan.FromHours(1));
        await schedule.ScheduleAsync([], T0);

        Assert.Null(await store.GetAsync(missing));
        Assert.Empty(await ClaimKeysAsync(schedule, null, T0 + TimeSpan.FromMinutes(59)));
        Assert.Equal([stored], await ClaimKeysAsync(schedule, null, T0 + TimeSpan.FromHours(1)));
        Assert.Empty(await ClaimKeysAsync(schedule, "3003", T0 + TimeSpan.FromDays(1)));
    }

    [SkippableFact]
    public async Task Schedule_backlog_counts_the_due_tokens_and_names_the_oldest_next_check()
    {
        var (store, schedule) = await ScheduledStoreAsync();
        for (var i = 0; i < 3; i++)
        {
            await store.SetAsync(Due(TokenKey.ForUser(Id(i)), T0 + TimeSpan.FromMinutes(i)), 0);
        }

        await store.SetAsync(Due(TokenKey.ForUser("1001", "3003"), T0 - TimeSpan.FromDays(1)), 0);

        Assert.Equal(new TokenSweepBacklog(0, null), await schedule.GetBacklogAsync(null, T0 - TimeSpan.FromMilliseconds(1)));
        Assert.Equal(new TokenSweepBacklog(2, T0), await schedule.GetBacklogAsync(null, T0 + TimeSpan.FromMinutes(1)));
        Assert.Equal(new TokenSweepBacklog(3, T0), await schedule.GetBacklogAsync(null, T0 + TimeSpan.FromHours(1)));
        Assert.Equal(new TokenSweepBacklog(1, T0 - TimeSpan.FromDays(1)), await schedule.GetBacklogAsync("3003", T0));
    }

    [SkippableFact]
    public async Task Schedule_through_Data_Protection_claims_plain_values()
    {
        var (store, schedule) = await ScheduledStoreAsync(protect: true);
        await store.SetAsync(Due(TokenKey.ForUser("1001"), T0), 0);
        await store.SetAsync(Due(TokenKey.ForPage("501"), T0), 0);

        var claimed = await schedule.ClaimDueAsync(null, T0, T0 + Lease, 10);

        Assert.Equal([Plain, Plain], claimed.Select(t => t.Value));
        await schedule.ScheduleAsync([TokenKey.ForUser("1001")], T0 + TimeSpan.FromHours(1));
        Assert.Equal(new TokenSweepBacklog(1, T0 + Lease), await schedule.GetBacklogAsync(null, T0 + TimeSpan.FromMinutes(59)));
    }

    [SkippableFact]
    public async Task Schedule_eight_concurrent_claimers_never_get_a_token_twice_and_together_get_every_due_one()
    {
        var (store, schedule) = await ScheduledStoreAsync();
        const int tokens = 300;
        await Parallel.ForAsync(0, tokens, new ParallelOptions { MaxDegreeOfParallelism = 16 }, async (i, ct) =>
            await store.SetAsync(Due(TokenKey.ForUser(Id(i)), T0 - TimeSpan.FromSeconds(i % 17)), 0, ct));
        await store.SetAsync(Due(TokenKey.ForUser("99999"), T0 + TimeSpan.FromHours(1)), 0);

        var claims = await Task.WhenAll(Enumerable.Range(0, 8).Select(_ => Task.Run(async () =>
        {
            var mine = new List<TokenKey>();
            while (await schedule.ClaimDueAsync(null, T0, T0 + Lease, 7) is { Count: > 0 } claimed)
            {
                mine.AddRange(claimed.Select(t => t.Key));
            }

            return mine;
        })));

        var all = claims.SelectMany(c => c).ToList();
        Output.WriteLine($"{tokens} due tokens claimed by 8 claimers: {string.Join(", ", claims.Select(c => c.Count))}.");
        Assert.Equal(tokens, all.Count);
        Assert.Equal(tokens, all.Distinct().Count());
        Assert.DoesNotContain(TokenKey.ForUser("99999"), all);
    }
}
