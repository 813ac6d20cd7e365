using FbTokens.Tests.Framework;
using Microsoft.Extensions.DependencyInjection;
using RichardSzalay.MockHttp;

namespace FbTokens.Tests.Lifecycle;

/// <summary>Issue 15, "renew on return", "missing permissions" and "report the truth".</summary>
public sealed class RenewOnReturnTests
{
    private const string OldLong = "EAABoldlonglivedtoken0123456789";
    private const string NewLong = "EAABnewlonglivedtoken0123456789";

    private static void MockDebug(LifecycleHost host, string token, TimeSpan expiresIn, string scopes = "\"email\",\"pages_show_list\"") =>
        host.Http.When(HttpMethod.Get, LifecycleHost.DebugToken).WithQueryString("input_token", token)
            .Respond("application/json", LifecyclePayloads.DebugData(true, "1001", host.Now + expiresIn, host.Now + TimeSpan.FromDays(90))
                .Replace("\"email\",\"pages_show_list\"", scopes, StringComparison.Ordinal));

    [Fact]
    public async Task A_new_login_of_a_known_user_replaces_the_token_clears_what_it_waited_for_and_fetches_their_pages_again()
    {
        await using var host = new LifecycleHost();
        var old = await host.SeedUserAsync("1001", OldLong, TimeSpan.FromDays(3));
        await host.Store.SetAsync(old with { RenewalNeedsPerson = true, ExpiryNoticeSentFor = old.ExpiresAt }, old.Version);
        await host.SeedPageAsync("2001", "EAABoldpagetoken-0123456789", "1001");
        MockDebug(host, NewLong, TimeSpan.FromDays(60));
        var accounts = host.Http.When(HttpMethod.Get, $"http://graph.test/{LifecycleHost.Version}/1001/accounts")
            .WithHeaders("Authorization", "Bearer " + NewLong)
            .Respond("application/json", LifecyclePayloads.Accounts(("2001", "EAABnewpagetoken-0123456789")));

        var saved = await host.PublicManager.SaveUserTokenAsync(NewLong); // no includePageTokens: the stored pages say so

        Assert.Equal(NewLong, saved.Value);
        Assert.Equal(host.Now + TimeSpan.FromDays(60), saved.ExpiresAt);
        Assert.False(saved.RenewalNeedsPerson);
        Assert.Null(saved.ExpiryNoticeSentFor);
        Assert.Equal(1, host.Http.GetMatchCount(accounts));
        Assert.Equal("EAABnewpagetoken-0123456789", (await host.Store.GetAsync(TokenKey.ForPage("2001")))!.Value);
        var status = await host.PublicManager.GetStatusAsync(TokenKey.ForUser("1001"));
        Assert.Equal(TokenRenewedBy.Server, status!.RenewedBy);
        Assert.Equal(TokenNextAction.ServerRenewal, status.NextAction);
    }

    [Fact]
    public async Task A_returning_user_s_pages_are_found_through_the_owner_index_not_a_scan_of_the_store()
    {
        var store = new CountingTokenStore();
        await using var host = new LifecycleHost(services: s => s.AddSingleton<ITokenStore>(store));
        await host.SeedUserAsync("1001", OldLong, TimeSpan.FromDays(3));
        await host.SeedPageAsync("2001", "EAABoldpagetoken-0123456789", "1001");
        await host.SeedPageAsync("2002", "EAABotherpagetoken-0123456789", "1002");
        MockDebug(host, NewLong, TimeSpan.FromDays(60));
        var accounts = host.Http.When(HttpMethod.Get, $"http://graph.test/{LifecycleHost.Version}/1001/accounts")
            .Respond("application/json", LifecyclePayloads.Accounts(("2001", "EAABnewpagetoken-0123456789")));

        await host.PublicManager.SaveUserTokenAsync(NewLong);

        Assert.Equal(1, host.Http.GetMatchCount(accounts));
        Assert.Equal(0, store.Lists);
    }

