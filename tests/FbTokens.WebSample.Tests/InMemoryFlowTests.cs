using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using System.Text.RegularExpressions;
using FbTokens.Testing;
using FbTokens.WebSample.Tests.Framework;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.Extensions.DependencyInjection;

namespace FbTokens.WebSample.Tests;

/// <summary>
/// The sample's flows in memory (WebApplicationFactory): the test's emulator plays Facebook on loopback, its Login dialog
/// scripted (no consent page), its callbacks delivered through the TestServer. Every test ends by checking that no
/// token, code, secret or signed request reached the log at Trace.
/// </summary>
public sealed class InMemoryFlowTests
{
    [Fact]
    public async Task Login_through_the_endpoint_helpers_signs_in_and_lists_the_pages_with_masked_tokens()
    {
        await using var sample = await SampleUnderTest.WithEmulatorAsync();
        var person = sample.Emulator.CreateTestUser("Endpoint Person");
        var pages = sample.Emulator.CreatePages(person.Id, 3);
        sample.Emulator.SetNextLoginDialogOutcome(LoginDialogOutcome.Allow);

        var home = await sample.PageAsync(SampleAuth.EndpointLoginPath);

        Assert.Equal(person.Id, Element(home, "signed-in-user"));
        Assert.Equal("endpoint helpers", Element(home, "login-style"));
        Assert.Equal("Valid", Element(home, "user-token-status"));
        var userToken = await sample.Store.GetAsync(TokenKey.ForUser(person.Id));
        Assert.Equal(FbTokensMasking.MaskToken(userToken!.Value), Element(home, "user-token"));
        var list = WebUtility.HtmlDecode(await sample.PageAsync("/pages"));
        Assert.Equal("3", Element(list, "page-count"));
        foreach (var page in pages)
        {
            var stored = await sample.Store.GetAsync(TokenKey.ForPage(page.Id));
            Assert.NotNull(stored);
            Assert.Contains($"<td class=\"token\">{FbTokensMasking.MaskToken(stored.Value)}</td>", list, StringComparison.Ordinal);
            Assert.DoesNotContain(stored.Value, list, StringComparison.Ordinal);
        }

        await sample.AssertNoSecretsLoggedAsync();
    }

    [Fact]
    public async Task Login_through_the_OAuth_handler_bridge_signs_in_and_saves_the_long_lived_token_and_the_pages()
    {
        await using var sample = await SampleUnderTest.WithEmulatorAsync();
        var person = sample.Emulator.CreateTestUser("Bridge Person");
        sample.Emulator.CreatePages(person.Id, 2);
        sample.Emulator.SetNextLoginDialogOutcome(LoginDialogOutcome.Allow);

        var home = await sample.PageAsync("/login/oauth");

        Assert.Equal(person.Id, Element(home, "signed-in-user"));
        Assert.Equal("OAuth handler", Element(home, "login-style"));
        var user = await sample.Store.GetAsync(TokenKey.ForUser(person.Id));
        Assert.NotNull(user);
        Assert.True(sample.Emulator.FindToken(user.Value)!.IsLongLived);
        Assert.Equal("2", Element(await sample.PageAsync("/pages"), "page-count"));
        await sample.AssertNoSecretsLoggedAsync();
    }

    [Fact]
    public async Task A_declined_permission_is_shown_and_asked_for_again_with_rerequest()
    {
        await using var sample = await SampleUnderTest.WithEmulatorAsync();
        var person = sample.Emulator.CreateTestUser("Declining Person");
        sample.Emulator.CreatePages(person.Id, 1);
        sample.Emulator.SetNextLoginDialogOutcome(LoginDialogOutcome.DeclinePermissions("pages_show_list"));

        var home = await sample.PageAsync(SampleAuth.EndpointLoginPath);

        Assert.Contains("pages_show_list", Element(home, "missing-permissions"), StringComparison.Ordinal);
        var rerequest = Regex.Match(home, "id=\"rerequest\" href=\"([^\"]+)\"").Groups[1].Value;
        sample.Emulator.SetNextLoginDialogOutcome(LoginDialogOutcome.Allow);
        Uri dialog;
        using (var start = await sample.Client.GetAsync(rerequest))
        {
            dialog = start.Headers.Location!;
        }

        Assert.Contains("auth_type=rerequest", dialog.Query, StringComparison.Ordinal);
        home = await sample.PageAsync(dialog.AbsoluteUri);

        Assert.DoesNotContain("id=\"missing-permissions\"", home, StringComparison.Ordinal);
        var user = await sample.Store.GetAsync(TokenKey.ForUser(person.Id));
        Assert.Contains("pages_show_list", user!.Scopes);
        await sample.AssertNoSecretsLoggedAsync();
    }

