using System.Diagnostics;
using FbTokens.Stores.Tests.Framework;
using Microsoft.AspNetCore.DataProtection;
using Microsoft.Extensions.DependencyInjection;
using Xunit.Abstractions;

namespace FbTokens.Stores.Tests.Contract;

/// <summary>
/// What every <see cref="ITokenStore"/> must do, run against each store on its real backend. A derived class says how to
/// register its store (through the same builder calls a host makes) and prepares and cleans its backend.
/// </summary>
public abstract partial class TokenStoreContract(ITestOutputHelper output) : IAsyncLifetime
{
    private const string Plain = "EAABplaintexttokenvalue0123456789abcdef";
    private static readonly DateTimeOffset Expiry = new(2030, 1, 2, 3, 4, 5, 678, TimeSpan.FromHours(2));
    private static readonly DateTimeOffset DataAccessExpiry = new(2030, 3, 4, 5, 6, 7, 89, TimeSpan.Zero);
    private static readonly DateTimeOffset Issued = new(2029, 11, 3, 3, 4, 5, 0, TimeSpan.Zero);

    private readonly List<ServiceProvider> _providers = [];
    private bool _prepared;

    protected ITestOutputHelper Output => output;

    /// <summary>The key FbTokens registers the chosen store under, the one its decorators wrap.</summary>
    protected const string InnerStoreKey = "FbTokens.InnerStore";

    /// <summary>The <c>DataProtectedTokenStore</c>'s purpose string.</summary>
    private const string ProtectionPurpose = "FbTokens.TokenStore.v1";

    /// <summary>Registers the store under test.</summary>
    protected abstract void UseStore(IFbTokensBuilder builder);

    /// <summary>The type of the store <see cref="UseStore"/> chooses.</summary>
    protected abstract Type StoreType { get; }

    /// <summary>Creates the backend for this test (a fresh database or key prefix); skips or fails when it is missing.</summary>
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

    /// <summary>The store as a host resolves it; with <paramref name="protect"/>, behind <c>ProtectTokensWithDataProtection()</c>.</summary>
    protected async Task<ITokenStore> StoreAsync(bool protect = false) =>
        (await ProviderAsync(protect, protectFirst: false)).GetRequiredService<ITokenStore>();

    /// <summary>A host's services, the store chosen after <c>ProtectTokensWithDataProtection()</c> when <paramref name="protectFirst"/>.</summary>
    private async Task<ServiceProvider> ProviderAsync(bool protect, bool protectFirst)
    {
        if (!_prepared)
        {
            await PrepareAsync();
            _prepared = true;
        }

        var provider = StoreServices.Build(
            b =>
            {
                if (protect && protectFirst)
                {
                    b.ProtectTokensWithDataProtection();
                }

                UseStore(b);
                if (protect && !protectFirst)
                {
                    b.ProtectTokensWithDataProtection();
                }
            },
            s => s.AddDataProtection().UseEphemeralDataProtectionProvider());
        _providers.Add(provider);
        return provider;
    }

    private static StoredToken Token(TokenKey key, string value = Plain) => new()
    {
        Key = key,
        Value = value,
        ExpiresAt = Expiry,
        DataAccessExpiresAt = DataAccessExpiry,
        Scopes = ["email", "pages_show_list"],
        IssuedAt = Issued,
        UpdatedAt = Issued,
    };

    private static async Task<List<StoredToken>> ListAsync(ITokenStore store, TokenKind? kind)
    {
        var list = new List<StoredToken>();
        await foreach (var token in store.ListAsync(kind))
        {
            list.Add(token);
        }

        return list;
    }

