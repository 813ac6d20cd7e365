using System.Net;
using FbTokens.Internal;
using FbTokens.Tests.Framework;
using Microsoft.Extensions.DependencyInjection;
using RichardSzalay.MockHttp;

namespace FbTokens.Tests.Http;

public sealed class GraphAccessTokenHandlerTests
{
    private const string UserToken = "EAABusertokenforhandler0123456789";
    private static readonly string Me = $"http://graph.test/{LifecycleHost.Version}/me";

    private static (LifecycleHost Host, MockHttpMessageHandler Api, HttpClient Client) Create(TokenKey? defaultKey = null)
    {
        var api = new MockHttpMessageHandler();
        var host = new LifecycleHost(services: s => s.AddHttpClient("graph")
            .AddGraphAccessTokenHandler(defaultKey)
            .ConfigurePrimaryHttpMessageHandler(() => api));
        var client = host.Services.GetRequiredService<IHttpClientFactory>().CreateClient("graph");
        return (host, api, client);
    }

    [Fact]
    public async Task Attaches_the_named_token_and_its_appsecret_proof()
    {
        var (host, api, client) = Create();
        await using var _ = host;
        await host.SeedUserAsync("1001", UserToken, TimeSpan.FromDays(50));
        var proof = AppSecretProof.Compute(System.Text.Encoding.UTF8.GetBytes(LifecycleHost.AppSecret), UserToken);
        var me = api.When(HttpMethod.Get, Me)
            .WithExactQueryString(new Dictionary<string, string> { ["fields"] = "id,name", ["access_token"] = UserToken, ["appsecret_proof"] = proof })
            .Respond("application/json", """{"id":"1001"}""");

        using var request = new HttpRequestMessage(HttpMethod.Get, Me + "?fields=id,name&access_token=stale").WithGraphToken(TokenKey.ForUser("1001"));
        using var response = await client.SendAsync(request);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal(1, api.GetMatchCount(me));
    }

    [Fact]
    public async Task App_tokens_go_without_proof_and_requests_naming_no_token_pass_through()
    {
        var (host, api, client) = Create();
        await using var _ = host;
        var withApp = api.When(HttpMethod.Get, Me).WithExactQueryString($"access_token={Uri.EscapeDataString(LifecycleHost.AppId + "|" + LifecycleHost.AppSecret)}").Respond("application/json", "{}");
        var bare = api.When(HttpMethod.Get, Me).WithExactQueryString(string.Empty).Respond("application/json", "{}");

        using var appRequest = new HttpRequestMessage(HttpMethod.Get, Me).WithGraphToken(TokenKey.ForApp(LifecycleHost.AppId));
        (await client.SendAsync(appRequest)).Dispose();
        (await client.GetAsync(new Uri(Me))).Dispose();

        Assert.Equal(1, api.GetMatchCount(withApp));
        Assert.Equal(1, api.GetMatchCount(bare));
    }

