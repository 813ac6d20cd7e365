using System.Net;
using FbTokens.Tests.Framework;
using Microsoft.Extensions.DependencyInjection;
using RichardSzalay.MockHttp;

namespace FbTokens.Tests.Lifecycle;

public sealed class GraphTokenManagerTests
{
    private const string ShortLived = "EAABshortlivedtoken0123456789";
    private const string OldLong = "EAABoldlonglivedtoken0123456789";
    private const string NewLong = "EAABnewlonglivedtoken0123456789";

    private static MockedRequest MockExchange(LifecycleHost host, string returned) =>
        host.Http.When(HttpMethod.Post, LifecycleHost.Exchange)
            .WithFormData("grant_type", "fb_exchange_token")
            .Respond("application/json", LifecyclePayloads.LongLived(returned));

    [Fact]
    public async Task A_valid_token_outside_its_refresh_window_is_handed_out_synchronously_without_allocating()
    {
        await using var host = new LifecycleHost();
        var stored = await host.SeedUserAsync("1001", OldLong, TimeSpan.FromDays(30));
        var manager = host.PublicManager;
        var key = TokenKey.ForUser("1001");
        for (var i = 0; i < 10; i++)
        {
            Assert.Same(stored, await manager.GetTokenAsync(key));
        }

        var (allocated, misses) = HandOut(manager, key, stored, 100);

        Assert.Equal(0, misses);
        Assert.Equal(0, allocated);
    }

    // Not a test method, so reading a completed ValueTask's result synchronously is allowed.
    private static (long Allocated, int Misses) HandOut(IGraphTokenManager manager, TokenKey key, StoredToken expected, int calls)
    {
        var misses = 0;
        var before = GC.GetAllocatedBytesForCurrentThread();
        for (var i = 0; i < calls; i++)
        {
            var pending = manager.GetTokenAsync(key);
            if (!pending.IsCompletedSuccessfully || !ReferenceEquals(pending.Result, expected))
            {
                misses++;
            }
        }

        return (GC.GetAllocatedBytesForCurrentThread() - before, misses);
    }

    [Fact]
    public async Task Saving_a_short_lived_token_exchanges_it_and_stores_the_long_lived_one()
    {
        await using var host = new LifecycleHost();
        var debug = host.Http.When(HttpMethod.Get, LifecycleHost.DebugToken).WithQueryString("input_token", ShortLived)
            .Respond("application/json", LifecyclePayloads.DebugData(true, "1001", host.Now + TimeSpan.FromHours(2), host.Now + TimeSpan.FromDays(90)));
        var exchange = host.Http.When(HttpMethod.Post, LifecycleHost.Exchange)
            .WithFormData("fb_exchange_token", ShortLived)
            .Respond("application/json", LifecyclePayloads.LongLived(NewLong));

        var saved = await host.PublicManager.SaveUserTokenAsync(ShortLived);

        Assert.Equal(1, host.Http.GetMatchCount(debug));
        Assert.Equal(1, host.Http.GetMatchCount(exchange));
        Assert.Equal(TokenKey.ForUser("1001"), saved.Key);
        Assert.Equal(NewLong, saved.Value);
        Assert.Equal(host.Now + TimeSpan.FromSeconds(5_184_000), saved.ExpiresAt);
        Assert.Equal(host.Now + TimeSpan.FromDays(90), saved.DataAccessExpiresAt);
        Assert.Equal(["email", "pages_show_list"], saved.Scopes);
        Assert.Equal(NewLong, (await host.Store.GetAsync(saved.Key))!.Value);
    }

    [Fact]
    public async Task Saving_a_token_with_more_than_a_day_left_stores_it_without_exchange()
    {
        await using var host = new LifecycleHost();
        host.Http.When(HttpMethod.Get, LifecycleHost.DebugToken)
            .Respond("application/json", LifecyclePayloads.DebugData(true, "1001", host.Now + TimeSpan.FromDays(50)));
        var exchange = MockExchange(host, NewLong);

        var saved = await host.PublicManager.SaveUserTokenAsync(OldLong);

        Assert.Equal(0, host.Http.GetMatchCount(exchange));
        Assert.Equal(OldLong, saved.Value);
        Assert.Equal(host.Now + TimeSpan.FromDays(50), saved.ExpiresAt);
    }