    [Fact]
    public async Task Removing_the_app_reaches_the_deauthorize_callback_which_invalidates_every_token_and_logs_the_notice()
    {
        await using var sample = await SampleUnderTest.WithEmulatorAsync();
        var person = sample.Emulator.CreateTestUser("Leaving Person");
        sample.Emulator.CreatePages(person.Id, 3);
        sample.Emulator.SetNextLoginDialogOutcome(LoginDialogOutcome.Allow);
        await sample.PageAsync(SampleAuth.EndpointLoginPath);
        await sample.Leaks.AddStoredTokensAsync(sample.Store);

        var status = await sample.Emulator.RemoveAppAsync(person.Id);

        Assert.Equal(HttpStatusCode.OK, status);
        var tokens = await StoredAsync(sample, person.Id);
        Assert.Equal(4, tokens.Count);
        Assert.All(tokens, t => Assert.Equal((TokenStatus.Invalid, TokenErrorReason.AppNotInstalled), (t.Status, t.InvalidReason)));
        var notices = sample.Logs.Entries.Where(e => e.Id.Id == 6101).ToList();
        Assert.Single(notices);
        Assert.Contains(person.Id, notices[0].Text, StringComparison.Ordinal);
        var home = await sample.PageAsync("/");
        Assert.Contains("AppNotInstalled", Element(home, "relogin-notice"), StringComparison.Ordinal);
        Assert.Equal("Invalid", Element(home, "user-token-status"));
        await sample.AssertNoSecretsLoggedAsync();
    }

    [Fact]
    public async Task A_data_deletion_request_removes_the_tokens_and_answers_with_a_status_page()
    {
        await using var sample = await SampleUnderTest.WithEmulatorAsync();
        var person = sample.Emulator.CreateTestUser("Forgotten Person");
        sample.Emulator.CreatePages(person.Id, 2);
        sample.Emulator.SetNextLoginDialogOutcome(LoginDialogOutcome.Allow);
        await sample.PageAsync(SampleAuth.EndpointLoginPath);
        await sample.Leaks.AddStoredTokensAsync(sample.Store);
        Assert.Equal(3, (await StoredAsync(sample, person.Id)).Count);

        var answer = await sample.Emulator.RequestDataDeletionAsync(person.Id);

        Assert.Empty(await StoredAsync(sample, person.Id));
        Assert.Equal(sample.BaseAddress.Authority, answer.Url.Authority);
        Assert.Equal(SampleAuth.DataDeletionStatusPath, answer.Url.AbsolutePath);
        Assert.False(string.IsNullOrWhiteSpace(answer.ConfirmationCode));
        var statusPage = await sample.PageAsync(answer.Url.PathAndQuery);
        Assert.Contains(answer.ConfirmationCode, statusPage, StringComparison.Ordinal);
        Assert.Contains("id=\"no-pages\"", await sample.PageAsync("/pages"), StringComparison.Ordinal);
        await sample.AssertNoSecretsLoggedAsync();
    }

    [Fact]
    public async Task A_bad_signed_request_gets_400_and_changes_nothing()
    {
        await using var sample = await SampleUnderTest.WithEmulatorAsync();
        var person = sample.Emulator.CreateTestUser("Kept Person");
        sample.Emulator.SetNextLoginDialogOutcome(LoginDialogOutcome.Allow);
        await sample.PageAsync(SampleAuth.EndpointLoginPath);

        using var response = await sample.Client.PostAsync(SampleAuth.DeauthorizePath, new FormUrlEncodedContent(new Dictionary<string, string> { ["signed_request"] = "bm90LXNpZ25lZA.eyJ1c2VyX2lkIjoiMSJ9" }));

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.All(await StoredAsync(sample, person.Id), t => Assert.Equal(TokenStatus.Valid, t.Status));
        await sample.AssertNoSecretsLoggedAsync();
    }

