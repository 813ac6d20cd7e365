using System.Text.Json;
using FbTokens.Cli.Tests.Framework;
using FbTokens.Testing;

namespace FbTokens.Cli.Tests;

/// <summary><c>fbtokens status</c>: the manager's own answer (GetStatusAsync) for a token, against the emulator.</summary>
public sealed class StatusCommandTests : IAsyncLifetime
{
    private static readonly DateTimeOffset LongLivedExpiry = CliHarness.Start.AddSeconds(5_183_944);
    private static readonly DateTimeOffset DataAccessEnd = CliHarness.Start.AddDays(90);

    private readonly CliHarness _cli = new();

    public Task InitializeAsync() => Task.CompletedTask;

    public async Task DisposeAsync() => await _cli.DisposeAsync();

    [Fact]
    public async Task A_long_lived_user_token_whose_renewal_needs_the_person_has_the_expiry_as_its_deadline()
    {
        var user = _cli.Emulator.CreateTestUser();
        var longLived = _cli.Emulator.IssueUserToken(user.Id);

        var text = await _cli.RunAsync("status", longLived, "--renewal-needs-person");
        var json = (await _cli.RunAsync("status", longLived, "--renewal-needs-person", "--json")).Json();

        Assert.True(text.ExitCode == 0, text.ToString());
        Assert.Contains("Kind                  USER", text.Stdout, StringComparison.Ordinal);
        Assert.Contains($"Key                   User:{user.Id}", text.Stdout, StringComparison.Ordinal);
        Assert.Contains("Renewed by            person", text.Stdout, StringComparison.Ordinal);
        Assert.Contains("Next action           notify person at 2026-12-25 ", text.Stdout, StringComparison.Ordinal);
        Assert.Contains("Deadline              2027-01-01 ", text.Stdout, StringComparison.Ordinal);
        Assert.Contains("(in 59 days)", text.Stdout, StringComparison.Ordinal);
        Assert.Equal("USER", json.GetProperty("kind").GetString());
        Assert.Equal("Person", json.GetProperty("renewedBy").GetString());
        Assert.Equal("NotifyPerson", json.GetProperty("nextAction").GetString());
        Assert.Equal(LongLivedExpiry.AddDays(-7), json.GetProperty("nextActionAt").GetDateTimeOffset());
        Assert.Equal(LongLivedExpiry, json.GetProperty("deadline").GetDateTimeOffset());
        Assert.Equal(LongLivedExpiry, json.GetProperty("expiresAt").GetDateTimeOffset());
        Assert.Equal(DataAccessEnd, json.GetProperty("dataAccessExpiresAt").GetDateTimeOffset());
    }

    [Fact]
    public async Task A_freshly_stored_long_lived_user_token_reads_server_until_a_re_exchange_shows_otherwise()
    {
        // The manager's rule (docs/lifecycle.md): a user token reads Server until a re-exchange does not move its expiry.
        var user = _cli.Emulator.CreateTestUser();
        var longLived = _cli.Emulator.IssueUserToken(user.Id);

        var json = (await _cli.RunAsync("status", longLived, "--json")).Json();

        Assert.Equal("Server", json.GetProperty("renewedBy").GetString());
        Assert.Equal("ServerRenewal", json.GetProperty("nextAction").GetString());
        var refreshAt = json.GetProperty("nextActionAt").GetDateTimeOffset();
        Assert.InRange(refreshAt, LongLivedExpiry.AddDays(-7).AddHours(-12), LongLivedExpiry.AddDays(-7));
        // Nothing waits on the person for the expiry; the data-access window is still theirs to reopen.
        Assert.Equal(DataAccessEnd, json.GetProperty("deadline").GetDateTimeOffset());
    }

