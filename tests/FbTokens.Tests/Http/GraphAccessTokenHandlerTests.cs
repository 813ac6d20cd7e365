using System.Net;
using FbTokens.Internal;
using FbTokens.Tests.Framework;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using RichardSzalay.MockHttp;

namespace FbTokens.Tests.Http;

public sealed class GraphAccessTokenHandlerTests
{
    private const string UserToken = "EAABusertokenforhandler0123456789";
    private static readonly string Me = $"http://graph.test/{LifecycleHost.Version}/me";

    private static (LifecycleHost Host, MockHttpMessageHandler Api, HttpClient Client) Create(TokenKey? defaultKey = null, Action<FbTokensOptions>? configure = null)
    {
        var api = new MockHttpMessageHandler();
        var host = new LifecycleHost(services: s =>
        {
            s.AddHttpClient("graph")
                .AddGraphAccessTokenHandler(defaultKey)
                .ConfigurePrimaryHttpMessageHandler(() => api);
            if (configure is not null)
            {
                s.Configure(configure);
            }
        });
        var client = host.Services.GetRequiredService<IHttpClientFactory>().CreateClient("graph");
        return (host, api, client);
    }

    [Fact]
    public async Task Attaches_the_named_token_in_the_Authorization_header_and_its_appsecret_proof_as_a_parameter()
    {
        var (host, api, client) = Create();
        await using var _ = host;
        await host.SeedUserAsync("1001", UserToken, TimeSpan.FromDays(50));
        var proof = AppSecretProof.Compute(System.Text.Encoding.UTF8.GetBytes(LifecycleHost.AppSecret), UserToken);
        var me = api.When(HttpMethod.Get, Me)
            .WithExactQueryString(new Dictionary<string, string> { ["fields"] = "id,name", ["appsecret_proof"] = proof })
            .WithHeaders("Authorization", "Bearer " + UserToken)
            .Respond("application/json", """{"id":"1001"}""");

        // A stale token in the query would win over the header at Graph, and a host's own header is replaced.
        using var request = new HttpRequestMessage(HttpMethod.Get, Me + "?fields=id,name&access_token=stale&appsecret_proof=stale").WithGraphToken(TokenKey.ForUser("1001"));
        request.Headers.Authorization = new System.Net.Http.Headers.AuthenticationHeaderValue("Bearer", "EAABhostsownstaletoken0123456789");
        using var response = await client.SendAsync(request);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal(1, api.GetMatchCount(me));
    }

    [Fact]
    public async Task With_SendAccessTokenInHeader_off_the_token_is_the_access_token_parameter_as_before()
    {
        var (host, api, client) = Create(configure: o => o.SendAccessTokenInHeader = false);
        await using var _ = host;
        await host.SeedUserAsync("1001", UserToken, TimeSpan.FromDays(50));
        var proof = AppSecretProof.Compute(System.Text.Encoding.UTF8.GetBytes(LifecycleHost.AppSecret), UserToken);
        var me = api.When(HttpMethod.Get, Me)
            .WithExactQueryString(new Dictionary<string, string> { ["fields"] = "id,name", ["access_token"] = UserToken, ["appsecret_proof"] = proof })
            .With(m => m.Headers.Authorization is null)
            .Respond("application/json", """{"id":"1001"}""");
        var withApp = api.When(HttpMethod.Get, Me)
            .WithExactQueryString($"access_token={Uri.EscapeDataString(LifecycleHost.AppId + "|" + LifecycleHost.AppSecret)}")
            .With(m => m.Headers.Authorization is null)
            .Respond("application/json", "{}");

        using var request = new HttpRequestMessage(HttpMethod.Get, Me + "?fields=id,name&access_token=stale").WithGraphToken(TokenKey.ForUser("1001"));
        (await client.SendAsync(request)).Dispose();
        using var appRequest = new HttpRequestMessage(HttpMethod.Get, Me).WithGraphToken(TokenKey.ForApp(LifecycleHost.AppId));
        (await client.SendAsync(appRequest)).Dispose();

        Assert.Equal(1, api.GetMatchCount(me));
        Assert.Equal(1, api.GetMatchCount(withApp));
    }

