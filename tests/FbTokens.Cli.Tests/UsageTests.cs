using FbTokens.Cli.Tests.Framework;

namespace FbTokens.Cli.Tests;

/// <summary>Bad arguments and settings exit 2 before any call to Graph; every command has --help.</summary>
public sealed class UsageTests : IAsyncLifetime
{
    private readonly CliHarness _cli = new();

    public Task InitializeAsync() => Task.CompletedTask;

    public async Task DisposeAsync() => await _cli.DisposeAsync();

    public static TheoryData<string[]> BadCommandLines => new()
    {
        Array.Empty<string>(),
        new[] { "no-such-command" },
        new[] { "debug" },
        new[] { "debug", "a", "b" },
        new[] { "debug", "sometokenvalue1234", "--no-such-option" },
        new[] { "pages", "123" },
        new[] { "client-code", "sometokenvalue1234" },
        new[] { "client-code", "sometokenvalue1234", "--redirect-uri", "/relative" },
        new[] { "redeem", "code", "--redirect-uri", "not a uri" },
        new[] { "pages", "not-digits", "sometokenvalue1234" },
        new[] { "debug", "token with space" },
        new[] { "debug", "sometokenvalue1234", "--graph-url", "not-a-url" },
        new[] { "debug", "sometokenvalue1234", "--graph-url", "ftp://127.0.0.1/" },
        new[] { "debug", "sometokenvalue1234", "--graph-version", "24" },
        new[] { "login-url", "--redirect-uri", "http://app.example.com/cb" },
        new[] { "login-url", "--scope", "email pages_show_list" },
        new[] { "emulator", "--port", "70000" },
        new[] { "emulator", "--port", "abc" },
        new[] { "emulator", "--deauthorize-url", "not a url" },
        new[] { "emulator", "--redirect-uri", "/relative" },
        new[] { "emulator", "--mint-code", "ftp://app.example.com/cb" },
    };

    [Theory]
    [MemberData(nameof(BadCommandLines))]
    public async Task Bad_arguments_exit_2_with_a_clear_message_and_no_graph_call(string[] args)
    {
        var result = await _cli.RunAsync(args);

        Assert.True(result.ExitCode == ExitCodes.Usage, result.ToString());
        Assert.StartsWith("fbtokens: ", result.Stderr, StringComparison.Ordinal);
        Assert.DoesNotContain("   at ", result.Stderr, StringComparison.Ordinal);
        Assert.Equal(0, _cli.Emulator.GetCallCount(Testing.GraphEndpoint.DebugToken) + _cli.Emulator.GetCallCount(Testing.GraphEndpoint.Accounts) + _cli.Emulator.GetCallCount(Testing.GraphEndpoint.AccessToken) + _cli.Emulator.GetCallCount(Testing.GraphEndpoint.ClientCode));
    }

