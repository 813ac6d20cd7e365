using FbTokens.Internal;
using FbTokens.Tests.Framework;
using Microsoft.Extensions.DependencyInjection;
using RichardSzalay.MockHttp;

namespace FbTokens.Tests.Lifecycle;

/// <summary>Issue 15, "get the person back in time": one notice per user per deadline, with a ready login request.</summary>
public sealed class PersonNoticeTests
{
    private const string Token = "EAABlonglivedtoken0123456789";
    private static readonly Uri Callback = new("https://example.com/signin-facebook");

    private static LifecycleHost Create(Action<TokenManagerOptions>? configure = null, bool redirect = true, InMemoryTokenStore? store = null) =>
        new(configure, build: b =>
        {
            if (redirect)
            {
                b.AddFacebookLogin(o => o.RedirectUri = Callback);
            }
        }, services: store is null ? null : s => s.AddSingleton<ITokenStore>(store));

    private static PersonNotices Notices(LifecycleHost host) => host.Services.GetRequiredService<PersonNotices>();

    private static async Task<StoredToken> NeedsPersonAsync(LifecycleHost host, TimeSpan expiresIn, TimeSpan? dataAccessIn = null)
    {
        var seeded = await host.SeedUserAsync("1001", Token, expiresIn);
        return await host.Store.SetAsync(seeded with
        {
            RenewalNeedsPerson = true,
            DataAccessExpiresAt = host.Now + (dataAccessIn ?? TimeSpan.FromDays(80)),
        }, seeded.Version);
    }

    [Fact]
    public async Task The_expiry_notice_goes_out_once_per_expiry_with_the_deadline_and_a_login_request()
    {
        await using var host = Create();
        await NeedsPersonAsync(host, TimeSpan.FromDays(20));
        var key = TokenKey.ForUser("1001");

        // Hourly checks over the token's life (as the sweep does): one notice, 7 days ahead.
        for (var hour = 0; hour < 20 * 24 - 1; hour++)
        {
            var current = (await host.Store.GetAsync(key))!;
            await Notices(host).NotifyIfDueAsync(current, null, host.Now, CancellationToken.None);
            host.Time.Advance(TimeSpan.FromHours(1));
        }

        var notice = Assert.Single(host.Observer.Expiring);
        Assert.Equal(key, notice.Key);
        Assert.Equal("1001", notice.UserId);
        Assert.Equal(LifecycleHost.Start + TimeSpan.FromDays(20), notice.ExpiresAt);
        Assert.Equal(FacebookLoginAuthType.None, notice.AuthType);
        Assert.NotNull(notice.LoginRequest);
        Assert.Equal(Callback, notice.LoginRequest.RedirectUri);
        Assert.Equal(["email", "pages_show_list"], notice.LoginRequest.Scopes);
        Assert.Equal(notice.ExpiresAt, (await host.Store.GetAsync(key))!.ExpiryNoticeSentFor);
    }

    [Fact]
    public async Task A_restarted_or_second_instance_does_not_repeat_a_notice()
    {
        var store = new InMemoryTokenStore();
        await using (var first = Create(store: store))
        {
            var token = await NeedsPersonAsync(first, TimeSpan.FromDays(3));
            await Notices(first).NotifyIfDueAsync(token, null, first.Now, CancellationToken.None);
            Assert.Single(first.Observer.Expiring);
        }

        await using var second = Create(store: store);
        var again = (await store.GetAsync(TokenKey.ForUser("1001")))!;
        await Notices(second).NotifyIfDueAsync(again, null, second.Now + TimeSpan.FromHours(1), CancellationToken.None);

        Assert.Empty(second.Observer.Expiring);
    }

    [Fact]
    public async Task Two_instances_that_read_the_same_version_notify_once()
    {
        var store = new InMemoryTokenStore();
        await using var a = Create(store: store);
        await using var b = Create(store: store);
        var token = await NeedsPersonAsync(a, TimeSpan.FromDays(3));

        await Notices(a).NotifyIfDueAsync(token, null, a.Now, CancellationToken.None);
        await Notices(b).NotifyIfDueAsync(token, null, a.Now, CancellationToken.None);

        Assert.Equal(1, a.Observer.Expiring.Count + b.Observer.Expiring.Count);
    }

    [Fact]
    public async Task A_token_the_manager_will_still_try_to_renew_gets_no_expiry_notice_before_its_refresh_is_due()
    {
        await using var host = Create(o => { o.RefreshBeforeExpiry = TimeSpan.FromDays(3); o.ExpiringNoticeBefore = TimeSpan.FromDays(7); });
        var token = await host.SeedUserAsync("1001", Token, TimeSpan.FromDays(5));

        await Notices(host).NotifyIfDueAsync(token, null, host.Now, CancellationToken.None);

        Assert.Empty(host.Observer.Expiring);
    }

