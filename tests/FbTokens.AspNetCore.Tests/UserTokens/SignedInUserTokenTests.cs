using System.Collections.Concurrent;
using System.Net;
using System.Security.Claims;
using FbTokens.AspNetCore.Tests.Framework;
using FbTokens.Testing;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;

namespace FbTokens.AspNetCore.Tests.UserTokens;

public sealed class SignedInUserTokenTests
{
    private const string UserHeader = "X-Test-User";

    private sealed class RecordingHandler(HttpMessageHandler inner) : DelegatingHandler(inner)
    {
        public ConcurrentQueue<(Uri Uri, string? Authorization)> Requests { get; } = new();

        protected override Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
        {
            Requests.Enqueue((request.RequestUri!, request.Headers.Authorization?.ToString()));
            return base.SendAsync(request, cancellationToken);
        }
    }

    /// <summary>An app whose test middleware signs in whoever the X-Test-User header names (claim type from X-Test-Claim).</summary>
    private static Task<WebTestHost> HostAsync(RecordingHandler? graph = null, string? claimType = null) =>
        WebTestHost.StartAsync(
            app =>
            {
                app.Use((context, next) =>
                {
                    if (context.Request.Headers[UserHeader].ToString() is { Length: > 0 } userId)
                    {
                        var type = context.Request.Headers["X-Test-Claim"].ToString() is { Length: > 0 } t ? t : ClaimTypes.NameIdentifier;
                        context.User = new ClaimsPrincipal(new ClaimsIdentity([new Claim(type, userId)], "Test"));
                    }

                    return next(context);
                });
                app.MapGet("/user-token", async Task<string> (HttpContext http) => Describe(await http.GetFacebookUserTokenAsync()));
                app.MapGet("/page-token/{pageId}", async Task<string> (HttpContext http, string pageId) => Describe(await http.GetFacebookPageTokenAsync(pageId)));
                app.MapGet("/graph/me", async (IHttpClientFactory factory) =>
                {
                    using var response = await factory.CreateClient("graph").GetAsync("me");
                    return Results.Text(await response.Content.ReadAsStringAsync(), statusCode: (int)response.StatusCode);
                });
            },
            (builder, emulator) =>
            {
                if (claimType is not null)
                {
                    builder.Services.Configure<FacebookUserTokenOptions>(o => o.UserIdClaimType = claimType);
                }

                builder.Services.AddHttpClient("graph", c => c.BaseAddress = new Uri(GraphTokenEmulator.InMemoryBaseAddress, FbTokensOptions.DefaultGraphApiVersion + "/"))
                    .AddFacebookUserAccessTokenHandler()
                    .ConfigurePrimaryHttpMessageHandler(() => graph ?? new RecordingHandler(emulator.CreateHttpMessageHandler()));
            });

    private static string Describe(FacebookUserTokenResult result) =>
        $"{result.Status}|{result.UserId}|{result.Token?.Key}|{result.Reason}";