    [Fact]
    public async Task The_admin_sweep_finds_tokens_Facebook_invalidated_and_logs_one_relogin_notice()
    {
        await using var sample = await SampleUnderTest.WithEmulatorAsync();
        var person = sample.Emulator.CreateTestUser("Swept Person");
        sample.Emulator.CreatePages(person.Id, 2);
        sample.Emulator.SetNextLoginDialogOutcome(LoginDialogOutcome.Allow);
        await sample.PageAsync(SampleAuth.EndpointLoginPath);
        await sample.Leaks.AddStoredTokensAsync(sample.Store);
        sample.Emulator.InvalidateUserTokens(person.Id, TokenInvalidationReason.PasswordChanged);

        using var response = await sample.Client.PostAsync("/admin/sweep", content: null);

        response.EnsureSuccessStatusCode();
        using var result = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
        Assert.Equal(3, result.RootElement.GetProperty("checked").GetInt32());
        Assert.True(result.RootElement.GetProperty("invalid").GetInt32() >= 1);
        Assert.Single(sample.Logs.Entries, e => e.Id.Id == 6101 && e.Text.Contains(person.Id, StringComparison.Ordinal));
        Assert.Contains("PasswordChanged", Element(await sample.PageAsync("/"), "relogin-notice"), StringComparison.Ordinal);
        await sample.AssertNoSecretsLoggedAsync();
    }

    [Fact]
    public async Task The_admin_sweep_refuses_callers_from_another_machine()
    {
        await using var sample = await SampleUnderTest.WithEmulatorAsync(b => b.ConfigureServices(s =>
            s.AddSingleton<IStartupFilter>(new RemoteAddressFilter(IPAddress.Parse("203.0.113.7")))));

        using var response = await sample.Client.PostAsync("/admin/sweep", content: null);

        Assert.Equal(HttpStatusCode.Forbidden, response.StatusCode);
        Assert.DoesNotContain(sample.Logs.Entries, e => e.Id.Id == 6104);
    }

    [Fact]
    public async Task A_cancelled_dialog_comes_back_as_a_login_error_not_a_500()
    {
        await using var sample = await SampleUnderTest.WithEmulatorAsync();
        sample.Emulator.CreateTestUser("Cancelling Person");

        foreach (var start in (string[])[SampleAuth.EndpointLoginPath, "/login/oauth"])
        {
            sample.Emulator.SetNextLoginDialogOutcome(LoginDialogOutcome.Decline);
            var home = await sample.PageAsync(start);
            Assert.Contains(start == "/login/oauth" ? "access_denied" : nameof(FacebookLoginFailure.AccessDenied), Element(home, "login-error"), StringComparison.Ordinal);
            Assert.Contains("id=\"login-endpoints\"", home, StringComparison.Ordinal);
        }

        await sample.AssertNoSecretsLoggedAsync(minimumSecrets: 1); // no code was issued: the app secret is the one secret
    }

    [Fact]
    public async Task Offline_the_sample_starts_its_own_emulator_and_a_login_lists_the_demo_pages()
    {
        await using var sample = await SampleUnderTest.OfflineAsync(onKestrel: false);
        sample.Emulator.SetNextLoginDialogOutcome(LoginDialogOutcome.Allow);

        var home = await sample.PageAsync(SampleAuth.EndpointLoginPath);

        Assert.Contains("id=\"remove-app\"", home, StringComparison.Ordinal);
        Assert.Equal("3", Element(await sample.PageAsync("/pages"), "page-count"));
        await sample.AssertNoSecretsLoggedAsync();
    }

    /// <summary>Makes every request come from <paramref name="address"/>, as from another machine.</summary>
    private sealed class RemoteAddressFilter(IPAddress address) : IStartupFilter
    {
        public Action<IApplicationBuilder> Configure(Action<IApplicationBuilder> next) => app =>
        {
            app.Use((context, nextMiddleware) =>
            {
                context.Connection.RemoteIpAddress = address;
                return nextMiddleware(context);
            });
            next(app);
        };
    }

    private static async Task<List<StoredToken>> StoredAsync(SampleUnderTest sample, string userId)
    {
        var tokens = new List<StoredToken>();
        await foreach (var token in sample.Store.ListAsync(kind: null))
        {
            if (token.Key.SubjectId == userId || token.OwnerUserId == userId)
            {
                tokens.Add(token);
            }
        }

        return tokens;
    }

    private static string Element(string html, string id)
    {
        var match = Regex.Match(html, $"id=\"{Regex.Escape(id)}\"[^>]*>(.*?)</", RegexOptions.Singleline);
        Assert.True(match.Success, $"no element with id '{id}' in: {html}");
        return WebUtility.HtmlDecode(match.Groups[1].Value);
    }
}