    [Fact]
    public async Task Saving_with_page_tokens_stores_each_page_with_its_owner()
    {
        await using var host = new LifecycleHost();
        host.Http.When(HttpMethod.Get, LifecycleHost.DebugToken)
            .Respond("application/json", LifecyclePayloads.DebugData(true, "1001", host.Now + TimeSpan.FromDays(50)));
        host.Http.When(HttpMethod.Get, $"http://graph.test/{LifecycleHost.Version}/1001/accounts")
            .WithHeaders("Authorization", "Bearer " + OldLong) // the user token travels in the header on a GET
            .Respond("application/json", LifecyclePayloads.Accounts(("2001", "EAABpagetoken2001-0123456789"), ("2002", "EAABpagetoken2002-0123456789")));

        await host.PublicManager.SaveUserTokenAsync(OldLong, includePageTokens: true);

        var page = await host.PublicManager.GetTokenAsync(TokenKey.ForPage("2002"));
        Assert.Equal("EAABpagetoken2002-0123456789", page.Value);
        Assert.Equal("1001", page.OwnerUserId);
        Assert.Null(page.ExpiresAt);
        Assert.NotNull(await host.Store.GetAsync(TokenKey.ForPage("2001")));
    }

    [Fact]
    public async Task Saving_an_invalid_token_or_another_apps_token_fails_and_stores_nothing()
    {
        await using var host = new LifecycleHost();
        host.Http.When(HttpMethod.Get, LifecycleHost.DebugToken).WithQueryString("input_token", "EAABinvalidtoken0123456789")
            .Respond("application/json", LifecyclePayloads.DebugData(false, "1001", host.Now, subcode: 463));
        host.Http.When(HttpMethod.Get, LifecycleHost.DebugToken).WithQueryString("input_token", "EAABotherapptoken0123456789")
            .Respond("application/json", LifecyclePayloads.DebugData(true, "1001", host.Now + TimeSpan.FromDays(50)).Replace(LifecycleHost.AppId, "999", StringComparison.Ordinal));

        var auth = await Assert.ThrowsAsync<GraphAuthException>(() => host.PublicManager.SaveUserTokenAsync("EAABinvalidtoken0123456789"));
        Assert.Equal(TokenErrorReason.Expired, auth.Reason);
        await Assert.ThrowsAsync<ArgumentException>(() => host.PublicManager.SaveUserTokenAsync("EAABotherapptoken0123456789"));
        await Assert.ThrowsAsync<ArgumentException>(() => host.PublicManager.SaveUserTokenAsync("has space"));
        Assert.Null(await host.Store.GetAsync(TokenKey.ForUser("1001")));
    }

    [Fact]
    public async Task A_token_outside_its_refresh_window_is_returned_without_a_Graph_call()
    {
        await using var host = new LifecycleHost();
        var exchange = MockExchange(host, NewLong);
        var seeded = await host.SeedUserAsync("1001", OldLong, TimeSpan.FromDays(7) + TimeSpan.FromSeconds(1));

        var token = await host.PublicManager.GetTokenAsync(TokenKey.ForUser("1001"));

        Assert.Equal(OldLong, token.Value);
        Assert.Equal(seeded.Version, token.Version);
        Assert.Equal(0, host.Http.GetMatchCount(exchange));
    }

