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