    [Fact]
    public async Task The_data_access_notice_asks_for_reauthorize_once_per_window()
    {
        await using var host = Create();
        var token = await NeedsPersonAsync(host, TimeSpan.FromDays(50), dataAccessIn: TimeSpan.FromDays(10));

        var after = await Notices(host).NotifyIfDueAsync(token, null, host.Now, CancellationToken.None);
        await Notices(host).NotifyIfDueAsync(after, null, host.Now + TimeSpan.FromDays(1), CancellationToken.None);

        var notice = Assert.Single(host.Observer.DataAccess);
        Assert.Equal(token.DataAccessExpiresAt, notice.DataAccessExpiresAt);
        Assert.Equal(FacebookLoginAuthType.Reauthorize, notice.LoginRequest!.AuthType);
        Assert.Empty(host.Observer.Expiring);
    }

    [Fact]
    public async Task Without_a_configured_redirect_uri_the_notice_carries_the_deadline_auth_type_and_scopes_only()
    {
        await using var host = Create(o => o.RequiredPermissions = ["pages_show_list", "ads_read"], redirect: false);
        var token = await NeedsPersonAsync(host, TimeSpan.FromDays(3));

        await Notices(host).NotifyIfDueAsync(token, null, host.Now, CancellationToken.None);

        var notice = Assert.Single(host.Observer.Expiring);
        Assert.Null(notice.LoginRequest);
        Assert.Equal(FacebookLoginAuthType.Rerequest, notice.AuthType);
        Assert.Contains("ads_read", notice.Scopes);
        Assert.Equal(token.ExpiresAt, notice.ExpiresAt);
    }

    [Fact]
    public async Task Missing_permissions_are_reported_once_per_missing_set_with_a_rerequest()
    {
        await using var host = Create(o => o.RequiredPermissions = ["pages_show_list", "ads_read", "email"]);
        var token = await host.SeedUserAsync("1001", Token, TimeSpan.FromDays(50));

        token = await Notices(host).NotifyIfDueAsync(token, ["email", "pages_show_list"], host.Now, CancellationToken.None);
        token = await Notices(host).NotifyIfDueAsync(token, ["email", "pages_show_list"], host.Now, CancellationToken.None);
        token = await Notices(host).NotifyIfDueAsync(token, ["pages_show_list"], host.Now, CancellationToken.None);
        token = await Notices(host).NotifyIfDueAsync(token, ["email", "pages_show_list", "ads_read"], host.Now, CancellationToken.None);

        Assert.Collection(
            host.Observer.PermissionsMissing,
            n => Assert.Equal(["ads_read"], n.MissingPermissions),
            n => Assert.Equal(["ads_read", "email"], n.MissingPermissions));
        Assert.All(host.Observer.PermissionsMissing, n => Assert.Equal(FacebookLoginAuthType.Rerequest, n.LoginRequest!.AuthType));
        Assert.Equal(["ads_read", "email"], host.Observer.PermissionsMissing.Last().LoginRequest!.Scopes);
        Assert.Empty(token.MissingPermissionsNoticed);
    }

    [Fact]
    public async Task The_sweep_records_a_failed_renewal_and_tells_the_person_once()
    {
        var graph = new SameExpiryGraph();
        await using var host = new LifecycleHost(build: b => b.AddTokenValidationSweep(), graph: graph);
        var seeded = await host.SeedUserAsync("1001", Token, TimeSpan.FromDays(12));
        graph.ExpiresAt = seeded.ExpiresAt!.Value;
        graph.DataAccessExpiresAt = seeded.DataAccessExpiresAt!.Value;
        graph.Clock = host.Time;
        var sweeper = host.Services.GetRequiredService<TokenSweeper>();

        for (var i = 0; i < 12 * 4; i++)
        {
            await sweeper.SweepAsync(CancellationToken.None);
            host.Time.Advance(TimeSpan.FromHours(6));
        }

        Assert.Equal(1, graph.Exchanges);
        Assert.Empty(host.Observer.Refreshed);
        var notice = Assert.Single(host.Observer.Expiring);
        Assert.Equal(seeded.ExpiresAt, notice.ExpiresAt);
        Assert.True((await host.Store.GetAsync(TokenKey.ForUser("1001")))!.RenewalNeedsPerson);
    }

    /// <summary>Graph as field reports describe it: the batch debug_token says valid; a re-exchange returns the same expiry.</summary>
    private sealed class SameExpiryGraph : HttpMessageHandler
    {
        private int _exchanges;

        public int Exchanges => _exchanges;

        public DateTimeOffset ExpiresAt { get; set; }

        public DateTimeOffset DataAccessExpiresAt { get; set; }

        public TimeProvider Clock { get; set; } = TimeProvider.System;

        protected override Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
        {
            if (request.RequestUri!.AbsolutePath.EndsWith("/oauth/access_token", StringComparison.Ordinal))
            {
                Interlocked.Increment(ref _exchanges);

                // expires_in is relative: the client adds it to its own clock, so answer with the seconds left then.
                var left = (long)(ExpiresAt - Clock.GetUtcNow()).TotalSeconds;
                return Task.FromResult(LifecyclePayloads.Json(System.Net.HttpStatusCode.OK, LifecyclePayloads.LongLived(Token, left)));
            }

            var body = LifecyclePayloads.DebugData(true, "1001", ExpiresAt, DataAccessExpiresAt);
            var escaped = System.Text.Json.JsonSerializer.Serialize(body);
            return Task.FromResult(LifecyclePayloads.Json(System.Net.HttpStatusCode.OK, "[{\"code\":200,\"body\":" + escaped + "}]"));
        }
    }
}