    [Fact]
    public async Task A_60_day_system_user_token_is_renewed_by_the_server_with_no_deadline()
    {
        var systemUser = _cli.Emulator.CreateSystemUser(tokenExpiresIn60Days: true);

        var result = await _cli.RunAsync("status", systemUser.AccessToken, "--json");

        Assert.True(result.ExitCode == 0, result.ToString());
        var json = result.Json();
        Assert.Equal("SYSTEM_USER", json.GetProperty("kind").GetString());
        Assert.Equal(systemUser.Id, json.GetProperty("subjectId").GetString());
        Assert.Equal("Server", json.GetProperty("renewedBy").GetString());
        Assert.Equal("ServerRenewal", json.GetProperty("nextAction").GetString());
        Assert.True(json.GetProperty("expiresAt").GetDateTimeOffset() > CliHarness.Start.AddDays(50));
        Assert.False(json.TryGetProperty("deadline", out _));
    }

    [Fact]
    public async Task A_page_token_from_a_long_lived_user_token_needs_no_renewal()
    {
        var user = _cli.Emulator.CreateTestUser();
        var page = _cli.Emulator.CreatePage(user.Id, "Kitten Page");
        var longLived = _cli.Emulator.IssueUserToken(user.Id);
        var pages = (await _cli.RunAsync("pages", user.Id, longLived, "--json", "--show-tokens")).Json();
        var pageToken = pages.GetProperty("pages")[0].GetProperty("accessToken").GetString()!;

        var text = await _cli.RunAsync("status", pageToken);
        var json = (await _cli.RunAsync("status", pageToken, "--json")).Json();

        Assert.True(text.ExitCode == 0, text.ToString());
        Assert.Contains("Kind                  PAGE", text.Stdout, StringComparison.Ordinal);
        Assert.Contains("Expires               Never", text.Stdout, StringComparison.Ordinal);
        Assert.Contains("Renewed by            not needed", text.Stdout, StringComparison.Ordinal);
        Assert.Contains("Next action           none", text.Stdout, StringComparison.Ordinal);
        Assert.Contains("Deadline              None", text.Stdout, StringComparison.Ordinal);
        Assert.Equal(page.Id, json.GetProperty("subjectId").GetString());
        Assert.Equal("NotNeeded", json.GetProperty("renewedBy").GetString());
        Assert.Equal("None", json.GetProperty("nextAction").GetString());
        Assert.False(json.TryGetProperty("expiresAt", out _));
    }

    [Fact]
    public async Task An_invalid_token_prints_its_reason_and_person_login_with_exit_code_3()
    {
        var user = _cli.Emulator.CreateTestUser();
        var longLived = _cli.Emulator.IssueUserToken(user.Id);
        _cli.Emulator.InvalidateToken(longLived, TokenInvalidationReason.PasswordChanged);

        var result = await _cli.RunAsync("status", longLived);
        var json = (await _cli.RunAsync("status", longLived, "--json")).Json();

        Assert.Equal(3, result.ExitCode);
        Assert.Contains("Valid                 False", result.Stdout, StringComparison.Ordinal);
        Assert.Contains("Reason                PasswordChanged", result.Stdout, StringComparison.Ordinal);
        Assert.Contains("Renewed by            person", result.Stdout, StringComparison.Ordinal);
        Assert.Contains("Next action           person login", result.Stdout, StringComparison.Ordinal);
        Assert.Contains("fbtokens: the token is invalid: PasswordChanged", result.Stderr, StringComparison.Ordinal);
        Assert.False(json.GetProperty("isValid").GetBoolean());
        Assert.Equal("PersonLogin", json.GetProperty("nextAction").GetString());
    }