    [Fact]
    public async Task Never_attaches_a_token_for_another_host()
    {
        var (host, _, client) = Create(TokenKey.ForUser("1001"));
        await using var __ = host;
        await host.SeedUserAsync("1001", UserToken, TimeSpan.FromDays(50));
        var ex = await Assert.ThrowsAsync<InvalidOperationException>(() => client.GetAsync(new Uri("http://evil.test/me")));
        Assert.DoesNotContain(UserToken, ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_rejected_page_token_is_fetched_again_and_the_request_retried_once_disposing_the_first_response()
    {
        var (host, api, client) = Create();
        await using var _ = host;
        await host.SeedUserAsync("1001", UserToken, TimeSpan.FromDays(50));
        await host.SeedPageAsync("2001", "EAABoldpagetoken-0123456789", "1001");
        host.Http.When(HttpMethod.Get, $"http://graph.test/{LifecycleHost.Version}/1001/accounts")
            .Respond("application/json", LifecyclePayloads.Accounts(("2001", "EAABnewpagetoken-0123456789")));
        var rejectedContent = new TrackingContent(LifecyclePayloads.Error(190, 467));
        var rejected = api.When(HttpMethod.Get, Me).WithQueryString("access_token", "EAABoldpagetoken-0123456789")
            .Respond(_ => new HttpResponseMessage(HttpStatusCode.BadRequest) { Content = rejectedContent });
        var accepted = api.When(HttpMethod.Get, Me).WithQueryString("access_token", "EAABnewpagetoken-0123456789")
            .Respond("application/json", """{"id":"2001"}""");

        using var request = new HttpRequestMessage(HttpMethod.Get, Me).WithGraphToken(TokenKey.ForPage("2001"));
        using var response = await client.SendAsync(request);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal(1, api.GetMatchCount(rejected));
        Assert.Equal(1, api.GetMatchCount(accepted));
        Assert.True(rejectedContent.Disposed);
        Assert.Equal("EAABnewpagetoken-0123456789", (await host.Store.GetAsync(TokenKey.ForPage("2001")))!.Value);
        Assert.Empty(host.Observer.Reauthentication);
    }

    [Fact]
    public async Task A_rejected_user_token_is_marked_and_reported_and_the_response_returned_without_retry()
    {
        var (host, api, client) = Create(TokenKey.ForUser("1001"));
        await using var _ = host;
        await host.SeedUserAsync("1001", UserToken, TimeSpan.FromDays(50));
        var me = api.When(HttpMethod.Get, Me).Respond(HttpStatusCode.BadRequest, "application/json", LifecyclePayloads.Error(190, 460));

        using var response = await client.GetAsync(new Uri(Me));

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Contains("\"code\":190", await response.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        Assert.Equal(1, api.GetMatchCount(me));
        var stored = await host.Store.GetAsync(TokenKey.ForUser("1001"));
        Assert.Equal(TokenStatus.Invalid, stored!.Status);
        Assert.Equal(TokenErrorReason.PasswordChanged, stored.InvalidReason);
        var notice = Assert.Single(host.Observer.Reauthentication);
        Assert.Equal("1001", notice.UserId);
        await Assert.ThrowsAsync<ReauthenticationRequiredException>(() => client.GetAsync(new Uri(Me)));
    }

    [Fact]
    public async Task A_newer_stored_token_is_retried_once_and_a_second_rejection_is_not_retried_again()
    {
        var (host, api, client) = Create();
        await using var _ = host;
        await host.SeedUserAsync("1001", UserToken, TimeSpan.FromDays(50));
        var calls = 0;
        var me = api.When(HttpMethod.Post, Me).WithContent("message=hi");
        me.Respond(async () =>
        {
            if (Interlocked.Increment(ref calls) == 1)
            {
                // Another instance stores a fresh login while this request is in flight.
                await host.SeedUserAsync("1001", "EAABnewerlogintoken0123456789", TimeSpan.FromDays(60));
            }

            return LifecyclePayloads.Json(HttpStatusCode.Unauthorized, LifecyclePayloads.Error(190, 467));
        });

        using var request = new HttpRequestMessage(HttpMethod.Post, Me) { Content = new StringContent("message=hi") }.WithGraphToken(TokenKey.ForUser("1001"));
        using var response = await client.SendAsync(request);

        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
        Assert.Equal(2, calls);
        Assert.Equal(TokenStatus.Invalid, (await host.Store.GetAsync(TokenKey.ForUser("1001")))!.Status);
        Assert.Single(host.Observer.Reauthentication);
    }

    [Fact]
    public async Task Errors_that_are_not_about_the_token_pass_through_untouched()
    {
        var (host, api, client) = Create(TokenKey.ForUser("1001"));
        await using var _ = host;
        await host.SeedUserAsync("1001", UserToken, TimeSpan.FromDays(50));
        var me = api.When(HttpMethod.Get, Me).Respond(HttpStatusCode.BadRequest, "application/json", LifecyclePayloads.Error(100));

        using var response = await client.GetAsync(new Uri(Me));

        Assert.Equal(1, api.GetMatchCount(me));
        Assert.Equal(TokenStatus.Valid, (await host.Store.GetAsync(TokenKey.ForUser("1001")))!.Status);
        Assert.Empty(host.Observer.Reauthentication);
    }
}
