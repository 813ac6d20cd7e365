using System.Net;
using FbTokens.Testing.Tests.Framework;

namespace FbTokens.Testing.Tests;

public sealed class EmulatorConcurrencyTests
{
    [Theory]
    [InlineData(HostKind.InMemory, 2000)]
    [InlineData(HostKind.Kestrel, 500)]
    public async Task Thousands_of_concurrent_calls_over_many_tokens_stay_consistent(HostKind kind, int calls)
    {
        await using var host = await EmulatorHost.StartAsync(kind);
        var user = host.Emulator.CreateTestUser();
        var tokens = Enumerable.Range(0, 10_000).Select(_ => host.Emulator.IssueUserToken(user.Id)).ToArray();

        var results = await Task.WhenAll(Enumerable.Range(0, calls).Select(i => Task.Run(() =>
            i % 2 == 0
                ? host.GetAsync("v24.0/debug_token", ("input_token", tokens[i * 7 % tokens.Length]), ("access_token", host.App.AppAccessToken))
                : host.PostFormAsync("v24.0/oauth/access_token", ("grant_type", "fb_exchange_token"), ("client_id", host.App.AppId), ("client_secret", host.App.AppSecret), ("fb_exchange_token", tokens[i])))));

        Assert.All(results, r => Assert.Equal(HttpStatusCode.OK, r.Status));
        Assert.Equal(calls / 2, host.Emulator.GetCallCount(GraphEndpoint.DebugToken));
        Assert.Equal(calls / 2, host.Emulator.GetCallCount(GraphEndpoint.AccessToken));
        var exchanged = results.Where((_, i) => i % 2 == 1).Select(r => r.Json.GetProperty("access_token").GetString()).ToHashSet();
        Assert.Equal(calls / 2, exchanged.Count);
    }

    [Fact]
    public async Task The_kestrel_host_listens_on_loopback_only_and_reads_post_forms_for_reads_too()
    {
        await using var host = await EmulatorHost.StartAsync(HostKind.Kestrel);
        Assert.Equal("127.0.0.1", host.Emulator.BaseAddress.Host);
        Assert.NotEqual(0, host.Emulator.BaseAddress.Port);

        var (user, longLived) = await host.CreateUserWithLongLivedTokenAsync();
        var debug = await host.PostFormAsync("v24.0/debug_token", ("input_token", longLived), ("access_token", host.App.AppAccessToken));
        Assert.Equal(user.Id, debug.Json.GetProperty("data").GetProperty("user_id").GetString());
    }
}