    [SkippableFact]
    public async Task Set_then_get_round_trips_every_field()
    {
        var store = await StoreAsync();
        var key = new TokenKey(TokenKind.Page, "2002", "3003");
        var token = Token(key) with
        {
            Status = TokenStatus.Invalid,
            InvalidReason = TokenErrorReason.PasswordChanged,
            MachineId = "machine-1",
            OwnerUserId = "1001",
            RenewalNeedsPerson = true,
            ExpiryNoticeSentFor = Expiry,
            DataAccessNoticeSentFor = DataAccessExpiry,
            MissingPermissionsNoticed = ["ads_read", "pages_manage_posts"],
        };

        var stored = await store.SetAsync(token with { Version = 42 }, expectedVersion: null);
        var read = await store.GetAsync(key);

        Assert.Equal(1, stored.Version);
        Assert.NotNull(read);
        Assert.Equal(key, read.Key);
        Assert.Equal(Plain, read.Value);
        Assert.Equal(Expiry, read.ExpiresAt);
        Assert.Equal(DataAccessExpiry, read.DataAccessExpiresAt);
        Assert.Equal(["email", "pages_show_list"], read.Scopes);
        Assert.Equal(TokenStatus.Invalid, read.Status);
        Assert.Equal(TokenErrorReason.PasswordChanged, read.InvalidReason);
        Assert.Equal(Issued, read.IssuedAt);
        Assert.Equal(Issued, read.UpdatedAt);
        Assert.Equal("machine-1", read.MachineId);
        Assert.Equal("1001", read.OwnerUserId);
        Assert.True(read.RenewalNeedsPerson);
        Assert.Equal(Expiry, read.ExpiryNoticeSentFor);
        Assert.Equal(DataAccessExpiry, read.DataAccessNoticeSentFor);
        Assert.Equal(["ads_read", "pages_manage_posts"], read.MissingPermissionsNoticed);
        Assert.Equal(1, read.Version);
    }

    [SkippableFact]
    public async Task Empty_scopes_and_missing_expiries_round_trip_as_such()
    {
        var store = await StoreAsync();
        var key = TokenKey.ForApp(StoreServices.AppId);
        await store.SetAsync(Token(key) with { Scopes = [], ExpiresAt = null, DataAccessExpiresAt = null }, null);

        var read = await store.GetAsync(key);

        Assert.NotNull(read);
        Assert.Empty(read.Scopes);
        Assert.Null(read.ExpiresAt);
        Assert.Null(read.DataAccessExpiresAt);
        Assert.Null(read.InvalidReason);
        Assert.Equal(TokenStatus.Valid, read.Status);
        Assert.False(read.RenewalNeedsPerson);
        Assert.Null(read.ExpiryNoticeSentFor);
        Assert.Null(read.DataAccessNoticeSentFor);
        Assert.Empty(read.MissingPermissionsNoticed);
    }

    [SkippableFact]
    public async Task A_missing_key_reads_as_null_and_keys_differing_by_kind_or_app_are_distinct()
    {
        var store = await StoreAsync();
        await store.SetAsync(Token(TokenKey.ForUser("1"), "EAABuser"), null);
        await store.SetAsync(Token(TokenKey.ForPage("1"), "EAABpage"), null);
        await store.SetAsync(Token(TokenKey.ForUser("1", "3003"), "EAABotherapp"), null);

        Assert.Null(await store.GetAsync(TokenKey.ForUser("2")));
        Assert.Equal("EAABuser", (await store.GetAsync(TokenKey.ForUser("1")))!.Value);
        Assert.Equal("EAABpage", (await store.GetAsync(TokenKey.ForPage("1")))!.Value);
        Assert.Equal("EAABotherapp", (await store.GetAsync(TokenKey.ForUser("1", "3003")))!.Value);
    }

    [SkippableFact]
    public async Task Each_write_increments_the_version_and_replaces_the_value()
    {
        var store = await StoreAsync();
        var key = TokenKey.ForUser("1001");

        var first = await store.SetAsync(Token(key, "EAABfirst"), null);
        var second = await store.SetAsync(Token(key, "EAABsecond"), first.Version);
        var third = await store.SetAsync(Token(key, "EAABthird") with { Scopes = ["email"] }, null);

        Assert.Equal([1L, 2L, 3L], [first.Version, second.Version, third.Version]);
        var read = await store.GetAsync(key);
        Assert.Equal("EAABthird", read!.Value);
        Assert.Equal(["email"], read.Scopes);
        Assert.Equal(3, read.Version);
    }

    [SkippableFact]
    public async Task Create_only_with_expected_version_0_fails_when_a_token_is_stored()
    {
        var store = await StoreAsync();
        var key = TokenKey.ForUser("1001");
        var created = await store.SetAsync(Token(key, "EAABfirst"), expectedVersion: 0);

        var ex = await Assert.ThrowsAsync<TokenStoreConcurrencyException>(() => store.SetAsync(Token(key, "EAABsecond"), 0).AsTask());

        Assert.Equal(1, created.Version);
        Assert.Equal(key, ex.Key);
        Assert.Equal(0, ex.ExpectedVersion);
        Assert.Equal(1, ex.ActualVersion);
        Assert.Equal("EAABfirst", (await store.GetAsync(key))!.Value);
    }

