using FbTokens.Internal;
using FbTokens.Tests.Framework;
using Microsoft.AspNetCore.DataProtection;
using Microsoft.Extensions.DependencyInjection;

namespace FbTokens.Tests.DependencyInjection;

/// <summary>
/// The store registrations are one family: whichever store is chosen, before or after
/// <c>ProtectTokensWithDataProtection()</c>, the host gets that store behind the protection.
/// </summary>
public sealed class TokenStoreRegistrationTests
{
    private const string Value = "EAABstoreregistrationtokenvalue0123456789";
    private const string InnerStoreKey = TokenStoreRegistration.InnerStoreKey;

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public async Task A_custom_store_is_protected_whichever_is_called_first(bool protectFirst)
    {
        await using var provider = Build(b =>
        {
            if (protectFirst)
            {
                b.ProtectTokensWithDataProtection().UseTokenStore<CountingTokenStore>();
            }
            else
            {
                b.UseTokenStore<CountingTokenStore>().ProtectTokensWithDataProtection();
            }
        });

        await AssertProtectsAsync<CountingTokenStore>(provider);
    }

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public async Task The_in_memory_store_is_protected_whichever_is_called_first(bool protectFirst)
    {
        await using var provider = Build(b =>
        {
            if (protectFirst)
            {
                b.ProtectTokensWithDataProtection().UseInMemoryTokenStore();
            }
            else
            {
                b.UseInMemoryTokenStore().ProtectTokensWithDataProtection();
            }
        });

        await AssertProtectsAsync<InMemoryTokenStore>(provider);
    }

    [Fact]
    public async Task The_last_store_chosen_is_the_one_protected()
    {
        await using (var provider = Build(b => b.UseTokenStore<CountingTokenStore>().ProtectTokensWithDataProtection().UseInMemoryTokenStore()))
        {
            await AssertProtectsAsync<InMemoryTokenStore>(provider);
        }

        await using (var provider = Build(b => b.UseInMemoryTokenStore().ProtectTokensWithDataProtection().UseTokenStore<CountingTokenStore>()))
        {
            await AssertProtectsAsync<CountingTokenStore>(provider);
        }
    }

    [Fact]
    public async Task The_default_store_is_protected_when_no_store_is_chosen()
    {
        await using var provider = Build(b => b.ProtectTokensWithDataProtection());
        await AssertProtectsAsync<InMemoryTokenStore>(provider);
    }

    [Fact]
    public async Task Protecting_twice_wraps_once()
    {
        await using var provider = Build(b => b.ProtectTokensWithDataProtection().UseTokenStore<CountingTokenStore>().ProtectTokensWithDataProtection());
        await AssertProtectsAsync<CountingTokenStore>(provider);
    }

    [Fact]
    public async Task Without_protection_the_chosen_store_is_the_store()
    {
        await using var provider = Build(b => b.UseTokenStore<CountingTokenStore>());
        var store = Assert.IsType<CountingTokenStore>(provider.GetRequiredService<ITokenStore>());
        Assert.Same(store, provider.GetRequiredKeyedService<ITokenStore>(InnerStoreKey));
        Assert.Single(provider.GetServices<ITokenStore>());
    }

    [Fact]
    public async Task A_store_the_host_registers_between_the_calls_is_protected()
    {
        var host = new CountingTokenStore();
        await using var provider = Build(b =>
        {
            b.AddTokenManager();
            b.Services.AddSingleton<ITokenStore>(host);
            b.ProtectTokensWithDataProtection();
        });

        Assert.Same(host, await AssertProtectsAsync<CountingTokenStore>(provider));
    }

    [Fact]
    public async Task A_store_the_host_registered_before_AddFbTokens_is_protected()
    {
        var host = new CountingTokenStore();
        await using var provider = Build(b => b.ProtectTokensWithDataProtection(), s => s.AddSingleton<ITokenStore>(host));
        var inner = await AssertProtectsAsync<CountingTokenStore>(provider);
        Assert.Same(host, inner);
    }

    [Fact]
    public async Task The_manager_reads_through_the_protection()
    {
        await using var provider = Build(b => b.ProtectTokensWithDataProtection().UseTokenStore<CountingTokenStore>());
        await AssertProtectsAsync<CountingTokenStore>(provider);
        var token = await provider.GetRequiredService<IGraphTokenManager>().GetTokenAsync(TokenKey.ForUser("1"));
        Assert.Equal(Value, token.Value);
    }

    private static ServiceProvider Build(Action<IFbTokensBuilder> build, Action<IServiceCollection>? before = null)
    {
        var services = new ServiceCollection();
        services.AddLogging();
        before?.Invoke(services);
        services.AddDataProtection().UseEphemeralDataProtectionProvider();
        build(services.AddFbTokens(o =>
        {
            o.AppId = "1234567890";
            o.AppSecret = "test-app-secret-0123456789abcdef";
        }));
        return services.BuildServiceProvider(new ServiceProviderOptions { ValidateOnBuild = true, ValidateScopes = true });
    }

    /// <summary>The host's store is a <see cref="DataProtectedTokenStore"/> around the chosen one, which sees only ciphertext.</summary>
    private static async Task<TInner> AssertProtectsAsync<TInner>(IServiceProvider provider)
        where TInner : class, ITokenStore
    {
        var store = Assert.IsType<DataProtectedTokenStore>(provider.GetRequiredService<ITokenStore>());
        var inner = Assert.IsType<TInner>(store.Inner);
        Assert.Same(inner, provider.GetRequiredKeyedService<ITokenStore>(InnerStoreKey));
        Assert.Same(store, provider.GetRequiredService<ITokenStore>());

        await store.SetAsync(new StoredToken { Key = TokenKey.ForUser("1"), Value = Value }, 0);
        Assert.Equal(Value, (await store.GetAsync(TokenKey.ForUser("1")))!.Value);
        Assert.NotEqual(Value, (await inner.GetAsync(TokenKey.ForUser("1")))!.Value);
        return inner;
    }
}