    [Fact]
    public async Task A_token_inside_its_refresh_window_is_re_exchanged_stored_and_reported()
    {
        await using var host = new LifecycleHost();
        var exchange = host.Http.When(HttpMethod.Post, LifecycleHost.Exchange).WithFormData("fb_exchange_token", OldLong)
            .Respond("application/json", LifecyclePayloads.LongLived(NewLong));
        var seeded = await host.SeedUserAsync("1001", OldLong, TimeSpan.FromDays(7));

        var token = await host.PublicManager.GetTokenAsync(TokenKey.ForUser("1001"));

        Assert.Equal(NewLong, token.Value);
        Assert.Equal(seeded.Version + 1, token.Version);
        Assert.Equal(host.Now + TimeSpan.FromSeconds(5_184_000), token.ExpiresAt);
        Assert.Equal(seeded.Scopes, token.Scopes);
        Assert.Equal(1, host.Http.GetMatchCount(exchange));
        var refreshed = Assert.Single(host.Observer.Refreshed);
        Assert.Equal(seeded.ExpiresAt, refreshed.PreviousExpiresAt);
        Assert.Equal(token.ExpiresAt, refreshed.ExpiresAt);
    }

    [Fact]
    public async Task The_refresh_window_is_configurable()
    {
        await using var host = new LifecycleHost(o => o.RefreshBeforeExpiry = TimeSpan.FromDays(20));
        var exchange = MockExchange(host, NewLong);
        await host.SeedUserAsync("1001", OldLong, TimeSpan.FromDays(21));

        Assert.Equal(OldLong, (await host.PublicManager.GetTokenAsync(TokenKey.ForUser("1001"))).Value);
        host.Time.Advance(TimeSpan.FromDays(1));
        Assert.Equal(NewLong, (await host.PublicManager.GetTokenAsync(TokenKey.ForUser("1001"))).Value);
        Assert.Equal(1, host.Http.GetMatchCount(exchange));
    }

    [Fact]
    public async Task A_failed_refresh_keeps_the_still_valid_token_waits_then_tries_again()
    {
        await using var host = new LifecycleHost(o => o.RefreshRetryDelay = TimeSpan.FromMinutes(5));
        var calls = 0;
        host.Http.When(HttpMethod.Post, LifecycleHost.Exchange).Respond(_ => ++calls == 1
            ? LifecyclePayloads.Json(HttpStatusCode.BadRequest, LifecyclePayloads.Error(100))
            : LifecyclePayloads.Json(HttpStatusCode.OK, LifecyclePayloads.LongLived(NewLong)));
        var seeded = await host.SeedUserAsync("1001", OldLong, TimeSpan.FromDays(3));
        var key = TokenKey.ForUser("1001");

        var first = await host.PublicManager.GetTokenAsync(key);
        var second = await host.PublicManager.GetTokenAsync(key);

        Assert.Equal(OldLong, first.Value);
        Assert.Equal(OldLong, second.Value);
        Assert.Equal(1, calls);
        Assert.Equal(seeded, await host.Store.GetAsync(key));
        Assert.Empty(host.Observer.Refreshed);
        Assert.Empty(host.Observer.Reauthentication);

        host.Time.Advance(TimeSpan.FromMinutes(5));
        var third = await host.PublicManager.GetTokenAsync(key);
        Assert.Equal(NewLong, third.Value);
        Assert.Equal(2, calls);
    }

    [Fact]
    public async Task A_forced_refresh_that_fails_surfaces_the_error_and_is_not_cached()
    {
        await using var host = new LifecycleHost();
        var calls = 0;
        host.Http.When(HttpMethod.Post, LifecycleHost.Exchange).Respond(_ => ++calls == 1
            ? LifecyclePayloads.Json(HttpStatusCode.InternalServerError, LifecyclePayloads.Error(2, transient: true))
            : LifecyclePayloads.Json(HttpStatusCode.OK, LifecyclePayloads.LongLived(NewLong)));
        await host.SeedUserAsync("1001", OldLong, TimeSpan.FromDays(30));

        await Assert.ThrowsAsync<GraphApiException>(() => host.PublicManager.RefreshAsync(TokenKey.ForUser("1001")));
        Assert.Equal(OldLong, (await host.Store.GetAsync(TokenKey.ForUser("1001")))!.Value);
        Assert.Equal(NewLong, (await host.PublicManager.RefreshAsync(TokenKey.ForUser("1001"))).Value);
        Assert.Equal(2, calls);
    }

