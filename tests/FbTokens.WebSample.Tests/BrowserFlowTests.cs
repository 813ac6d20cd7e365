using FbTokens.WebSample.Tests.Framework;
using OpenQA.Selenium;

namespace FbTokens.WebSample.Tests;

/// <summary>
/// The sample's flows in a real headless Chromium: the sample on a Kestrel port, as one <c>dotnet run</c> starts it
/// (its embedded emulator on a port of its own), every step a click, the Login dialog the emulator's consent page.
/// </summary>
public sealed class BrowserFlowTests
{
    [BrowserFact]
    public Task Login_through_the_endpoint_helpers_then_the_pages_list() => Chromium.RunAsync(async browser =>
    {
        await using var sample = await SampleUnderTest.OfflineAsync(onKestrel: true);
        var personId = await LogInAsync(browser, sample, "login-endpoints");

        Assert.Equal("endpoint helpers", browser.WaitForId("login-style").Text);
        browser.Click("pages-link");
        browser.WaitForPath("/pages");
        Assert.Equal("3", browser.WaitForId("page-count").Text);
        var rows = browser.Driver.FindElements(By.CssSelector("#pages td.token"));
        Assert.Equal(3, rows.Count);
        Assert.All(rows, cell => Assert.Matches("^.{4}….*$|\\*\\*\\*", cell.Text));
        await foreach (var token in sample.Store.ListAsync(TokenKind.Page))
        {
            Assert.Equal(personId, token.OwnerUserId);
            Assert.DoesNotContain(token.Value, browser.Driver.PageSource, StringComparison.Ordinal);
        }

        await sample.AssertNoSecretsLoggedAsync();
    });

    [BrowserFact]
    public Task Login_through_the_OAuth_handler_bridge() => Chromium.RunAsync(async browser =>
    {
        await using var sample = await SampleUnderTest.OfflineAsync(onKestrel: true);
        var personId = await LogInAsync(browser, sample, "login-oauth");

        Assert.Equal("OAuth handler", browser.WaitForId("login-style").Text);
        Assert.NotNull(await sample.Store.GetAsync(TokenKey.ForUser(personId)));
        browser.Click("pages-link");
        Assert.Equal("3", browser.WaitForId("page-count").Text);
        await sample.AssertNoSecretsLoggedAsync();
    });

    [BrowserFact]
    public Task A_declined_permission_then_the_rerequest() => Chromium.RunAsync(async browser =>
    {
        await using var sample = await SampleUnderTest.OfflineAsync(onKestrel: true);
        browser.GoTo(sample.BaseAddress);
        browser.Click("login-endpoints");
        var checkbox = browser.WaitForId("perm-pages_show_list");
        Assert.True(checkbox.Selected);
        checkbox.Click();
        browser.Click("fbtokens-allow");
        Assert.Contains("pages_show_list", browser.WaitForId("missing-permissions").Text, StringComparison.Ordinal);

        browser.Click("rerequest");
        Assert.Contains("auth_type=rerequest", browser.Url.Query, StringComparison.Ordinal);
        Assert.True(browser.WaitForId("perm-pages_show_list").Selected);
        browser.Click("fbtokens-allow");

        browser.WaitForId("signed-in-user");
        Assert.Empty(browser.Driver.FindElements(By.Id("missing-permissions")));
        await sample.AssertNoSecretsLoggedAsync();
    });

    [BrowserFact]
    public Task Removing_the_app_reaches_the_deauthorize_callback() => Chromium.RunAsync(async browser =>
    {
        await using var sample = await SampleUnderTest.OfflineAsync(onKestrel: true);
        var personId = await LogInAsync(browser, sample, "login-endpoints");
        await sample.Leaks.AddStoredTokensAsync(sample.Store);

        browser.Click("remove-app");

        Assert.Contains("AppNotInstalled", browser.WaitForId("relogin-notice").Text, StringComparison.Ordinal);
        Assert.Equal("Invalid", browser.WaitForId("user-token-status").Text);
        await foreach (var token in sample.Store.ListAsync(kind: null))
        {
            Assert.Equal(TokenStatus.Invalid, token.Status);
        }

        Assert.Single(sample.Logs.Entries, e => e.Id.Id == 6101 && e.Text.Contains(personId, StringComparison.Ordinal));
        await sample.AssertNoSecretsLoggedAsync();
    });

    [BrowserFact]
    public Task A_data_deletion_request_shows_its_status_page() => Chromium.RunAsync(async browser =>
    {
        await using var sample = await SampleUnderTest.OfflineAsync(onKestrel: true);
        await LogInAsync(browser, sample, "login-endpoints");
        await sample.Leaks.AddStoredTokensAsync(sample.Store);

        browser.Click("delete-data");

        browser.WaitForPath(SampleAuth.DataDeletionStatusPath);
        Assert.Contains(browser.Url.Query.Split('=').Last(), browser.PageText, StringComparison.Ordinal);
        await foreach (var _ in sample.Store.ListAsync(kind: null))
        {
            Assert.Fail("a token is still stored after the data-deletion request");
        }

        browser.GoTo(sample.BaseAddress);
        Assert.StartsWith("No stored token", browser.WaitForId("user-token-status").Text, StringComparison.Ordinal);
        await sample.AssertNoSecretsLoggedAsync();
    });

    private static async Task<string> LogInAsync(Chromium browser, SampleUnderTest sample, string loginLink)
    {
        browser.GoTo(sample.BaseAddress);
        browser.Click(loginLink);
        browser.WaitForId("perm-pages_show_list");
        Assert.Equal(sample.Emulator.BaseAddress.Authority, browser.Url.Authority);
        browser.Click("fbtokens-allow");
        var personId = browser.WaitForId("signed-in-user").Text;
        Assert.Equal(sample.BaseAddress.Authority, browser.Url.Authority);
        Assert.NotNull(await sample.Store.GetAsync(TokenKey.ForUser(personId)));
        return personId;
    }
}