    private static async Task<string> GetAsync(WebTestHost host, string path, string? userId, string? claimType = null)
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, path);
        if (userId is not null)
        {
            request.Headers.Add(UserHeader, userId);
        }

        if (claimType is not null)
        {
            request.Headers.Add("X-Test-Claim", claimType);
        }

        using var response = await host.Client.SendAsync(request);
        var text = await response.Content.ReadAsStringAsync();
        return text;
    }

    private static async Task<EmulatedUser> SignedUpUserAsync(WebTestHost host)
    {
        var user = host.Emulator.CreateTestUser();
        await host.Manager.SaveUserTokenAsync(host.Emulator.IssueUserToken(user.Id, longLived: true));
        return user;
    }

    [Fact]
    public async Task Nobody_signed_in_is_NotSignedIn()
    {
        await using var host = await HostAsync();

        Assert.Equal("NotSignedIn|||", await GetAsync(host, "/user-token", null));
    }

    [Fact]
    public async Task The_signed_in_users_stored_token_is_found()
    {
        await using var host = await HostAsync();
        var user = await SignedUpUserAsync(host);

        Assert.Equal($"Found|{user.Id}|User:{user.Id}|", await GetAsync(host, "/user-token", user.Id));
    }

    [Fact]
    public async Task The_result_prints_no_token()
    {
        await using var host = await HostAsync();
        var user = await SignedUpUserAsync(host);
        var principal = new ClaimsPrincipal(new ClaimsIdentity([new Claim(ClaimTypes.NameIdentifier, user.Id)], "Test"));

        var result = await host.Manager.GetFacebookUserTokenAsync(principal);

        Assert.True(result.Succeeded);
        Assert.DoesNotContain(result.Token!.Value, result.ToString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_signed_in_user_without_a_stored_token_must_log_in_again()
    {
        await using var host = await HostAsync();

        Assert.Equal("ReauthenticationRequired|1234|||Unknown".Replace("|||", "||", StringComparison.Ordinal), await GetAsync(host, "/user-token", "1234"));
    }

    [Fact]
    public async Task An_invalidated_token_reports_its_reason()
    {
        await using var host = await HostAsync();
        var user = await SignedUpUserAsync(host);
        await host.Manager.MarkInvalidAsync(TokenKey.ForUser(user.Id), TokenErrorReason.PasswordChanged);

        Assert.Equal($"ReauthenticationRequired|{user.Id}||PasswordChanged", await GetAsync(host, "/user-token", user.Id));
    }

    [Fact]
    public async Task The_user_id_claim_type_is_configurable()
    {
        await using var host = await HostAsync(claimType: "fb_id");
        var user = await SignedUpUserAsync(host);

        Assert.StartsWith("NotSignedIn", await GetAsync(host, "/user-token", user.Id), StringComparison.Ordinal);
        Assert.StartsWith("Found", await GetAsync(host, "/user-token", user.Id, claimType: "fb_id"), StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_page_token_is_handed_out_only_to_the_user_who_owns_the_page()
    {
        await using var host = await HostAsync();
        var owner = host.Emulator.CreateTestUser();
        var page = host.Emulator.CreatePage(owner.Id);
        await host.Manager.SaveUserTokenAsync(host.Emulator.IssueUserToken(owner.Id), includePageTokens: true);
        var other = await SignedUpUserAsync(host);

        Assert.Equal($"Found|{owner.Id}|Page:{page.Id}|", await GetAsync(host, $"/page-token/{page.Id}", owner.Id));
        Assert.Equal($"PageNotOwned|{other.Id}||", await GetAsync(host, $"/page-token/{page.Id}", other.Id));
        Assert.StartsWith("NotSignedIn", await GetAsync(host, $"/page-token/{page.Id}", null), StringComparison.Ordinal);
    }

    [Fact]
    public async Task The_principal_overloads_read_the_same_way_outside_a_request()
    {
        await using var host = await HostAsync();
        var user = await SignedUpUserAsync(host);
        var principal = new ClaimsPrincipal(new ClaimsIdentity([new Claim("sub", user.Id)], "Test"));

        Assert.Equal(FacebookUserTokenStatus.Found, (await host.Manager.GetFacebookUserTokenAsync(principal, "sub")).Status);
        Assert.Equal(FacebookUserTokenStatus.NotSignedIn, (await host.Manager.GetFacebookUserTokenAsync(principal)).Status);
        Assert.Equal(FacebookUserTokenStatus.NotSignedIn, (await host.Manager.GetFacebookUserTokenAsync(new ClaimsPrincipal(new ClaimsIdentity([new Claim("sub", user.Id)])), "sub")).Status);
    }

    [Fact]
    public async Task The_HttpClient_handler_calls_Graph_with_the_signed_in_users_token_and_proof()
    {
        RecordingHandler? graph = null;
        await using var host = await WebTestHostWithRecorder();
        var user = await SignedUpUserAsync(host);
        var stored = await host.Manager.GetTokenAsync(TokenKey.ForUser(user.Id));

        var body = await GetAsync(host, "/graph/me", user.Id);

        Assert.Contains(user.Id, body, StringComparison.Ordinal);
        var (uri, authorization) = Assert.Single(graph!.Requests);
        Assert.Equal("Bearer " + stored.Value, authorization);
        Assert.Contains("appsecret_proof=", uri.Query, StringComparison.Ordinal);

        async Task<WebTestHost> WebTestHostWithRecorder()
        {
            var emulatorHandler = new LateHandler();
            graph = new RecordingHandler(emulatorHandler);
            var h = await HostAsync(graph);
            emulatorHandler.Inner = h.Emulator.CreateHttpMessageHandler();
            return h;
        }
    }

    [Fact]
    public async Task The_HttpClient_handler_sends_no_token_when_nobody_is_signed_in()
    {
        var late = new LateHandler();
        var graph = new RecordingHandler(late);
        await using var host = await HostAsync(graph);
        late.Inner = host.Emulator.CreateHttpMessageHandler();

        await GetAsync(host, "/graph/me", null);

        var (uri, authorization) = Assert.Single(graph.Requests);
        Assert.Null(authorization);
        Assert.DoesNotContain("access_token", uri.Query, StringComparison.Ordinal);
    }

    /// <summary>Forwards to a handler created once the host (and its emulator) exists.</summary>
    private sealed class LateHandler : HttpMessageHandler
    {
        public HttpMessageHandler? Inner { get; set; }

        protected override Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken) =>
            new HttpMessageInvoker(Inner!, disposeHandler: false).SendAsync(request, cancellationToken);
    }
}
