using FbTokens.Testing;
using Microsoft.Extensions.DependencyInjection;

namespace FbTokens.Testing.Tests;

// The README's "Testing with the emulator" example, kept compiling and passing here.
public sealed class ReadmeExampleTests
{
    [Fact]
    public async Task Exchanges_a_short_lived_token_for_a_long_lived_one()
    {
        var emulator = new GraphTokenEmulator();
        var services = new ServiceCollection();
        services.AddFbTokens(o =>
        {
            o.AppId = emulator.DefaultApp.AppId;
            o.AppSecret = emulator.DefaultApp.AppSecret;
        }).UseGraphTokenEmulator(emulator);
        await using var provider = services.BuildServiceProvider();
        var client = provider.GetRequiredService<IGraphTokenClient>();
        var user = emulator.CreateTestUser();

        var longLived = await client.ExchangeForLongLivedTokenAsync(user.AccessToken);

        Assert.Equal(TimeSpan.FromSeconds(5183944), longLived.ExpiresIn);
        Assert.True(emulator.FindToken(longLived.AccessToken)!.IsLongLived);
    }
}
