using FbTokens.Internal;
using FbTokens.Tests.Framework;
using Microsoft.AspNetCore.DataProtection;
using Microsoft.Extensions.DependencyInjection;

namespace FbTokens.Tests.Storage;

public sealed class DataProtectedTokenStoreTests
{
    private const string Value = "EAABplaintexttokenvalue0123456789abcdef";

    [Fact]
    public async Task Values_are_encrypted_at_rest_and_round_trip()
    {
        var inner = new InMemoryTokenStore();
        var store = new DataProtectedTokenStore(inner, new EphemeralDataProtectionProvider());
        var token = new StoredToken { Key = TokenKey.ForUser("1"), Value = Value, Scopes = ["email"] };

        var stored = await store.SetAsync(token, expectedVersion: 0);
        var raw = await inner.GetAsync(TokenKey.ForUser("1"));
        var read = await store.GetAsync(TokenKey.ForUser("1"));
        var listed = new List<StoredToken>();
        await foreach (var t in store.ListAsync(null))
        {
            listed.Add(t);
        }

        Assert.Equal(Value, stored.Value);
        Assert.Equal(1, stored.Version);
        Assert.NotEqual(Value, raw!.Value);
        Assert.DoesNotContain("plaintext", raw.Value, StringComparison.Ordinal);
        Assert.Equal(Value, read!.Value);
        Assert.Equal(Value, Assert.Single(listed).Value);
        Assert.Equal(["email"], raw.Scopes);
    }

    [Fact]
    public async Task A_key_that_was_never_stored_reads_as_null()
    {
        var store = new DataProtectedTokenStore(new InMemoryTokenStore(), new EphemeralDataProtectionProvider());

        Assert.Null(await store.GetAsync(TokenKey.ForUser("404")));
    }

    [Fact]
    public async Task A_value_written_without_protection_fails_with_a_message_that_hides_it()
    {
        var inner = new InMemoryTokenStore();
        await inner.SetAsync(new StoredToken { Key = TokenKey.ForUser("1"), Value = Value }, null);
        var store = new DataProtectedTokenStore(inner, new EphemeralDataProtectionProvider());

        var ex = await Assert.ThrowsAsync<System.Security.Cryptography.CryptographicException>(() => store.GetAsync(TokenKey.ForUser("1")).AsTask());
        Assert.DoesNotContain(Value, ex.Message, StringComparison.Ordinal);
        Assert.Contains("User:1", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_claimed_token_that_cannot_be_decrypted_is_left_out_and_does_not_hold_back_the_others()
    {
        var inner = new InMemoryTokenStore();
        var t0 = new DateTimeOffset(2030, 1, 1, 0, 0, 0, TimeSpan.Zero);
        var store = new DataProtectedTokenStore(inner, new EphemeralDataProtectionProvider());

        // Three written without protection (due first), two through it.
        for (var i = 0; i < 3; i++)
        {
            await inner.SetAsync(new StoredToken { Key = TokenKey.ForUser("plain" + i), Value = Value, UpdatedAt = t0 }, 0);
        }

        await store.SetAsync(new StoredToken { Key = TokenKey.ForUser("p1"), Value = Value, UpdatedAt = t0.AddMinutes(1) }, 0);
        await store.SetAsync(new StoredToken { Key = TokenKey.ForUser("p2"), Value = Value, UpdatedAt = t0.AddMinutes(1) }, 0);
        var schedule = store.Schedule!;

        var first = await schedule.ClaimDueAsync(null, t0.AddHours(1), t0.AddHours(2), maxCount: 3);
        var second = await schedule.ClaimDueAsync(null, t0.AddHours(1), t0.AddHours(2), maxCount: 3);

        // The first claim took the three unreadable ones (kept leased, left out) and then the two readable ones.
        Assert.Equal(["User:p1", "User:p2"], first.Select(t => t.Key.ToString()).Order(StringComparer.Ordinal));
        Assert.All(first, t => Assert.Equal(Value, t.Value));
        Assert.Empty(second);
    }

    [Fact]
    public async Task Registration_decorates_the_chosen_store_and_compare_and_set_still_works()
    {
        await using var host = new LifecycleHost(
            build: b => b.UseTokenStore<CountingTokenStore>().ProtectTokensWithDataProtection(),
            services: s => s.AddDataProtection().UseEphemeralDataProtectionProvider());

        var store = Assert.IsType<DataProtectedTokenStore>(host.Store);
        Assert.IsType<CountingTokenStore>(store.Inner);
        var first = await store.SetAsync(new StoredToken { Key = TokenKey.ForUser("1"), Value = Value }, 0);
        await Assert.ThrowsAsync<TokenStoreConcurrencyException>(() => store.SetAsync(first, 0).AsTask());
        Assert.NotEqual(Value, (await store.Inner.GetAsync(TokenKey.ForUser("1")))!.Value);
    }

    [Fact]
    public async Task Registration_without_data_protection_fails_with_a_clear_message()
    {
        await using var host = new LifecycleHost(build: b => b.ProtectTokensWithDataProtection());
        var ex = Assert.Throws<InvalidOperationException>(() => host.Store);
        Assert.Contains("AddDataProtection", ex.Message, StringComparison.Ordinal);
    }
}
