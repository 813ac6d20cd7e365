using System.Text.Json;
using FbTokens.Cli.Tests.Framework;
using FbTokens.Testing;

namespace FbTokens.Cli.Tests;

/// <summary>Each command, in-process, against the emulator's in-memory handler.</summary>
public sealed class CommandTests : IAsyncLifetime
{
    private readonly CliHarness _cli = new();

    public Task InitializeAsync() => Task.CompletedTask;

    public async Task DisposeAsync() => await _cli.DisposeAsync();

    [Fact]
    public async Task Debug_prints_what_the_access_token_debugger_shows_with_the_token_masked()
    {
        var user = _cli.Emulator.CreateTestUser(scopes: ["email", "pages_show_list"]);
        _cli.Emulator.CreatePages(user.Id, 2);

        var result = await _cli.RunAsync("debug", user.AccessToken);

        Assert.True(result.ExitCode == 0, result.ToString());
        Assert.Contains("Valid                 True", result.Stdout, StringComparison.Ordinal);
        Assert.Contains("Type                  USER", result.Stdout, StringComparison.Ordinal);
        Assert.Contains($"App ID                {_cli.Emulator.DefaultApp.AppId} : FbTokens Emulator", result.Stdout, StringComparison.Ordinal);
        Assert.Contains($"User ID               {user.Id}", result.Stdout, StringComparison.Ordinal);
        Assert.Contains("Scopes                email, pages_show_list", result.Stdout, StringComparison.Ordinal);
        Assert.Contains("pages_show_list: ", result.Stdout, StringComparison.Ordinal);
        // Short-lived: 90 minutes; data access: 90 days; shown in the (UTC) local zone with the offset.
        Assert.Contains("Expires               2026-11-02 11:00:00 +00:00 (in 1 hour)", result.Stdout, StringComparison.Ordinal);
        Assert.Contains("Data access expires   2027-01-31 09:30:00 +00:00 (in 90 days)", result.Stdout, StringComparison.Ordinal);
        Assert.Contains($"Token                 {user.AccessToken[..4]}…({user.AccessToken.Length} chars)", result.Stdout, StringComparison.Ordinal);
        Assert.DoesNotContain(user.AccessToken, result.Output, StringComparison.Ordinal);
        Assert.Empty(result.Stderr);
    }

