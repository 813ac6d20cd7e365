using FbTokens.Testing;
using Microsoft.Extensions.DependencyInjection;

namespace FbTokens.Testing.Tests;

// The documentation's examples, kept compiling and passing here: the README's quick start and the unit-test example
// of docs/emulator.md (also in src/FbTokens.Testing/README.md). Change them together.
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

    [Fact]
    public async Task The_README_quick_start_runs_against_the_emulator()
    {
        var output = new StringWriter();

        // From README.md "Quick start", as pasted (a console app does not run the culture analyzer), with
        // Console.WriteLine writing to output.
#pragma warning disable CA1305
        await using var emulator = new GraphTokenEmulator();
        var user = emulator.CreateTestUser();          // a person who just logged in: a short-lived user token
        emulator.CreatePages(user.Id, 3);             // …who manages three Facebook Pages

        var services = new ServiceCollection();
        services.AddFbTokens(o =>
        {
            o.AppId = emulator.DefaultApp.AppId;          // your app's id and secret, from configuration, in production
            o.AppSecret = emulator.DefaultApp.AppSecret;
        }).UseGraphTokenEmulator(emulator);               // remove this line to talk to graph.facebook.com
        await using var provider = services.BuildServiceProvider();
        var graph = provider.GetRequiredService<IGraphTokenClient>();

        // Short-lived → long-lived user token (about 60 days).
        LongLivedTokenResponse longLived = await graph.ExchangeForLongLivedTokenAsync(user.AccessToken);
        output.WriteLine($"Long-lived token: {longLived}");   // ToString() masks the token

        // Page tokens of every page the person manages (cursor paging followed for you).
        await foreach (PageTokenResponse page in graph.GetPageTokensAsync(user.Id, longLived.AccessToken))
        {
            output.WriteLine($"Page {page.Name} ({page.Id}): {string.Join(",", page.Tasks)}");
        }

        // Inspect a token with debug_token: an invalid token is a result, not an exception.
        DebugTokenResponse info = await graph.DebugTokenAsync(longLived.AccessToken);
        output.WriteLine($"{info.Type} valid={info.IsValid} expires={info.ExpiresAt?.ToString() ?? "never"}");
#pragma warning restore CA1305

        var printed = output.ToString();
        Assert.Equal(3, printed.Split('\n').Count(line => line.StartsWith("Page ", StringComparison.Ordinal)));
        Assert.Contains("USER valid=True", printed, StringComparison.Ordinal);
        Assert.DoesNotContain(longLived.AccessToken, printed, StringComparison.Ordinal);
        Assert.DoesNotContain(user.AccessToken, printed, StringComparison.Ordinal);
    }
}