    [SkippableFact]
    public async Task Compare_and_set_with_a_stale_version_fails_and_keeps_the_newer_token()
    {
        var store = await StoreAsync();
        var key = TokenKey.ForUser("1001");
        var v1 = await store.SetAsync(Token(key, "EAABfirst"), 0);
        await store.SetAsync(Token(key, "EAABsecond"), v1.Version);

        var stale = await Assert.ThrowsAsync<TokenStoreConcurrencyException>(() => store.SetAsync(Token(key, "EAABlate"), v1.Version).AsTask());
        var missing = await Assert.ThrowsAsync<TokenStoreConcurrencyException>(() => store.SetAsync(Token(TokenKey.ForUser("404"), "EAABx"), 3).AsTask());

        Assert.Equal(1, stale.ExpectedVersion);
        Assert.Equal(2, stale.ActualVersion);
        Assert.Null(missing.ActualVersion);
        Assert.Null(await store.GetAsync(TokenKey.ForUser("404")));
        Assert.Equal("EAABsecond", (await store.GetAsync(key))!.Value);
        Assert.DoesNotContain("EAAB", stale.Message, StringComparison.Ordinal);
    }

    [SkippableFact]
    public async Task Remove_checks_the_version_and_reports_whether_a_token_was_removed()
    {
        var store = await StoreAsync();
        var key = TokenKey.ForUser("1001");
        var stored = await store.SetAsync(Token(key), null);
        await store.SetAsync(Token(TokenKey.ForUser("1002")), null);

        Assert.False(await store.RemoveAsync(TokenKey.ForUser("404"), null));
        var ex = await Assert.ThrowsAsync<TokenStoreConcurrencyException>(() => store.RemoveAsync(key, stored.Version + 5).AsTask());
        Assert.Equal(stored.Version, ex.ActualVersion);
        Assert.NotNull(await store.GetAsync(key));
        Assert.True(await store.RemoveAsync(key, stored.Version));
        Assert.Null(await store.GetAsync(key));
        Assert.True(await store.RemoveAsync(TokenKey.ForUser("1002"), null));
        Assert.Empty(await ListAsync(store, null));

        // A removed key starts again from version 1.
        Assert.Equal(1, (await store.SetAsync(Token(key), 0)).Version);
    }

    [SkippableFact]
    public async Task List_streams_every_token_once_across_pages_and_filters_by_kind()
    {
        var store = await StoreAsync();
        const int users = 450;
        const int pages = 30;
        await Parallel.ForAsync(0, users, new ParallelOptions { MaxDegreeOfParallelism = 16 }, async (i, ct) =>
            await store.SetAsync(Token(TokenKey.ForUser((10_000 + i).ToString(System.Globalization.CultureInfo.InvariantCulture))), null, ct));
        for (var i = 0; i < pages; i++)
        {
            await store.SetAsync(Token(TokenKey.ForPage((20_000 + i).ToString(System.Globalization.CultureInfo.InvariantCulture))), null);
        }

        await store.RemoveAsync(TokenKey.ForUser("10007"), null);

        var all = await ListAsync(store, null);
        var onlyPages = await ListAsync(store, TokenKind.Page);
        var onlyUsers = await ListAsync(store, TokenKind.User);

        Assert.Equal(users + pages - 1, all.Count);
        Assert.Equal(all.Count, all.Select(t => t.Key).Distinct().Count());
        Assert.DoesNotContain(all, t => t.Key == TokenKey.ForUser("10007"));
        Assert.Equal(pages, onlyPages.Count);
        Assert.All(onlyPages, t => Assert.Equal(TokenKind.Page, t.Key.Kind));
        Assert.Equal(users - 1, onlyUsers.Count);
        Assert.Empty(await ListAsync(store, TokenKind.SystemUser));
        Assert.All(all, t => Assert.Equal(Plain, t.Value));
    }

    private static async Task<List<TokenKey>> PersonAsync(ITokenStore store, string userId, string? appId = null)
    {
        var keys = new List<TokenKey>();
        await foreach (var token in store.ListForUserAsync(userId, appId))
        {
            keys.Add(token.Key);
        }

        return [.. keys.OrderBy(k => k.ToString(), StringComparer.Ordinal)];
    }

    private static StoredToken Owned(TokenKey key, string? owner, string value = Plain) => Token(key, value) with { OwnerUserId = owner };