    [Fact]
    public async Task App_tokens_go_without_proof_and_requests_naming_no_token_pass_through()
    {
        var (host, api, client) = Create();
        await using var _ = host;
        var withApp = api.When(HttpMethod.Get, Me).WithExactQueryString(string.Empty)
            .WithHeaders("Authorization", "Bearer " + LifecycleHost.AppId + "|" + LifecycleHost.AppSecret).Respond("application/json", "{}");
        var bare = api.When(HttpMethod.Get, Me).WithExactQueryString(string.Empty).With(m => m.Headers.Authorization is null).Respond("application/json", "{}");

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
        Assert.Contains("evil.test", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_request_without_an_absolute_URI_fails_before_any_token_is_attached()
    {
        var (host, api, _) = Create(TokenKey.ForUser("1001"));
        await using var __ = host;
        await host.SeedUserAsync("1001", UserToken, TimeSpan.FromDays(50));
        var anything = api.When("*").Respond("application/json", "{}");

        // HttpClient rejects a relative URI itself; a bare invoker over the client's handlers does not.
        using var invoker = new HttpMessageInvoker(host.Services.GetRequiredService<IHttpMessageHandlerFactory>().CreateHandler("graph"), disposeHandler: false);
        using var relative = new HttpRequestMessage(HttpMethod.Get, new Uri("me", UriKind.Relative));
        using var none = new HttpRequestMessage { Method = HttpMethod.Get };

        var relativeError = await Assert.ThrowsAsync<InvalidOperationException>(() => invoker.SendAsync(relative, CancellationToken.None));
        var noneError = await Assert.ThrowsAsync<InvalidOperationException>(() => invoker.SendAsync(none, CancellationToken.None));

        Assert.Contains("absolute", relativeError.Message, StringComparison.Ordinal);
        Assert.Contains("no URI", noneError.Message, StringComparison.Ordinal);
        Assert.Null(relative.Headers.Authorization);
        Assert.Equal(0, api.GetMatchCount(anything));
    }

    public static TheoryData<HttpStatusCode, string> NotRejections => new()
    {
        { HttpStatusCode.InternalServerError, LifecyclePayloads.Error(190, 460) },
        { HttpStatusCode.ServiceUnavailable, LifecyclePayloads.Error(190, 460) },
        { HttpStatusCode.OK, LifecyclePayloads.Error(190, 460) },
        { HttpStatusCode.BadRequest, LifecyclePayloads.Error(190, 460, transient: true) },
        { HttpStatusCode.NotFound, "<html><body>Not Found</body></html>" },
    };

    [Theory]
    [MemberData(nameof(NotRejections))]
    public async Task Only_a_non_transient_token_error_with_a_4xx_status_rejects_the_token(HttpStatusCode status, string body)
    {
        var (host, api, client) = Create(TokenKey.ForUser("1001"));
        await using var _ = host;
        await host.SeedUserAsync("1001", UserToken, TimeSpan.FromDays(50));
        var me = api.When(HttpMethod.Get, Me).Respond(status, "application/json", body);

        using var response = await client.GetAsync(new Uri(Me));

        Assert.Equal(status, response.StatusCode);
        Assert.Equal(body, await response.Content.ReadAsStringAsync());
        Assert.Equal(1, api.GetMatchCount(me));
        Assert.Equal(TokenStatus.Valid, (await host.Store.GetAsync(TokenKey.ForUser("1001")))!.Status);
        Assert.Empty(host.Observer.Reauthentication);
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
        var rejected = api.When(HttpMethod.Get, Me).WithHeaders("Authorization", "Bearer EAABoldpagetoken-0123456789")
            .Respond(_ => new HttpResponseMessage(HttpStatusCode.BadRequest) { Content = rejectedContent });
        var accepted = api.When(HttpMethod.Get, Me).WithHeaders("Authorization", "Bearer EAABnewpagetoken-0123456789")
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

    [Theory]
    [InlineData(459, TokenErrorReason.UserCheckpointed)]
    [InlineData(464, TokenErrorReason.UnconfirmedUser)]
    public async Task A_user_token_rejected_because_the_person_must_act_on_facebook_com_stays_valid_and_is_reported_once(int subcode, TokenErrorReason reason)
    {
        var (host, api, client) = Create(TokenKey.ForUser("1001"));
        await using var _ = host;
        await host.SeedUserAsync("1001", UserToken, TimeSpan.FromDays(50));
        var me = api.When(HttpMethod.Get, Me).Respond(HttpStatusCode.BadRequest, "application/json", LifecyclePayloads.Error(190, subcode));

        using var first = await client.GetAsync(new Uri(Me));
        using var second = await client.GetAsync(new Uri(Me));

        // Meta: the person must log in at facebook.com to correct an issue; nothing says the token is gone.
        Assert.Equal(HttpStatusCode.BadRequest, second.StatusCode);
        Assert.Equal(2, api.GetMatchCount(me));
        var stored = await host.Store.GetAsync(TokenKey.ForUser("1001"));
        Assert.Equal(TokenStatus.Valid, stored!.Status);
        Assert.Equal(reason, stored.InvalidReason);
        var notice = Assert.Single(host.Observer.Reauthentication);
        Assert.Equal(reason, notice.Reason);
        Assert.Equal(UserToken, (await host.PublicManager.GetTokenAsync(TokenKey.ForUser("1001"))).Value);
    }

    [Fact]
    public async Task A_page_token_rejected_for_a_checkpoint_is_not_fetched_again_and_stays_valid()
    {
        var (host, api, client) = Create();
        await using var _ = host;
        await host.SeedUserAsync("1001", UserToken, TimeSpan.FromDays(50));
        await host.SeedPageAsync("2001", "EAABoldpagetoken-0123456789", "1001");
        var accounts = host.Http.When(HttpMethod.Get, $"http://graph.test/{LifecycleHost.Version}/1001/accounts")
            .Respond("application/json", LifecyclePayloads.Accounts(("2001", "EAABnewpagetoken-0123456789")));
        var me = api.When(HttpMethod.Get, Me).Respond(HttpStatusCode.BadRequest, "application/json", LifecyclePayloads.Error(190, 459));

        using var request = new HttpRequestMessage(HttpMethod.Get, Me).WithGraphToken(TokenKey.ForPage("2001"));
        using var response = await client.SendAsync(request);

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Equal(1, api.GetMatchCount(me));
        Assert.Equal(0, host.Http.GetMatchCount(accounts));
        var page = await host.Store.GetAsync(TokenKey.ForPage("2001"));
        Assert.Equal(TokenStatus.Valid, page!.Status);
        Assert.Equal("EAABoldpagetoken-0123456789", page.Value);
        Assert.Equal(TokenErrorReason.UserCheckpointed, Assert.Single(host.Observer.Reauthentication).Reason);
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

    [Fact]
    public async Task An_endless_error_body_is_read_within_MaxErrorBodyBytes_and_surfaces_as_a_protocol_error()
    {
        var (host, api, client) = Create(TokenKey.ForUser("1001"), o => o.Limits.MaxErrorBodyBytes = 64 * 1024);
        await using var _ = host;
        await host.SeedUserAsync("1001", UserToken, TimeSpan.FromDays(50));
        var body = new EndlessStream(prefix: "{\"error\":{\"message\":\""u8.ToArray());
        api.When(HttpMethod.Get, Me).Respond(_ =>
        {
            var response = new HttpResponseMessage(HttpStatusCode.BadRequest) { Content = new StreamContent(body) };
            response.Headers.TryAddWithoutValidation("x-fb-trace-id", "HandlerTrace1");
            return response;
        });

        var error = await Assert.ThrowsAsync<GraphProtocolException>(() => client.GetAsync(new Uri(Me)));

        Assert.Equal(HttpStatusCode.BadRequest, error.StatusCode);
        Assert.Equal("HandlerTrace1", error.FbTraceId);
        Assert.Contains("MaxErrorBodyBytes", error.Message, StringComparison.Ordinal);
        Assert.InRange(body.BytesRead, 1, (64 * 1024) + (128 * 1024));
        Assert.Equal(TokenStatus.Valid, (await host.Store.GetAsync(TokenKey.ForUser("1001")))!.Status);
    }

    [Fact]
    public async Task An_error_body_declared_past_MaxErrorBodyBytes_is_not_read()
    {
        var (host, api, client) = Create(TokenKey.ForUser("1001"), o => o.Limits.MaxErrorBodyBytes = 1024);
        await using var _ = host;
        await host.SeedUserAsync("1001", UserToken, TimeSpan.FromDays(50));
        var body = new EndlessStream(cap: 4096);
        api.When(HttpMethod.Get, Me).Respond(_ =>
        {
            var content = new StreamContent(body);
            content.Headers.ContentLength = 4096;
            return new HttpResponseMessage(HttpStatusCode.Forbidden) { Content = content };
        });

        var error = await Assert.ThrowsAsync<GraphProtocolException>(() => client.GetAsync(new Uri(Me)));

        Assert.Equal(HttpStatusCode.Forbidden, error.StatusCode);
        Assert.Equal(0, body.BytesRead);
    }

    [Fact]
    public async Task A_rejection_within_the_limit_is_still_seen_and_its_body_still_readable()
    {
        var (host, api, client) = Create(TokenKey.ForUser("1001"), o => o.Limits.MaxErrorBodyBytes = 1024);
        await using var _ = host;
        await host.SeedUserAsync("1001", UserToken, TimeSpan.FromDays(50));
        api.When(HttpMethod.Get, Me).Respond(_ => new HttpResponseMessage(HttpStatusCode.BadRequest)
        {
            Content = new StreamContent(new MemoryStream(System.Text.Encoding.UTF8.GetBytes(LifecyclePayloads.Error(190, 463)))),
        });

        using var response = await client.GetAsync(new Uri(Me));

        Assert.Contains("\"error_subcode\":463", await response.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        Assert.Equal(TokenStatus.Invalid, (await host.Store.GetAsync(TokenKey.ForUser("1001")))!.Status);
    }

    [Fact]
    public async Task The_Authorization_header_is_redacted_in_the_clients_logs_even_when_the_host_names_its_own_headers()
    {
        var api = new MockHttpMessageHandler();
        var logs = new CapturingLoggerProvider();
        await using var host = new LifecycleHost(services: s =>
        {
            s.AddLogging(l => l.SetMinimumLevel(Microsoft.Extensions.Logging.LogLevel.Trace).AddProvider(logs));
            s.AddHttpClient("graph")
                .AddGraphAccessTokenHandler(TokenKey.ForUser("1001"))
                .RedactLoggedHeaders(["X-Host-Secret"])
                .ConfigurePrimaryHttpMessageHandler(() => api);
        });
        await host.SeedUserAsync("1001", UserToken, TimeSpan.FromDays(50));
        api.When(HttpMethod.Get, Me).WithHeaders("Authorization", "Bearer " + UserToken).Respond("application/json", "{}");
        var client = host.Services.GetRequiredService<IHttpClientFactory>().CreateClient("graph");

        (await client.GetAsync(new Uri(Me))).Dispose();

        Assert.Contains(logs.Entries, e => e.Text.Contains("Authorization", StringComparison.Ordinal));
        Assert.DoesNotContain(logs.Entries, e => e.Text.Contains(UserToken, StringComparison.Ordinal));
    }
}