    [Fact]
    public async Task A_refresh_rejected_by_Graph_marks_the_token_and_asks_for_login_once()
    {
        await using var host = new LifecycleHost();
        host.Http.When(HttpMethod.Post, LifecycleHost.Exchange)
            .Respond(HttpStatusCode.BadRequest, "application/json", LifecyclePayloads.Error(190, 460));
        await host.SeedUserAsync("1001", OldLong, TimeSpan.FromDays(2), ["email", "ads_read"]);
        var key = TokenKey.ForUser("1001");

        var ex = await Assert.ThrowsAsync<ReauthenticationRequiredException>(() => host.PublicManager.GetTokenAsync(key).AsTask());
        var again = await Assert.ThrowsAsync<ReauthenticationRequiredException>(() => host.PublicManager.GetTokenAsync(key).AsTask());

        Assert.Equal(TokenErrorReason.PasswordChanged, ex.Reason);
        Assert.Equal("1001", ex.UserId);
        Assert.IsType<GraphAuthException>(ex.InnerException);
        Assert.Equal(TokenErrorReason.PasswordChanged, again.Reason);
        var stored = await host.Store.GetAsync(key);
        Assert.Equal(TokenStatus.Invalid, stored!.Status);
        Assert.Equal(TokenErrorReason.PasswordChanged, stored.InvalidReason);
        Assert.Equal(OldLong, stored.Value);
        var notice = Assert.Single(host.Observer.Reauthentication);
        Assert.Equal("1001", notice.UserId);
        Assert.Equal(TokenErrorReason.PasswordChanged, notice.Reason);
        Assert.Equal(["email", "ads_read"], notice.Scopes);
        Assert.DoesNotContain(OldLong, ex.ToString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task An_expired_token_is_marked_expired_and_reported_once()
    {
        await using var host = new LifecycleHost();
        var exchange = MockExchange(host, NewLong);
        await host.SeedUserAsync("1001", OldLong, TimeSpan.FromDays(1));
        host.Time.Advance(TimeSpan.FromDays(1));
        host.Http.Clear();

        var ex = await Assert.ThrowsAsync<ReauthenticationRequiredException>(() => host.PublicManager.GetTokenAsync(TokenKey.ForUser("1001")).AsTask());
        await Assert.ThrowsAsync<ReauthenticationRequiredException>(() => host.PublicManager.GetTokenAsync(TokenKey.ForUser("1001")).AsTask());

        Assert.Equal(TokenErrorReason.Expired, ex.Reason);
        Assert.Equal(TokenErrorReason.Expired, Assert.Single(host.Observer.Reauthentication).Reason);
    }

    [Fact]
    public async Task A_missing_token_asks_for_login()
    {
        await using var host = new LifecycleHost();
        var ex = await Assert.ThrowsAsync<ReauthenticationRequiredException>(() => host.PublicManager.GetTokenAsync(TokenKey.ForUser("77")).AsTask());
        Assert.Equal(TokenErrorReason.Unknown, ex.Reason);
        Assert.Equal("77", ex.UserId);
    }

    /// <summary>Holds the long-lived exchange (answering <see cref="NewLong"/>) until the gate opens; reached fires when it arrives.</summary>
    private static (MockedRequest Exchange, TaskCompletionSource Reached, TaskCompletionSource Gate) HoldExchange(LifecycleHost host)
    {
        var gate = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var reached = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var exchange = host.Http.When(HttpMethod.Post, LifecycleHost.Exchange);
        exchange.Respond(async () =>
        {
            reached.TrySetResult();
            await gate.Task;
            return LifecyclePayloads.Json(HttpStatusCode.OK, LifecyclePayloads.LongLived(NewLong));
        });
        return (exchange, reached, gate);
    }

    [Fact]
    public async Task The_old_token_stays_stored_until_the_new_one_is_written()
    {
        await using var host = new LifecycleHost();
        var (_, reached, gate) = HoldExchange(host);
        var seeded = await host.SeedUserAsync("1001", OldLong, TimeSpan.FromDays(3));

        var pending = host.PublicManager.GetTokenAsync(TokenKey.ForUser("1001"));
        await reached.Task;
        Assert.Equal(seeded, await host.Store.GetAsync(TokenKey.ForUser("1001")));
        gate.SetResult();
        Assert.Equal(NewLong, (await pending).Value);
    }

    [Fact]
    public async Task A_login_saved_during_a_refresh_wins_over_the_refresh()
    {
        await using var host = new LifecycleHost();
        var (_, reached, gate) = HoldExchange(host);
        await host.SeedUserAsync("1001", OldLong, TimeSpan.FromDays(3));

        var pending = host.PublicManager.GetTokenAsync(TokenKey.ForUser("1001"));
        await reached.Task;
        await host.SeedUserAsync("1001", "EAABfromanewlogin0123456789", TimeSpan.FromDays(60));
        gate.SetResult();

        Assert.Equal("EAABfromanewlogin0123456789", (await pending).Value);
        Assert.Equal("EAABfromanewlogin0123456789", (await host.Store.GetAsync(TokenKey.ForUser("1001")))!.Value);
        Assert.Empty(host.Observer.Refreshed);
    }

    [Fact]
    public async Task A_cancelled_waiter_does_not_cancel_the_shared_refresh()
    {
        await using var host = new LifecycleHost();
        var (exchange, reached, gate) = HoldExchange(host);
        await host.SeedUserAsync("1001", OldLong, TimeSpan.FromDays(3));
        using var cts = new CancellationTokenSource();

        var cancelled = host.PublicManager.GetTokenAsync(TokenKey.ForUser("1001"), cts.Token).AsTask();
        await reached.Task;
        var patient = host.PublicManager.GetTokenAsync(TokenKey.ForUser("1001")).AsTask();
        cts.Cancel();
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => cancelled);
        gate.SetResult();

        Assert.Equal(NewLong, (await patient).Value);
        Assert.Equal(1, host.Http.GetMatchCount(exchange));
    }

    [Fact]
    public async Task A_throwing_observer_is_logged_and_does_not_stop_the_others()
    {
        var thrower = new ThrowingObserver();
        await using var host = new LifecycleHost(services: s => s.AddSingleton<ITokenLifecycleObserver>(thrower));
        MockExchange(host, NewLong);
        await host.SeedUserAsync("1001", OldLong, TimeSpan.FromDays(3));

        var token = await host.PublicManager.GetTokenAsync(TokenKey.ForUser("1001"));

        Assert.Equal(NewLong, token.Value);
        Assert.Equal(1, thrower.Calls);
        Assert.Single(host.Observer.Refreshed);
    }

    [Fact]
    public async Task Marking_with_a_stale_version_leaves_a_refreshed_token_alone()
    {
        await using var host = new LifecycleHost();
        var first = await host.SeedUserAsync("1001", OldLong, TimeSpan.FromDays(30));
        await host.SeedUserAsync("1001", NewLong, TimeSpan.FromDays(60));

        Assert.False(await host.PublicManager.MarkInvalidAsync(first.Key, TokenErrorReason.InvalidAccessToken, first.Version));
        Assert.Equal(TokenStatus.Valid, (await host.Store.GetAsync(first.Key))!.Status);
        Assert.True(await host.PublicManager.MarkInvalidAsync(first.Key, TokenErrorReason.InvalidAccessToken));
        Assert.False(await host.PublicManager.MarkInvalidAsync(first.Key, TokenErrorReason.InvalidAccessToken));
        Assert.Single(host.Observer.Reauthentication);
    }

    [Theory]
    [InlineData(TokenErrorReason.UserCheckpointed)]
    [InlineData(TokenErrorReason.UnconfirmedUser)]
    public async Task MarkInvalid_for_a_reason_the_person_clears_on_facebook_com_keeps_the_token_and_notifies_once(TokenErrorReason reason)
    {
        await using var host = new LifecycleHost();
        var token = await host.SeedUserAsync("1001", OldLong, TimeSpan.FromDays(30));

        Assert.False(await host.PublicManager.MarkInvalidAsync(token.Key, reason, token.Version));
        Assert.False(await host.PublicManager.MarkInvalidAsync(token.Key, reason));

        var stored = (await host.Store.GetAsync(token.Key))!;
        Assert.Equal(TokenStatus.Valid, stored.Status);
        Assert.Equal(reason, stored.InvalidReason);
        Assert.Equal(OldLong, (await host.PublicManager.GetTokenAsync(token.Key)).Value);
        var notice = Assert.Single(host.Observer.Reauthentication);
        Assert.Equal(reason, notice.Reason);
        Assert.Equal("1001", notice.UserId);

        // A reason that does end the token still does.
        Assert.True(await host.PublicManager.MarkInvalidAsync(token.Key, TokenErrorReason.PasswordChanged));
        Assert.Equal(TokenStatus.Invalid, (await host.Store.GetAsync(token.Key))!.Status);
    }

    [Fact]
    public async Task App_tokens_are_composed_locally_by_default()
    {
        await using var host = new LifecycleHost();
        var token = await host.PublicManager.GetTokenAsync(TokenKey.ForApp(LifecycleHost.AppId));
        Assert.Equal(LifecycleHost.AppId + "|" + LifecycleHost.AppSecret, token.Value);
        Assert.DoesNotContain(LifecycleHost.AppSecret, token.ToString(), StringComparison.Ordinal);
        Assert.Throws<ArgumentException>(() => { _ = host.PublicManager.GetTokenAsync(TokenKey.ForApp("555")).AsTask(); });
    }

    [Fact]
    public async Task Client_credentials_app_tokens_are_fetched_once_and_cached()
    {
        await using var host = new LifecycleHost(o => o.AppTokenSource = AppTokenSource.ClientCredentials);
        var gate = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var fetch = host.Http.When(HttpMethod.Post, LifecycleHost.Exchange).WithFormData("grant_type", "client_credentials");
        fetch.Respond(async () =>
        {
            await gate.Task;
            return LifecyclePayloads.Json(HttpStatusCode.OK, """{"access_token":"1234567890|fetchedapptoken","token_type":"bearer"}""");
        });

        var callers = Enumerable.Range(0, 50).Select(_ => host.PublicManager.GetTokenAsync(TokenKey.ForApp(LifecycleHost.AppId)).AsTask()).ToList();
        gate.SetResult();
        var tokens = await Task.WhenAll(callers);
        var later = await host.PublicManager.GetTokenAsync(TokenKey.ForApp(LifecycleHost.AppId));

        Assert.All(tokens, t => Assert.Equal("1234567890|fetchedapptoken", t.Value));
        Assert.Equal("1234567890|fetchedapptoken", later.Value);
        Assert.Equal(1, host.Http.GetMatchCount(fetch));
    }

    [Fact]
    public async Task A_forced_page_refresh_fetches_the_page_again_with_the_owners_token()
    {
        await using var host = new LifecycleHost();
        await host.SeedUserAsync("1001", OldLong, TimeSpan.FromDays(50));
        await host.SeedPageAsync("2001", "EAABoldpagetoken-0123456789", "1001");
        host.Http.When(HttpMethod.Get, $"http://graph.test/{LifecycleHost.Version}/1001/accounts")
            .Respond("application/json", LifecyclePayloads.Accounts(("2001", "EAABnewpagetoken-0123456789")));

        var page = await host.PublicManager.RefreshAsync(TokenKey.ForPage("2001"));

        Assert.Equal("EAABnewpagetoken-0123456789", page.Value);
        Assert.Equal("1001", page.OwnerUserId);
        await Assert.ThrowsAsync<NotSupportedException>(() => host.PublicManager.RefreshAsync(TokenKey.ForApp(LifecycleHost.AppId)));
    }

    [Fact]
    public async Task System_user_tokens_are_returned_while_valid()
    {
        await using var host = new LifecycleHost();
        await host.Store.SetAsync(new StoredToken { Key = TokenKey.ForSystemUser("300"), Value = "EAABsystemusertoken0123456789", ExpiresAt = host.Now + TimeSpan.FromDays(2) }, null);
        Assert.Equal("EAABsystemusertoken0123456789", (await host.PublicManager.GetTokenAsync(TokenKey.ForSystemUser("300"))).Value);
    }
}