    [SkippableFact]
    public async Task ListForUser_returns_the_user_token_and_the_tokens_they_own_and_no_other_users()
    {
        var store = await StoreAsync();
        await store.SetAsync(Owned(TokenKey.ForUser("1001"), null), null);
        await store.SetAsync(Owned(TokenKey.ForPage("501"), "1001"), null);
        await store.SetAsync(Owned(TokenKey.ForPage("502"), "1001"), null);
        await store.SetAsync(Owned(TokenKey.ForUser("2002"), null), null);
        await store.SetAsync(Owned(TokenKey.ForPage("601"), "2002"), null);
        await store.SetAsync(Owned(TokenKey.ForPage("503"), null), null);
        await store.SetAsync(Owned(TokenKey.ForSystemUser("1001"), null), null);

        Assert.Equal([TokenKey.ForPage("501"), TokenKey.ForPage("502"), TokenKey.ForUser("1001")], await PersonAsync(store, "1001"));
        Assert.Equal([TokenKey.ForPage("601"), TokenKey.ForUser("2002")], await PersonAsync(store, "2002"));
        Assert.Empty(await PersonAsync(store, "404"));
        await foreach (var token in store.ListForUserAsync("1001", null))
        {
            Assert.Equal(Plain, token.Value);
            Assert.Equal(Expiry, token.ExpiresAt);
        }
    }

    [SkippableFact]
    public async Task ListForUser_moves_a_token_whose_owner_changes()
    {
        var store = await StoreAsync();
        var page = TokenKey.ForPage("501");
        var first = await store.SetAsync(Owned(page, "1001"), null);
        await store.SetAsync(Owned(page, "2002"), first.Version);

        Assert.Empty(await PersonAsync(store, "1001"));
        Assert.Equal([page], await PersonAsync(store, "2002"));

        await store.SetAsync(Owned(page, null), null);
        Assert.Empty(await PersonAsync(store, "2002"));

        await store.SetAsync(Owned(page, "1001"), null);
        Assert.Equal([page], await PersonAsync(store, "1001"));
    }

    [SkippableFact]
    public async Task ListForUser_drops_a_removed_token_and_not_a_failed_write()
    {
        var store = await StoreAsync();
        var page = TokenKey.ForPage("501");
        var user = TokenKey.ForUser("1001");
        var stored = await store.SetAsync(Owned(page, "1001"), null);
        await store.SetAsync(Owned(user, null), null);

        // A compare-and-set that loses changes nothing, the index included.
        await Assert.ThrowsAsync<TokenStoreConcurrencyException>(() => store.SetAsync(Owned(page, "2002"), stored.Version + 3).AsTask());
        Assert.Equal([page, user], await PersonAsync(store, "1001"));
        Assert.Empty(await PersonAsync(store, "2002"));

        Assert.True(await store.RemoveAsync(page, null));
        Assert.Equal([user], await PersonAsync(store, "1001"));
        Assert.True(await store.RemoveAsync(user, null));
        Assert.Empty(await PersonAsync(store, "1001"));
    }

    [SkippableFact]
    public async Task ListForUser_keeps_app_ids_apart()
    {
        var store = await StoreAsync();
        await store.SetAsync(Owned(TokenKey.ForUser("1001"), null), null);
        await store.SetAsync(Owned(TokenKey.ForPage("501"), "1001"), null);
        await store.SetAsync(Owned(TokenKey.ForUser("1001", "3003"), null), null);
        await store.SetAsync(Owned(TokenKey.ForPage("501", "3003"), "1001"), null);
        await store.SetAsync(Owned(TokenKey.ForPage("502", "4004"), "1001"), null);

        Assert.Equal([TokenKey.ForPage("501"), TokenKey.ForUser("1001")], await PersonAsync(store, "1001"));
        Assert.Equal([TokenKey.ForPage("501", "3003"), TokenKey.ForUser("1001", "3003")], await PersonAsync(store, "1001", "3003"));
        Assert.Equal([TokenKey.ForPage("502", "4004")], await PersonAsync(store, "1001", "4004"));
        Assert.Empty(await PersonAsync(store, "1001", "5005"));
    }