    [Fact]
    public async Task A_token_graph_cannot_parse_is_invalid_and_needs_a_person_login()
    {
        var result = await _cli.RunAsync("status", "EAAGnotarealtoken0123456789");

        Assert.Equal(3, result.ExitCode);
        Assert.Contains("Valid                 False", result.Stdout, StringComparison.Ordinal);
        Assert.Contains("Next action           person login", result.Stdout, StringComparison.Ordinal);
        Assert.DoesNotContain("EAAGnotarealtoken0123456789", result.Output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Missing_required_permissions_are_listed_and_the_person_is_to_be_told_now()
    {
        var user = _cli.Emulator.CreateTestUser(scopes: ["email"]);
        var longLived = _cli.Emulator.IssueUserToken(user.Id);

        var text = await _cli.RunAsync("status", longLived, "--required-permissions", "pages_show_list,email", "--required-permissions", "ads_read");
        var json = (await _cli.RunAsync("status", longLived, "--required-permissions", "pages_show_list,email,ads_read", "--json")).Json();
        var none = (await _cli.RunAsync("status", longLived, "--required-permissions", "email", "--json")).Json();

        Assert.True(text.ExitCode == 0, text.ToString());
        Assert.Contains("Missing permissions   ads_read, pages_show_list", text.Stdout, StringComparison.Ordinal);
        Assert.Equal(["ads_read", "pages_show_list"], json.GetProperty("missingPermissions").EnumerateArray().Select(p => p.GetString()));
        Assert.Equal("NotifyPerson", json.GetProperty("nextAction").GetString());
        Assert.Equal(CliHarness.Start, json.GetProperty("nextActionAt").GetDateTimeOffset());
        Assert.Empty(none.GetProperty("missingPermissions").EnumerateArray());
        Assert.Equal("ServerRenewal", none.GetProperty("nextAction").GetString());
    }

    [Fact]
    public async Task Neither_the_token_nor_the_app_secret_appears_in_any_output()
    {
        var user = _cli.Emulator.CreateTestUser();
        var longLived = _cli.Emulator.IssueUserToken(user.Id);
        var systemUser = _cli.Emulator.CreateSystemUser(tokenExpiresIn60Days: true);
        var appToken = $"{_cli.Emulator.DefaultApp.AppId}|{_cli.AppSecret}";
        var invalid = _cli.Emulator.IssueUserToken(user.Id);
        _cli.Emulator.InvalidateToken(invalid, TokenInvalidationReason.Expired);
        var runs = new List<CliResult>();
        foreach (var token in new[] { longLived, systemUser.AccessToken, appToken, invalid })
        {
            runs.Add(await _cli.RunAsync("status", token));
            runs.Add(await _cli.RunAsync("status", token, "--json", "--verbose"));
        }

        // The secret read from standard input instead of the environment.
        _cli.Environment.Remove("FbTokens__AppSecret");
        _cli.StandardInput = _cli.AppSecret;
        runs.Add(await _cli.RunAsync("status", longLived, "--app-secret-stdin", "--json"));

        Assert.All(runs, r => Assert.True(r.ExitCode is 0 or 3, r.ToString()));
        Assert.Equal("APP", JsonDocument.Parse(runs[5].Stdout).RootElement.GetProperty("kind").GetString());
        Assert.Equal("NotNeeded", JsonDocument.Parse(runs[5].Stdout).RootElement.GetProperty("renewedBy").GetString());
        Assert.Equal(0, runs[^1].ExitCode);
        foreach (var run in runs)
        {
            foreach (var secret in new[] { longLived, systemUser.AccessToken, appToken, invalid, _cli.AppSecret })
            {
                Assert.DoesNotContain(secret, run.Output, StringComparison.Ordinal);
            }
        }
    }

    [Fact]
    public async Task Status_needs_the_app_secret_and_refuses_it_on_the_command_line()
    {
        var user = _cli.Emulator.CreateTestUser();
        _cli.Environment.Remove("FbTokens__AppSecret");

        var missing = await _cli.RunAsync("status", user.AccessToken);
        var onCommandLine = await _cli.RunAsync("status", user.AccessToken, "--app-secret", _cli.AppSecret);

        Assert.Equal(2, missing.ExitCode);
        Assert.Contains("needs the app secret", missing.Stderr, StringComparison.Ordinal);
        Assert.Equal(2, onCommandLine.ExitCode);
        Assert.DoesNotContain(_cli.AppSecret, onCommandLine.Output, StringComparison.Ordinal);
    }
}
