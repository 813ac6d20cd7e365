using System.Net;
using FbTokens.Testing.Tests.Framework;

namespace FbTokens.Testing.Tests;

/// <summary>
/// App removal and data-deletion requests: the emulator signs its own <c>signed_request</c>, and core's
/// <see cref="FacebookSignedRequest"/> parser must accept it. The callback is reached in memory (the handler a
/// TestServer would give) and over loopback Kestrel.
/// </summary>
public sealed class AppRemovalEmulatorTests
{
    public static TheoryData<HostKind> Hosts => new() { HostKind.InMemory, HostKind.Kestrel };

    [Theory]
    [MemberData(nameof(Hosts))]
    public async Task Removing_the_app_invalidates_the_users_tokens_and_posts_a_signed_request_cores_parser_accepts(HostKind kind)
    {
        await using var receiver = await CallbackReceiver.StartAsync(kind);
        await using var host = await EmulatorHost.StartAsync(kind, o => o.CallbackHttpClient = receiver.Client);
        host.App.DeauthorizeCallbackUri = receiver.Url("facebook/deauthorize");
        var (user, longLived) = await host.CreateUserWithLongLivedTokenAsync();
        host.Emulator.CreatePages(user.Id, 1);
        var pages = await host.GetAsync("v24.0/me/accounts", ("access_token", longLived));
        var pageToken = pages.Json.GetProperty("data")[0].GetProperty("access_token").GetString()!;
        var bystander = host.Emulator.CreateTestUser();

        var status = await host.Emulator.RemoveAppAsync(user.Id);

        Assert.Equal(HttpStatusCode.OK, status);
        Assert.Equal(TokenInvalidationReason.AppNotInstalled, host.Emulator.FindToken(longLived)!.InvalidatedBecause);
        Assert.Equal(TokenInvalidationReason.AppNotInstalled, host.Emulator.FindToken(pageToken)!.InvalidatedBecause);
        Assert.Null(host.Emulator.FindToken(bystander.AccessToken)!.InvalidatedBecause);
        Assert.Equal(458, (await host.GetAsync("v24.0/me", ("access_token", longLived))).ErrorSubcode);

        var (path, contentType, form) = Assert.Single(receiver.Received);
        Assert.Equal("/facebook/deauthorize", path);
        Assert.Equal("application/x-www-form-urlencoded", contentType);
        var parsed = FacebookSignedRequest.Parse(form["signed_request"], host.App.AppSecret, host.Time, TimeSpan.FromMinutes(5));
        Assert.Equal(user.Id, parsed.UserId);
        Assert.Equal("HMAC-SHA256", parsed.Algorithm);
        Assert.Equal(host.Time.GetUtcNow().ToUnixTimeSeconds(), parsed.IssuedAt.ToUnixTimeSeconds());
        var forged = Assert.Throws<FacebookSignedRequestException>(() => FacebookSignedRequest.Parse(form["signed_request"], "0123456789abcdef0123456789abcdef", host.Time, TimeSpan.FromMinutes(5)));
        Assert.Equal(FacebookSignedRequestFailure.InvalidSignature, forged.Reason);
    }

    [Theory]
    [MemberData(nameof(Hosts))]
    public async Task After_removal_the_next_login_asks_for_every_permission_again(HostKind kind)
    {
        await using var host = await EmulatorHost.StartAsync(kind);
        var user = host.Emulator.CreateTestUser(scopes: ["email"]);

        Assert.Null(await host.Emulator.RemoveAppAsync(user.Id, host.App.AppId));

        Assert.Equal(TokenInvalidationReason.AppNotInstalled, host.Emulator.FindToken(user.AccessToken)!.InvalidatedBecause);
        Assert.Empty(host.Emulator.FindToken(host.Emulator.IssueUserToken(user.Id))!.Scopes);
        var other = host.Emulator.AddApp();
        await Assert.ThrowsAsync<ArgumentException>(() => host.Emulator.RemoveAppAsync(user.Id, other.AppId));
        await Assert.ThrowsAsync<ArgumentException>(() => host.Emulator.RemoveAppAsync("404"));
    }

    [Theory]
    [MemberData(nameof(Hosts))]
    public async Task A_data_deletion_request_posts_a_signed_request_and_returns_the_callbacks_answer(HostKind kind)
    {
        await using var receiver = await CallbackReceiver.StartAsync(kind);
        await using var host = await EmulatorHost.StartAsync(kind, o => o.CallbackHttpClient = receiver.Client);
        var user = host.Emulator.CreateTestUser();
        await Assert.ThrowsAsync<InvalidOperationException>(() => host.Emulator.RequestDataDeletionAsync(user.Id));

        host.App.DataDeletionCallbackUri = receiver.Url("facebook/data-deletion");
        receiver.Answer = (HttpStatusCode.OK, """{"url":"https://app.example.com/deletion?id=abc","confirmation_code":"abc"}""");

        var answer = await host.Emulator.RequestDataDeletionAsync(user.Id);

        Assert.Equal(new EmulatedDataDeletionAnswer(new Uri("https://app.example.com/deletion?id=abc"), "abc"), answer);
        var (path, _, form) = Assert.Single(receiver.Received);
        Assert.Equal("/facebook/data-deletion", path);
        Assert.Equal(user.Id, FacebookSignedRequest.Parse(form["signed_request"], host.App.AppSecret, host.Time, TimeSpan.FromMinutes(5)).UserId);
        Assert.Null(host.Emulator.FindToken(user.AccessToken)!.InvalidatedBecause);
    }

    [Theory]
    [InlineData(HttpStatusCode.OK, """{"url":"not a url","confirmation_code":"abc"}""")]
    [InlineData(HttpStatusCode.OK, """{"url":"https://app.example.com/s"}""")]
    [InlineData(HttpStatusCode.OK, "<html>ok</html>")]
    [InlineData(HttpStatusCode.InternalServerError, """{"url":"https://app.example.com/s","confirmation_code":"abc"}""")]
    public async Task A_data_deletion_answer_that_is_not_what_meta_requires_is_an_error(HttpStatusCode status, string body)
    {
        await using var receiver = await CallbackReceiver.StartAsync(HostKind.InMemory);
        await using var host = await EmulatorHost.StartAsync(HostKind.InMemory, o => o.CallbackHttpClient = receiver.Client);
        var user = host.Emulator.CreateTestUser();
        host.App.DataDeletionCallbackUri = receiver.Url("facebook/data-deletion");
        receiver.Answer = (status, body);

        await Assert.ThrowsAsync<InvalidOperationException>(() => host.Emulator.RequestDataDeletionAsync(user.Id));
    }
}