    [SkippableFact]
    public async Task ListForUser_among_thousands_of_tokens_returns_the_persons_and_its_cost_is_reported()
    {
        // Correctness asserted; the timings against a scan of the store only reported (whatever machine runs it).
        var store = await StoreAsync();
        const int others = 2_000;
        await Parallel.ForAsync(0, others, new ParallelOptions { MaxDegreeOfParallelism = 16 }, async (i, ct) =>
            await store.SetAsync(Owned(TokenKey.ForPage((30_000 + i).ToString(System.Globalization.CultureInfo.InvariantCulture)), (40_000 + (i % 500)).ToString(System.Globalization.CultureInfo.InvariantCulture)), null, ct));
        await store.SetAsync(Owned(TokenKey.ForUser("1001"), null), null);
        await store.SetAsync(Owned(TokenKey.ForPage("501"), "1001"), null);
        await store.SetAsync(Owned(TokenKey.ForPage("502"), "1001"), null);
        await PersonAsync(store, "1001"); // first call: connections, and Redis's one-time index check

        var watch = Stopwatch.StartNew();
        List<TokenKey> person = [];
        for (var i = 0; i < 20; i++)
        {
            person = await PersonAsync(store, "1001");
        }

        var indexed = watch.Elapsed.TotalMilliseconds / 20;
        watch.Restart();
        var scanned = 0;
        await foreach (var token in store.ListAsync(null))
        {
            scanned += token.OwnerUserId == "1001" || token.Key == TokenKey.ForUser("1001") ? 1 : 0;
        }

        var scan = watch.Elapsed.TotalMilliseconds;
        Assert.Equal([TokenKey.ForPage("501"), TokenKey.ForPage("502"), TokenKey.ForUser("1001")], person);
        Assert.Equal(3, scanned);
        output.WriteLine($"LISTFORUSER {GetType().Name}: {indexed:F2} ms per ListForUserAsync vs {scan:F1} ms for a scan of {others + 3} tokens.");
    }

    [SkippableFact]
    public async Task ListForUser_through_Data_Protection_returns_plain_values()
    {
        var protectedStore = await StoreAsync(protect: true);
        await protectedStore.SetAsync(Owned(TokenKey.ForUser("1001"), null), null);
        await protectedStore.SetAsync(Owned(TokenKey.ForPage("501"), "1001"), null);

        var values = new List<string>();
        await foreach (var token in protectedStore.ListForUserAsync("1001", null))
        {
            values.Add(token.Value);
        }

        Assert.Equal([Plain, Plain], values);
    }

    [SkippableTheory]
    [InlineData(true)]
    [InlineData(false)]
    public async Task Data_Protection_wraps_this_store_whichever_is_registered_first(bool protectFirst)
    {
        var provider = await ProviderAsync(protect: true, protectFirst);
        var store = provider.GetRequiredService<ITokenStore>();
        var inner = provider.GetRequiredKeyedService<ITokenStore>(InnerStoreKey);
        var key = TokenKey.ForUser("1002");

        Assert.IsType(StoreType, inner);
        Assert.NotSame(inner, store);
        await store.SetAsync(Token(key), 0);
        var raw = (await inner.GetAsync(key))!.Value;

        Assert.Equal(Plain, (await store.GetAsync(key))!.Value);
        Assert.NotEqual(Plain, raw);
        Assert.Equal(Plain, provider.GetRequiredService<IDataProtectionProvider>().CreateProtector(ProtectionPurpose).Unprotect(raw));
    }

    [SkippableFact]
    public async Task Data_Protection_decorator_encrypts_values_at_rest_on_this_store()
    {
        var protectedStore = await StoreAsync(protect: true);
        var rawStore = await StoreAsync();
        var key = TokenKey.ForUser("1001");

        var stored = await protectedStore.SetAsync(Token(key), 0);
        var raw = await rawStore.GetAsync(key);
        var read = await protectedStore.GetAsync(key);
        var listed = await ListAsync(protectedStore, TokenKind.User);

        Assert.Equal(Plain, stored.Value);
        Assert.NotNull(raw);
        Assert.NotEqual(Plain, raw.Value);
        Assert.DoesNotContain("plaintext", raw.Value, StringComparison.Ordinal);
        Assert.Equal(Expiry, raw.ExpiresAt);
        Assert.Equal(Plain, read!.Value);
        Assert.Equal(Plain, Assert.Single(listed).Value);

        // Compare-and-set passes through the decorator.
        await Assert.ThrowsAsync<TokenStoreConcurrencyException>(() => protectedStore.SetAsync(Token(key), 0).AsTask());
    }

