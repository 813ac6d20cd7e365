using FbTokens.Tests.Framework;
using RichardSzalay.MockHttp;

namespace FbTokens.Tests.Lifecycle;

/// <summary>An /accounts entry without a page token is listed by the client, but the manager never stores an empty token.</summary>
public sealed class TokenlessPageTests
{
    private const string UserToken = "EAABlonglivedusertoken0123456789";
    private static readonly string Accounts = $"http://graph.test/{LifecycleHost.Version}/1001/accounts";

    private static string AccountsWithATokenlessPage() =>
        """{"data":[{"id":"2001","name":"Page 2001","access_token":"EAABpagetoken2001-0123456789","tasks":["MANAGE"]},{"id":"2002","name":"Page 2002","tasks":["ANALYZE"]},{"id":"2003","name":"Page 2003","access_token":" "}]}""";

    [Fact]
    public async Task Saving_page_tokens_skips_pages_that_came_without_a_token()
    {
        await using var host = new LifecycleHost();
        host.Http.When(HttpMethod.Get, LifecycleHost.DebugToken)
            .Respond("application/json", LifecyclePayloads.DebugData(true, "1001", host.Now + TimeSpan.FromDays(50)));
        host.Http.When(HttpMethod.Get, Accounts).Respond("application/json", AccountsWithATokenlessPage());

        await host.PublicManager.SaveUserTokenAsync(UserToken, includePageTokens: true);

        Assert.Equal("EAABpagetoken2001-0123456789", (await host.Store.GetAsync(TokenKey.ForPage("2001")))!.Value);
        Assert.Null(await host.Store.GetAsync(TokenKey.ForPage("2002")));
        Assert.Null(await host.Store.GetAsync(TokenKey.ForPage("2003")));
    }

    [Fact]
    public async Task Refreshing_a_page_that_now_comes_without_a_token_asks_for_login_and_keeps_the_stored_value()
    {
        await using var host = new LifecycleHost();
        await host.SeedUserAsync("1001", UserToken, TimeSpan.FromDays(50));
        await host.SeedPageAsync("2002", "EAABoldpagetoken-0123456789", "1001");
        host.Http.When(HttpMethod.Get, Accounts).Respond("application/json", AccountsWithATokenlessPage());

        var error = await Assert.ThrowsAsync<ReauthenticationRequiredException>(() => host.PublicManager.RefreshAsync(TokenKey.ForPage("2002")));

        Assert.Equal(TokenKey.ForPage("2002"), error.Key);
        var stored = await host.Store.GetAsync(TokenKey.ForPage("2002"));
        Assert.NotEqual(string.Empty, stored?.Value);
    }
}