    [Fact]
    public async Task A_first_login_without_page_tokens_asked_for_fetches_no_pages()
    {
        await using var host = new LifecycleHost();
        MockDebug(host, NewLong, TimeSpan.FromDays(60));
        var accounts = host.Http.When(HttpMethod.Get, $"http://graph.test/{LifecycleHost.Version}/1001/accounts")
            .Respond("application/json", LifecyclePayloads.Accounts());

        await host.PublicManager.SaveUserTokenAsync(NewLong);

        Assert.Equal(0, host.Http.GetMatchCount(accounts));
    }

    [Fact]
    public async Task Saving_a_token_that_lacks_a_required_permission_tells_the_person_once()
    {
        await using var host = new LifecycleHost(o => o.RequiredPermissions = ["pages_show_list", "pages_read_engagement"]);
        MockDebug(host, OldLong, TimeSpan.FromDays(60));
        MockDebug(host, NewLong, TimeSpan.FromDays(60));

        await host.PublicManager.SaveUserTokenAsync(OldLong);
        host.Time.Advance(TimeSpan.FromDays(1));
        var again = await host.PublicManager.SaveUserTokenAsync(NewLong); // declined again: the same missing set

        var notice = Assert.Single(host.Observer.PermissionsMissing);
        Assert.Equal(["pages_read_engagement"], notice.MissingPermissions);
        Assert.Equal("1001", notice.UserId);
        Assert.Null(notice.LoginRequest); // no FbTokens:Login:RedirectUri in this host
        Assert.Equal(["pages_read_engagement"], (await host.PublicManager.GetStatusAsync(again.Key))!.MissingPermissions);
    }

    [Fact]
    public async Task The_status_reports_who_renews_what_next_and_the_deadline()
    {
        await using var host = new LifecycleHost();
        var user = await host.SeedUserAsync("1001", OldLong, TimeSpan.FromDays(30));
        await host.SeedPageAsync("2001", "EAABpagetoken-0123456789", "1001");
        var person = await host.SeedUserAsync("1002", OldLong, TimeSpan.FromDays(30));
        await host.Store.SetAsync(person with { RenewalNeedsPerson = true }, person.Version);
        var manager = host.PublicManager;

        var server = (await manager.GetStatusAsync(TokenKey.ForUser("1001")))!;
        var page = (await manager.GetStatusAsync(TokenKey.ForPage("2001")))!;
        var needsPerson = (await manager.GetStatusAsync(TokenKey.ForUser("1002")))!;

        Assert.Equal(TokenRenewedBy.Server, server.RenewedBy);
        Assert.Equal(TokenNextAction.ServerRenewal, server.NextAction);
        Assert.Equal(user.ExpiresAt - TimeSpan.FromDays(7), server.NextActionAt);
        Assert.Equal(user.DataAccessExpiresAt, server.Deadline); // data access is the person's even when the server renews the token

        Assert.Equal(TokenRenewedBy.NotNeeded, page.RenewedBy);
        Assert.Equal(TokenNextAction.None, page.NextAction);

        Assert.Equal(TokenRenewedBy.Person, needsPerson.RenewedBy);
        Assert.Equal(TokenNextAction.NotifyPerson, needsPerson.NextAction);
        Assert.Equal(person.ExpiresAt - TimeSpan.FromDays(7), needsPerson.NextActionAt);
        Assert.Equal(person.ExpiresAt, needsPerson.Deadline);

        Assert.Null(await manager.GetStatusAsync(TokenKey.ForUser("9999")));
        host.Time.Advance(TimeSpan.FromDays(31));
        var expired = (await manager.GetStatusAsync(TokenKey.ForUser("1002")))!;
        Assert.Equal(TokenStatus.Invalid, expired.Status);
        Assert.Equal(TokenNextAction.PersonLogin, expired.NextAction);
    }
}
