using System.Net;
using FbTokens.Testing.Internal;
using FbTokens.Testing.Tests.Framework;
using Microsoft.Extensions.Time.Testing;

namespace FbTokens.Testing.Tests;

/// <summary>The admin routes under <c>/_emulator/</c>: on the Kestrel host when enabled, never in memory, loopback callers only.</summary>
public sealed class EmulatorAdminRouteTests
{
    private const string Redirect = "https://app.example.com/signin-facebook";

    [Fact]
    public async Task Codes_route_mints_a_login_code_for_the_latest_or_the_named_user()
    {
        await using var host = await EmulatorHost.StartAsync(HostKind.Kestrel, o => o.EnableAdminRoutes = true);
        var first = host.Emulator.CreateTestUser();
        var latest = host.Emulator.CreateTestUser();

        var minted = await host.PostFormAsync("_emulator/codes", ("redirect_uri", Redirect));
        Assert.Equal(HttpStatusCode.OK, minted.Status);
        Assert.Equal(latest.Id, minted.Json.GetProperty("user_id").GetString());
        Assert.Equal(600, minted.Json.GetProperty("expires_in").GetInt32());
        var named = await host.PostFormAsync("_emulator/codes", ("redirect_uri", Redirect), ("user_id", first.Id));
        Assert.Equal(first.Id, named.Json.GetProperty("user_id").GetString());

        var token = await host.PostFormAsync("v24.0/oauth/access_token",
            ("client_id", host.App.AppId), ("client_secret", host.App.AppSecret), ("redirect_uri", Redirect), ("code", named.Json.GetProperty("code").GetString()!));
        Assert.Equal(first.Id, host.Emulator.FindToken(token.Json.GetProperty("access_token").GetString()!)!.UserId);

        Assert.Equal(HttpStatusCode.BadRequest, (await host.PostFormAsync("_emulator/codes")).Status);
        Assert.Equal(HttpStatusCode.BadRequest, (await host.PostFormAsync("_emulator/codes", ("redirect_uri", Redirect), ("user_id", "404"))).Status);
        Assert.Equal(HttpStatusCode.MethodNotAllowed, (await host.GetAsync("_emulator/codes", ("redirect_uri", Redirect))).Status);
    }

    [Fact]
    public async Task Remove_and_data_deletion_routes_reach_the_registered_callbacks()
    {
        await using var receiver = await CallbackReceiver.StartAsync(HostKind.Kestrel);
        await using var host = await EmulatorHost.StartAsync(HostKind.Kestrel, o => o.EnableAdminRoutes = true);
        host.App.DeauthorizeCallbackUri = receiver.Url("deauthorize");
        host.App.DataDeletionCallbackUri = receiver.Url("deletion");
        var user = host.Emulator.CreateTestUser();

        receiver.Answer = (HttpStatusCode.OK, """{"url":"https://app.example.com/status/7","confirmation_code":"7"}""");
        var deletion = await host.PostFormAsync($"_emulator/apps/{host.App.AppId}/users/{user.Id}/data-deletion");
        Assert.Equal(HttpStatusCode.OK, deletion.Status);
        Assert.Equal("7", deletion.Json.GetProperty("confirmation_code").GetString());

        var removed = await host.PostFormAsync($"_emulator/apps/{host.App.AppId}/users/{user.Id}/remove");
        Assert.Equal(HttpStatusCode.OK, removed.Status);
        Assert.Equal(1, removed.Json.GetProperty("invalidated_tokens").GetInt32());
        Assert.Equal(200, removed.Json.GetProperty("deauthorize_status").GetInt32());
        Assert.Equal(["/deletion", "/deauthorize"], receiver.Received.Select(r => r.Path));
        Assert.Equal(user.Id, FacebookSignedRequest.Parse(receiver.Received[1].Form["signed_request"], host.App.AppSecret, host.Time, TimeSpan.FromMinutes(1)).UserId);
        Assert.Equal(TokenInvalidationReason.AppNotInstalled, host.Emulator.FindToken(user.AccessToken)!.InvalidatedBecause);

        var wrongApp = await host.PostFormAsync($"_emulator/apps/42/users/{user.Id}/remove");
        Assert.Equal(HttpStatusCode.BadRequest, wrongApp.Status);
    }

    [Theory]
    [InlineData(HostKind.InMemory, true)]
    [InlineData(HostKind.Kestrel, false)]
    public async Task Admin_routes_are_not_served_in_memory_or_when_not_enabled(HostKind kind, bool enable)
    {
        await using var host = await EmulatorHost.StartAsync(kind, o => o.EnableAdminRoutes = enable);
        var user = host.Emulator.CreateTestUser();

        var codes = await host.PostFormAsync("_emulator/codes", ("redirect_uri", Redirect));
        var remove = await host.PostFormAsync($"_emulator/apps/{host.App.AppId}/users/{user.Id}/remove");

        Assert.Equal(2500, codes.ErrorCode);
        Assert.Equal(2500, remove.ErrorCode);
        Assert.Null(host.Emulator.FindToken(user.AccessToken)!.InvalidatedBecause);
    }

    [Fact]
    public async Task A_caller_that_is_not_loopback_is_refused()
    {
        await using var emulator = new GraphTokenEmulator(new FakeTimeProvider(), new GraphTokenEmulatorOptions { EnableAdminRoutes = true });
        var engine = emulator.Engine;
        var user = emulator.CreateTestUser();
        var request = new EmulatorRequest("POST", new Uri($"http://127.0.0.1:1/_emulator/apps/{user.AppId}/users/{user.Id}/remove"), []);

        var refused = await AdminRoutes.HandleAsync(engine, request, IPAddress.Parse("192.0.2.10"), CancellationToken.None);
        var allowed = await AdminRoutes.HandleAsync(engine, request, IPAddress.IPv6Loopback, CancellationToken.None);

        Assert.Equal(403, refused.StatusCode);
        Assert.Equal(200, allowed.StatusCode);
    }
}