    [SkippableFact]
    public async Task A_thousand_concurrent_compare_and_set_writers_on_one_version_have_exactly_one_winner()
    {
        var store = await StoreAsync();
        var key = TokenKey.ForUser("1001");
        var seed = await store.SetAsync(Token(key, "EAABseed"), 0);
        const int writers = 1_000;

        var results = await Task.WhenAll(Enumerable.Range(0, writers).Select(i => Task.Run(async () =>
        {
            try
            {
                await store.SetAsync(Token(key, "EAABwriter" + i), seed.Version);
                return i;
            }
            catch (TokenStoreConcurrencyException ex)
            {
                Assert.Equal(seed.Version + 1, ex.ActualVersion);
                return -1;
            }
        })));

        var winner = Assert.Single(results, r => r >= 0);
        var stored = await store.GetAsync(key);
        Assert.Equal(seed.Version + 1, stored!.Version);
        Assert.Equal("EAABwriter" + winner, stored.Value);
    }

    [SkippableFact]
    public async Task A_thousand_concurrent_unconditional_writers_each_get_their_own_version_and_none_is_lost()
    {
        var store = await StoreAsync();
        var key = TokenKey.ForUser("1001");
        await store.SetAsync(Token(key, "EAABseed"), 0);
        const int writers = 1_000;

        var versions = await Task.WhenAll(Enumerable.Range(0, writers).Select(i => Task.Run(async () =>
            (await store.SetAsync(Token(key, "EAABwriter" + i), null)).Version)));

        // Exactly one winner per version: versions 2..1001, each once; the last version is the stored one.
        Assert.Equal(Enumerable.Range(2, writers).Select(v => (long)v), versions.Order());
        var stored = await store.GetAsync(key);
        Assert.Equal(writers + 1, stored!.Version);
        Assert.Equal("EAABwriter" + Array.IndexOf(versions, stored.Version), stored.Value);
    }

    [SkippableFact]
    public async Task Concurrent_read_modify_write_with_compare_and_set_retries_loses_no_update()
    {
        var store = await StoreAsync();
        var key = TokenKey.ForUser("1001");
        await store.SetAsync(Token(key) with { MachineId = "0" }, 0);
        const int writers = 40;
        var conflicts = 0;

        await Task.WhenAll(Enumerable.Range(0, writers).Select(_ => Task.Run(async () =>
        {
            while (true)
            {
                var current = (await store.GetAsync(key))!;
                var next = int.Parse(current.MachineId!, System.Globalization.CultureInfo.InvariantCulture) + 1;
                try
                {
                    await store.SetAsync(current with { MachineId = next.ToString(System.Globalization.CultureInfo.InvariantCulture) }, current.Version);
                    return;
                }
                catch (TokenStoreConcurrencyException)
                {
                    Interlocked.Increment(ref conflicts);
                }
            }
        })));

        var stored = await store.GetAsync(key);
        output.WriteLine($"{writers} increments, {conflicts} conflicts retried.");
        Assert.Equal(writers.ToString(System.Globalization.CultureInfo.InvariantCulture), stored!.MachineId);
        Assert.Equal(writers + 1, stored.Version);
    }

    [SkippableFact]
    public async Task Throughput_of_get_and_set_is_reported()
    {
        // Reported, never asserted: a figure for the README and the issue, measured on whatever machine runs it.
        var store = await StoreAsync();
        const int operations = 2_000;
        var keys = Enumerable.Range(0, 100).Select(i => TokenKey.ForUser((5000 + i).ToString(System.Globalization.CultureInfo.InvariantCulture))).ToArray();
        foreach (var key in keys)
        {
            await store.SetAsync(Token(key), null);
        }

        var watch = Stopwatch.StartNew();
        for (var i = 0; i < operations; i++)
        {
            await store.SetAsync(Token(keys[i % keys.Length]), null);
        }

        var sets = operations / watch.Elapsed.TotalSeconds;
        watch.Restart();
        for (var i = 0; i < operations; i++)
        {
            Assert.NotNull(await store.GetAsync(keys[i % keys.Length]));
        }

        var gets = operations / watch.Elapsed.TotalSeconds;
        watch.Restart();
        await Parallel.ForAsync(0, operations, new ParallelOptions { MaxDegreeOfParallelism = 16 }, async (i, ct) =>
            await store.GetAsync(keys[i % keys.Length], ct));
        var parallelGets = operations / watch.Elapsed.TotalSeconds;

        output.WriteLine($"THROUGHPUT {GetType().Name}: set {sets:F0} ops/s, get {gets:F0} ops/s (sequential); get {parallelGets:F0} ops/s (16 concurrent).");
    }
}