    [Fact]
    public async Task A_missing_app_id_says_where_to_set_it()
    {
        _cli.Environment.Clear();

        var result = await _cli.RunAsync("debug", "sometokenvalue1234");

        Assert.Equal(ExitCodes.Usage, result.ExitCode);
        Assert.Contains("app id is missing", result.Stderr, StringComparison.Ordinal);
        Assert.Contains("FbTokens__AppId", result.Stderr, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("debug", "sometokenvalue1234")]
    [InlineData("exchange", "sometokenvalue1234")]
    [InlineData("app-token")]
    public async Task A_missing_app_secret_exits_2(params string[] args)
    {
        _cli.Environment.Remove("FbTokens__AppSecret");

        var result = await _cli.RunAsync(args);

        Assert.Equal(ExitCodes.Usage, result.ExitCode);
        Assert.Contains("needs the app secret", result.Stderr, StringComparison.Ordinal);
        Assert.Contains("FbTokens__AppSecret", result.Stderr, StringComparison.Ordinal);
        Assert.Contains("FbTokens:AppSecret", result.Stderr, StringComparison.Ordinal);
        Assert.Contains("--app-secret-stdin", result.Stderr, StringComparison.Ordinal);
        Assert.DoesNotMatch("--app-secret(?!-stdin)", result.Stderr);
    }

    private const string SecretOnCommandLine = "s3cr3t-typed-on-the-command-line";

    [Theory]
    [InlineData("debug", "sometokenvalue1234", "--app-secret", SecretOnCommandLine)]
    [InlineData("--app-secret", SecretOnCommandLine, "app-token")]
    [InlineData("app-token", "--app-secret=" + SecretOnCommandLine)]
    [InlineData("app-token", "--json", "--verbose", "--app-secret:" + SecretOnCommandLine)]
    [InlineData("pages", "123", "--app-secret", SecretOnCommandLine)]
    [InlineData("client-code", "--app-secret", SecretOnCommandLine, "sometokenvalue1234", "--redirect-uri", "https://app.example.com/d")]
    [InlineData("exchange", "--app-secret", SecretOnCommandLine)]
    [InlineData("app-token", "--app-secret")]
    public async Task An_app_secret_on_the_command_line_is_refused_with_the_three_ways_and_never_echoed(params string[] args)
    {
        var result = await _cli.RunAsync(args);

        Assert.True(result.ExitCode == ExitCodes.Usage, result.ToString());
        var line = Assert.Single(result.Stderr.Split('\n', StringSplitOptions.RemoveEmptyEntries));
        Assert.StartsWith("fbtokens: --app-secret is not accepted on the command line", line, StringComparison.Ordinal);
        Assert.Contains("FbTokens__AppSecret", line, StringComparison.Ordinal);
        Assert.Contains("FbTokens:AppSecret", line, StringComparison.Ordinal);
        Assert.Contains("--app-secret-stdin", line, StringComparison.Ordinal);
        Assert.Contains("printf %s \"$SECRET\" | fbtokens ", line, StringComparison.Ordinal);
        Assert.DoesNotContain(SecretOnCommandLine, result.Output, StringComparison.Ordinal);
        Assert.Empty(result.Stdout);
        Assert.Equal(0, _cli.Emulator.GetCallCount(Testing.GraphEndpoint.DebugToken) + _cli.Emulator.GetCallCount(Testing.GraphEndpoint.AccessToken));
    }

    [Fact]
    public async Task Even_the_right_app_secret_is_refused_on_the_command_line()
    {
        _cli.Environment.Remove("FbTokens__AppSecret");

        var result = await _cli.RunAsync("app-token", "--app-secret", _cli.AppSecret, "--show-tokens");

        Assert.True(result.ExitCode == ExitCodes.Usage, result.ToString());
        Assert.Contains("this one was not used", result.Stderr, StringComparison.Ordinal);
        Assert.DoesNotContain(_cli.AppSecret, result.Output, StringComparison.Ordinal);
        Assert.Equal(0, _cli.Emulator.GetCallCount(Testing.GraphEndpoint.AccessToken));
    }

    [Theory]
    [InlineData("login-url", "--app-secret", SecretOnCommandLine)]
    [InlineData("redeem", "code", "--redirect-uri", "https://app.example.com/d", "--app-secret", SecretOnCommandLine)]
    [InlineData("emulator", "--app-secret", SecretOnCommandLine)]
    public async Task A_command_that_needs_no_secret_refuses_one_without_suggesting_where_to_put_it(params string[] args)
    {
        var result = await _cli.RunAsync(args);

        Assert.True(result.ExitCode == ExitCodes.Usage, result.ToString());
        var line = Assert.Single(result.Stderr.Split('\n', StringSplitOptions.RemoveEmptyEntries));
        Assert.StartsWith($"fbtokens: '{args[0]}' takes no app secret", line, StringComparison.Ordinal);
        Assert.DoesNotContain("FbTokens__AppSecret", line, StringComparison.Ordinal);
        Assert.DoesNotContain("--app-secret-stdin", line, StringComparison.Ordinal);
        Assert.DoesNotContain(SecretOnCommandLine, result.Output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Login_url_help_and_errors_never_mention_an_app_secret()
    {
        var help = await _cli.RunAsync("login-url", "--help");
        var badRedirect = await _cli.RunAsync("login-url", "--redirect-uri", "/relative");
        _cli.Environment.Clear();
        var missingAppId = await _cli.RunAsync("login-url");
        var missingAppIdJson = await _cli.RunAsync("login-url", "--json");

        Assert.Equal(0, help.ExitCode);
        Assert.Equal(ExitCodes.Usage, badRedirect.ExitCode);
        Assert.Equal(ExitCodes.Usage, missingAppId.ExitCode);
        Assert.Contains("app id is missing", missingAppId.Stderr, StringComparison.Ordinal);
        Assert.Contains("--app-id", missingAppId.Stderr, StringComparison.Ordinal);
        Assert.Contains("FbTokens__AppId", missingAppId.Stderr, StringComparison.Ordinal);
        Assert.All(new[] { help, badRedirect, missingAppId, missingAppIdJson }, r =>
        {
            Assert.DoesNotContain("--app-secret", r.Output, StringComparison.OrdinalIgnoreCase);
            Assert.DoesNotContain("AppSecret", r.Output, StringComparison.OrdinalIgnoreCase);
            Assert.DoesNotContain("app secret", r.Output, StringComparison.OrdinalIgnoreCase);
        });
    }

    [Theory]
    [InlineData("debug")]
    [InlineData("exchange")]
    [InlineData("pages")]
    [InlineData("client-code")]
    [InlineData("app-token")]
    public async Task The_help_of_a_command_that_needs_the_secret_shows_the_three_ways_and_no_secret_option(string command)
    {
        var result = await _cli.RunAsync(command, "--help");

        Assert.Equal(0, result.ExitCode);
        Assert.Contains("--app-secret-stdin", result.Stdout, StringComparison.Ordinal);
        Assert.Contains("FbTokens__AppSecret", result.Stdout, StringComparison.Ordinal);
        Assert.Contains("FbTokens:AppSecret", result.Stdout, StringComparison.Ordinal);
        Assert.DoesNotMatch("--app-secret(?!-stdin)", result.Stdout);
    }

    [Fact]
    public async Task A_missing_app_id_does_not_suggest_a_secret_option()
    {
        _cli.Environment.Clear();

        var result = await _cli.RunAsync("debug", "sometokenvalue1234");

        Assert.Equal(ExitCodes.Usage, result.ExitCode);
        Assert.Contains("app id is missing", result.Stderr, StringComparison.Ordinal);
        Assert.DoesNotContain("--app-secret", result.Stderr, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_bad_setting_in_the_environment_is_reported_without_the_secret()
    {
        _cli.Environment["FbTokens__AppId"] = "my-app";

        var result = await _cli.RunAsync("app-token");

        Assert.Equal(ExitCodes.Usage, result.ExitCode);
        Assert.Contains("FbTokens:AppId", result.Stderr, StringComparison.Ordinal);
        Assert.DoesNotContain(_cli.AppSecret, result.Output, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("")]
    [InlineData("debug")]
    [InlineData("exchange")]
    [InlineData("pages")]
    [InlineData("client-code")]
    [InlineData("redeem")]
    [InlineData("app-token")]
    [InlineData("login-url")]
    [InlineData("emulator")]
    public async Task Every_command_has_help(string command)
    {
        var args = command.Length == 0 ? new[] { "--help" } : new[] { command, "--help" };

        var result = await _cli.RunAsync(args);

        Assert.True(result.ExitCode == 0, result.ToString());
        Assert.Contains("Usage:", result.Stdout, StringComparison.Ordinal);
        Assert.Contains(command.Length == 0 ? "fbtokens [command] [options]" : $"fbtokens {command}", result.Stdout, StringComparison.Ordinal);
        Assert.Contains("--json", result.Stdout, StringComparison.Ordinal);
        Assert.Empty(result.Stderr);
    }

    [Fact]
    public async Task Root_help_lists_every_command()
    {
        var result = await _cli.RunAsync("--help");

        foreach (var command in new[] { "debug", "exchange", "pages", "client-code", "redeem", "app-token", "login-url", "emulator" })
        {
            Assert.Contains("  " + command, result.Stdout, StringComparison.Ordinal);
        }
    }
}