    [Fact]
    public async Task Debug_shows_never_for_a_page_token_and_counts_days_on_the_clock()
    {
        var user = _cli.Emulator.CreateTestUser();
        var page = _cli.Emulator.CreatePage(user.Id, "Kitten Page");
        var longLived = _cli.Emulator.IssueUserToken(user.Id);
        var pages = (await _cli.RunAsync("pages", user.Id, longLived, "--json", "--show-tokens")).Json();
        var pageToken = pages.GetProperty("pages")[0].GetProperty("accessToken").GetString()!;
        _cli.Time.Advance(TimeSpan.FromDays(10));

        var pageResult = await _cli.RunAsync("debug", pageToken);
        var userResult = await _cli.RunAsync("debug", longLived, "--json");

        Assert.Contains("Expires               Never", pageResult.Stdout, StringComparison.Ordinal);
        Assert.Contains("Type                  PAGE", pageResult.Stdout, StringComparison.Ordinal);
        Assert.Contains($"Profile ID            {page.Id}", pageResult.Stdout, StringComparison.Ordinal);
        var json = userResult.Json();
        Assert.False(json.GetProperty("neverExpires").GetBoolean());
        Assert.Equal(CliHarness.Start.AddSeconds(5_183_944), json.GetProperty("expiresAt").GetDateTimeOffset());
        Assert.Contains("(in 49 days)", (await _cli.RunAsync("debug", longLived)).Stdout, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Debug_json_is_parseable_and_complete()
    {
        var user = _cli.Emulator.CreateTestUser(scopes: ["email", "pages_show_list"]);
        var page = _cli.Emulator.CreatePage(user.Id);

        var result = await _cli.RunAsync("debug", user.AccessToken, "--json");

        Assert.Equal(0, result.ExitCode);
        var json = result.Json();
        Assert.True(json.GetProperty("isValid").GetBoolean());
        Assert.Equal("USER", json.GetProperty("type").GetString());
        Assert.Equal(user.Id, json.GetProperty("userId").GetString());
        Assert.Equal(_cli.Emulator.DefaultApp.AppId, json.GetProperty("appId").GetString());
        Assert.Equal(["email", "pages_show_list"], json.GetProperty("scopes").EnumerateArray().Select(s => s.GetString()));
        var granular = json.GetProperty("granularScopes").EnumerateArray().Single(g => g.GetProperty("scope").GetString() == "pages_show_list");
        Assert.Equal([page.Id], granular.GetProperty("targetIds").EnumerateArray().Select(t => t.GetString()));
        Assert.Equal(CliHarness.Start.AddMinutes(90), json.GetProperty("expiresAt").GetDateTimeOffset());
        Assert.Equal(CliHarness.Start.AddDays(90), json.GetProperty("dataAccessExpiresAt").GetDateTimeOffset());
        Assert.Equal($"{user.AccessToken[..4]}…({user.AccessToken.Length} chars)", json.GetProperty("token").GetString());
    }

    [Fact]
    public async Task Debug_of_an_invalidated_token_prints_the_report_and_exits_3_with_the_reason()
    {
        var user = _cli.Emulator.CreateTestUser();
        _cli.Emulator.InvalidateUserTokens(user.Id, TokenInvalidationReason.PasswordChanged);

        var text = await _cli.RunAsync("debug", user.AccessToken);
        var json = await _cli.RunAsync("debug", user.AccessToken, "--json");

        Assert.Equal(3, text.ExitCode);
        Assert.Contains("Valid                 False", text.Stdout, StringComparison.Ordinal);
        Assert.Contains("PasswordChanged", text.Stderr, StringComparison.Ordinal);
        Assert.Contains("460", text.Stderr, StringComparison.Ordinal);
        Assert.Single(text.Stderr.Split('\n', StringSplitOptions.RemoveEmptyEntries));
        Assert.Equal(3, json.ExitCode);
        Assert.False(json.Json().GetProperty("isValid").GetBoolean());
        Assert.Equal("PasswordChanged", json.Json().GetProperty("error").GetProperty("reason").GetString());
    }

    [Fact]
    public async Task Exchange_returns_a_long_lived_token_masked_by_default()
    {
        var user = _cli.Emulator.CreateTestUser();

        var masked = await _cli.RunAsync("exchange", user.AccessToken, "--json");
        var shown = await _cli.RunAsync("exchange", user.AccessToken, "--json", "--show-tokens");

        Assert.Equal(0, masked.ExitCode);
        Assert.Equal(5_183_944, masked.Json().GetProperty("expiresIn").GetInt64());
        Assert.Matches(@"^EAA.…\(\d+ chars\)$", masked.Json().GetProperty("accessToken").GetString());
        var token = shown.Json().GetProperty("accessToken").GetString()!;
        Assert.True(_cli.Emulator.FindToken(token)!.IsLongLived);
        Assert.DoesNotContain(token, masked.Output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Exchange_text_shows_expiry_in_days()
    {
        var user = _cli.Emulator.CreateTestUser();

        var result = await _cli.RunAsync("exchange", user.AccessToken);

        Assert.Equal(0, result.ExitCode);
        Assert.Contains("Token type            bearer", result.Stdout, StringComparison.Ordinal);
        Assert.Contains("(in 59 days)", result.Stdout, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Pages_lists_every_page_with_masked_tokens()
    {
        var user = _cli.Emulator.CreateTestUser();
        var pages = _cli.Emulator.CreatePages(user.Id, 30);
        var longLived = _cli.Emulator.IssueUserToken(user.Id);

        var json = await _cli.RunAsync("pages", user.Id, longLived, "--json");
        var text = await _cli.RunAsync("pages", user.Id, longLived);
        var shown = await _cli.RunAsync("pages", user.Id, longLived, "--json", "--show-tokens");

        Assert.Equal(0, json.ExitCode);
        Assert.Equal(30, json.Json().GetProperty("count").GetInt32());
        Assert.Equal(pages.Select(p => p.Id), json.Json().GetProperty("pages").EnumerateArray().Select(p => p.GetProperty("id").GetString()));
        Assert.All(json.Json().GetProperty("pages").EnumerateArray(), p => Assert.Contains("chars)", p.GetProperty("accessToken").GetString(), StringComparison.Ordinal));
        Assert.Contains("30 page(s)", text.Stdout, StringComparison.Ordinal);
        Assert.Contains("Test Page 30  [Brand]", text.Stdout, StringComparison.Ordinal);
        Assert.All(shown.Json().GetProperty("pages").EnumerateArray(), p =>
        {
            var token = p.GetProperty("accessToken").GetString()!;
            Assert.Equal(EmulatedTokenKind.Page, _cli.Emulator.FindToken(token)!.Kind);
            Assert.DoesNotContain(token, json.Output + text.Output, StringComparison.Ordinal);
        });
    }

    [Fact]
    public async Task Client_code_then_redeem_gives_a_device_a_token_and_machine_id()
    {
        var user = _cli.Emulator.CreateTestUser();
        var longLived = _cli.Emulator.IssueUserToken(user.Id);
        const string Redirect = "https://app.example.com/device";

        var code = await _cli.RunAsync("client-code", longLived, "--redirect-uri", Redirect, "--json", "--show-tokens");
        // The device has no app secret.
        _cli.Environment.Remove("FbTokens__AppSecret");
        var redeemed = await _cli.RunAsync("redeem", code.Json().GetProperty("code").GetString()!, "--redirect-uri", Redirect, "--json", "--show-tokens");
        var machineId = redeemed.Json().GetProperty("machineId").GetString()!;
        var code2 = await RunWithSecret("client-code", longLived, "--redirect-uri", Redirect, "--json", "--show-tokens");
        var again = await _cli.RunAsync("redeem", code2.Json().GetProperty("code").GetString()!, "--redirect-uri", Redirect, "--machine-id", machineId, "--json");

        Assert.True(code.ExitCode == 0, code.ToString());
        Assert.True(redeemed.ExitCode == 0, redeemed.ToString());
        Assert.False(string.IsNullOrEmpty(machineId));
        Assert.True(_cli.Emulator.FindToken(redeemed.Json().GetProperty("accessToken").GetString()!)!.IsLongLived);
        Assert.Equal(0, again.ExitCode);
        Assert.Equal(machineId, again.Json().GetProperty("machineId").GetString());
    }

    [Fact]
    public async Task Client_code_is_masked_without_show_tokens()
    {
        var user = _cli.Emulator.CreateTestUser();
        var longLived = _cli.Emulator.IssueUserToken(user.Id);

        var result = await _cli.RunAsync("client-code", longLived, "--redirect-uri", "https://app.example.com/device");

        Assert.Equal(0, result.ExitCode);
        Assert.Matches(@"Code\s+\S{4}…\(\d+ chars\)", result.Stdout);
    }

    [Fact]
    public async Task App_token_is_printed_and_the_app_secret_never_is()
    {
        var text = await _cli.RunAsync("app-token", "--show-tokens", "--verbose");
        var json = await _cli.RunAsync("app-token", "--json");

        Assert.Equal(0, text.ExitCode);
        Assert.StartsWith(_cli.Emulator.DefaultApp.AppId + "|", text.Stdout.Split('\n')[0]["Access token".Length..].Trim(), StringComparison.Ordinal);
        Assert.Equal("bearer", json.Json().GetProperty("tokenType").GetString());
        Assert.DoesNotContain(_cli.AppSecret, text.Output + json.Output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task An_app_token_that_embeds_the_secret_is_scrubbed_even_with_show_tokens()
    {
        // {app-id}|{app-secret} is a valid app token: debugging it must not print the secret.
        var result = await _cli.RunAsync("debug", _cli.Emulator.DefaultApp.AppAccessToken, "--show-tokens", "--json");

        Assert.Equal(0, result.ExitCode);
        Assert.Equal("APP", result.Json().GetProperty("type").GetString());
        Assert.Equal(_cli.Emulator.DefaultApp.AppId + "|***", result.Json().GetProperty("token").GetString());
        Assert.DoesNotContain(_cli.AppSecret, result.Output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Login_url_builds_the_dialog_url_with_every_parameter()
    {
        var result = await _cli.RunAsync("login-url", "--redirect-uri", "https://app.example.com/cb?x=1", "--scope", "email,pages_show_list", "--scope", "pages_read_engagement", "--rerequest", "--config-id", "987654321", "--json");

        Assert.True(result.ExitCode == 0, result.ToString());
        var json = result.Json();
        var url = new Uri(json.GetProperty("url").GetString()!);
        Assert.Equal("https://www.facebook.com/v24.0/dialog/oauth", url.GetLeftPart(UriPartial.Path));
        var query = url.Query.TrimStart('?').Split('&').Select(p => p.Split('=', 2)).ToDictionary(p => p[0], p => Uri.UnescapeDataString(p[1]));
        Assert.Equal(_cli.Emulator.DefaultApp.AppId, query["client_id"]);
        Assert.Equal("https://app.example.com/cb?x=1", query["redirect_uri"]);
        Assert.Equal("email,pages_show_list,pages_read_engagement", query["scope"]);
        Assert.Equal("rerequest", query["auth_type"]);
        Assert.Equal("987654321", query["config_id"]);
        Assert.Equal("code", query["response_type"]);
        Assert.Equal(json.GetProperty("state").GetString(), query["state"]);
        Assert.Equal(43, query["state"].Length);
        Assert.Equal(CliHarness.Start.AddMinutes(10), json.GetProperty("expiresAt").GetDateTimeOffset());
    }

    [Fact]
    public async Task Login_url_needs_only_the_app_id_and_defaults_to_facebooks_redirect()
    {
        _cli.Environment.Remove("FbTokens__AppSecret");

        var result = await _cli.RunAsync("login-url", "--graph-version", "v23.0");

        Assert.True(result.ExitCode == 0, result.ToString());
        Assert.StartsWith("https://www.facebook.com/v23.0/dialog/oauth?", result.Stdout, StringComparison.Ordinal);
        Assert.Contains("redirect_uri=https%3A%2F%2Fwww.facebook.com%2Fconnect%2Flogin_success.html", result.Stdout, StringComparison.Ordinal);
        Assert.Contains("State expires         2026-11-02 09:40:00 +00:00", result.Stdout, StringComparison.Ordinal);
    }

    [Fact]
    public async Task The_app_secret_is_read_from_the_environment_and_never_printed()
    {
        var user = _cli.Emulator.CreateTestUser();

        var result = await _cli.RunAsync("debug", user.AccessToken, "--verbose", "--show-tokens");

        Assert.True(result.ExitCode == 0, result.ToString());
        Assert.DoesNotContain(_cli.AppSecret, result.Output, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("")]
    [InlineData("\n")]
    [InlineData("\r\n")]
    [InlineData("\nsecond line, not read\n")]
    public async Task The_app_secret_is_read_from_one_line_of_stdin_without_its_line_break(string after)
    {
        var user = _cli.Emulator.CreateTestUser();
        _cli.Environment.Remove("FbTokens__AppSecret");
        _cli.StandardInput = _cli.AppSecret + after;

        var text = await _cli.RunAsync("debug", user.AccessToken, "--app-secret-stdin");
        // {app-id}|{app-secret} is a valid app token: the secret read from stdin is scrubbed like any other.
        var json = await _cli.RunAsync("debug", _cli.Emulator.DefaultApp.AppAccessToken, "--app-secret-stdin", "--json", "--show-tokens");

        Assert.True(text.ExitCode == 0, text.ToString());
        Assert.True(json.ExitCode == 0, json.ToString());
        Assert.Contains("Valid                 True", text.Stdout, StringComparison.Ordinal);
        Assert.Equal(_cli.Emulator.DefaultApp.AppId + "|***", json.Json().GetProperty("token").GetString());
        Assert.DoesNotContain(_cli.AppSecret, text.Output + json.Output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Stdin_wins_over_the_environment()
    {
        var user = _cli.Emulator.CreateTestUser();
        _cli.Environment["FbTokens__AppSecret"] = "wrong-secret-from-environment";
        _cli.StandardInput = _cli.AppSecret + "\n";

        var fromEnvironment = await _cli.RunAsync("debug", user.AccessToken);
        var fromStdin = await _cli.RunAsync("debug", user.AccessToken, "--app-secret-stdin");

        Assert.NotEqual(0, fromEnvironment.ExitCode);
        Assert.DoesNotContain("wrong-secret-from-environment", fromEnvironment.Output, StringComparison.Ordinal);
        Assert.True(fromStdin.ExitCode == 0, fromStdin.ToString());
        Assert.DoesNotContain(_cli.AppSecret, fromStdin.Output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Stdin_is_read_only_when_asked_for()
    {
        var user = _cli.Emulator.CreateTestUser();
        _cli.StandardInput = "wrong-secret-on-stdin\n";

        var result = await _cli.RunAsync("debug", user.AccessToken);

        Assert.True(result.ExitCode == 0, result.ToString());
    }

    [Theory]
    [InlineData("")]
    [InlineData("\n")]
    [InlineData("\r\nthe secret on the second line\n")]
    public async Task An_empty_stdin_is_a_usage_error_even_with_a_secret_in_the_environment(string input)
    {
        _cli.StandardInput = input;

        var result = await _cli.RunAsync("app-token", "--app-secret-stdin");

        Assert.True(result.ExitCode == ExitCodes.Usage, result.ToString());
        Assert.StartsWith("fbtokens: --app-secret-stdin: standard input held no app secret", result.Stderr, StringComparison.Ordinal);
        Assert.Equal(0, _cli.Emulator.GetCallCount(GraphEndpoint.AccessToken));
    }

    [Fact]
    public async Task An_endless_first_line_on_stdin_is_refused_without_printing_it()
    {
        var input = new string('s', AppSecretInput.MaxLength + 1);
        _cli.StandardInput = input;

        var result = await _cli.RunAsync("app-token", "--app-secret-stdin", "--verbose");

        Assert.True(result.ExitCode == ExitCodes.Usage, result.ToString());
        Assert.Contains("longer than 1024 characters", result.Stderr, StringComparison.Ordinal);
        Assert.DoesNotContain(input[..40], result.Output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Settings_come_from_options_and_stdin_alone()
    {
        var user = _cli.Emulator.CreateTestUser();
        _cli.Environment.Clear();
        _cli.Environment["FbTokens__Resilience__MaxRetryAttempts"] = "0";
        _cli.StandardInput = _cli.AppSecret;

        var result = await _cli.RunAsync("debug", user.AccessToken, "--app-id", _cli.Emulator.DefaultApp.AppId, "--app-secret-stdin");

        Assert.True(result.ExitCode == 0, result.ToString());
    }

    private async Task<CliResult> RunWithSecret(params string[] args)
    {
        _cli.Environment["FbTokens__AppSecret"] = _cli.AppSecret;
        try
        {
            return await _cli.RunAsync(args);
        }
        finally
        {
            _cli.Environment.Remove("FbTokens__AppSecret");
        }
    }
}
