using System.Diagnostics;
using FbTokens.Cli.Tests.Framework;
using FbTokens.Testing;

namespace FbTokens.Cli.Tests;

/// <summary>The built tool as a real process (<c>dotnet FbTokens.Cli.dll ...</c>) against the Kestrel emulator.</summary>
public sealed class ProcessTests : IAsyncLifetime
{
    private readonly GraphTokenEmulator _emulator = new();
    private string _url = null!;

    public async Task InitializeAsync() => _url = (await _emulator.StartServerAsync()).AbsoluteUri;

    public async Task DisposeAsync() => await _emulator.DisposeAsync();

    private static string ToolPath
    {
        get
        {
            var path = Path.Combine(AppContext.BaseDirectory, "FbTokens.Cli.dll");
            Assert.True(File.Exists(path), path);
            return path;
        }
    }

    [Fact]
    public async Task The_emulator_command_stops_on_SIGTERM_as_it_does_on_Ctrl_C()
    {
        var start = new ProcessStartInfo("dotnet") { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        start.ArgumentList.Add(ToolPath);
        start.ArgumentList.Add("emulator");
        using var process = Process.Start(start)!;
        try
        {
            string? line;
            do
            {
                line = await process.StandardOutput.ReadLineAsync().WaitAsync(TimeSpan.FromMinutes(2), TimeProvider.System);
            }
            while (line is not null && !line.Contains("Press Ctrl+C", StringComparison.Ordinal));
            Assert.NotNull(line);

            // docker stop, systemd and timeout send SIGTERM.
            using (var term = Process.Start("kill", ["-TERM", process.Id.ToString(System.Globalization.CultureInfo.InvariantCulture)])!)
            {
                await term.WaitForExitAsync();
            }

            await process.WaitForExitAsync().WaitAsync(TimeSpan.FromSeconds(30), TimeProvider.System);
            Assert.Equal(0, process.ExitCode);
        }
        finally
        {
            if (!process.HasExited)
            {
                process.Kill(entireProcessTree: true);
            }
        }
    }

    private Task<CliResult> RunAsync(bool withSecret, params string[] args) => RunProcessAsync(withSecret, stdin: null, args);

    /// <summary>Runs without the secret in the environment, with <paramref name="stdin"/> piped in.</summary>
    private Task<CliResult> RunWithStdinAsync(string stdin, params string[] args) => RunProcessAsync(withSecret: false, stdin, args);

    private async Task<CliResult> RunProcessAsync(bool withSecret, string? stdin, string[] args)
    {
        var start = new ProcessStartInfo("dotnet")
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            RedirectStandardInput = true,
            UseShellExecute = false,
        };
        start.ArgumentList.Add(ToolPath);
        foreach (var arg in args)
        {
            start.ArgumentList.Add(arg);
        }

        foreach (var key in start.Environment.Keys.Where(k => k.StartsWith("FbTokens", StringComparison.OrdinalIgnoreCase)).ToList())
        {
            start.Environment.Remove(key);
        }

        start.Environment["FbTokens__AppId"] = _emulator.DefaultApp.AppId;
        if (withSecret)
        {
            start.Environment["FbTokens__AppSecret"] = _emulator.DefaultApp.AppSecret;
        }

        start.Environment["FbTokens__Resilience__MaxRetryAttempts"] = "0";
        start.Environment["DOTNET_NOLOGO"] = "1";

        using var process = Process.Start(start)!;
        // A pipe, as in printf %s "$SECRET" | fbtokens ...: no terminal, no echo.
        if (stdin is not null)
        {
            await process.StandardInput.WriteAsync(stdin);
        }

        process.StandardInput.Close();
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        using var timeout = new CancellationTokenSource(TimeSpan.FromMinutes(2));
        await process.WaitForExitAsync(timeout.Token);
        return new CliResult(process.ExitCode, await stdout, await stderr);
    }

    private Task<CliResult> RunAsync(params string[] args) => RunProcessAsync(withSecret: true, stdin: null, args);

    [Fact]
    public async Task Debug_json_from_a_real_process()
    {
        var user = _emulator.CreateTestUser();

        var result = await RunAsync("debug", user.AccessToken, "--graph-url", _url, "--json");

        Assert.True(result.ExitCode == 0, result.ToString());
        var json = result.Json();
        Assert.True(json.GetProperty("isValid").GetBoolean());
        Assert.Equal(user.Id, json.GetProperty("userId").GetString());
        Assert.DoesNotContain(user.AccessToken, result.Output, StringComparison.Ordinal);
        Assert.DoesNotContain(_emulator.DefaultApp.AppSecret, result.Output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Exchange_masks_tokens_unless_show_tokens()
    {
        var user = _emulator.CreateTestUser();
        var other = _emulator.CreateTestUser();

        var masked = await RunAsync("exchange", user.AccessToken, "--graph-url", _url);
        var shown = await RunAsync("exchange", other.AccessToken, "--graph-url", _url, "--json", "--show-tokens");

        Assert.True(masked.ExitCode == 0, masked.ToString());
        Assert.Matches(@"Access token\s+EAA.…\(\d+ chars\)", masked.Stdout);
        Assert.True(_emulator.FindToken(shown.Json().GetProperty("accessToken").GetString()!)!.IsLongLived);
    }

    [Fact]
    public async Task Pages_and_app_token_from_a_real_process()
    {
        var user = _emulator.CreateTestUser();
        _emulator.CreatePages(user.Id, 4);

        var pages = await RunAsync("pages", user.Id, user.AccessToken, "--graph-url", _url, "--json");
        var app = await RunAsync("app-token", "--graph-url", _url, "--show-tokens");

        Assert.Equal(4, pages.Json().GetProperty("count").GetInt32());
        Assert.True(app.ExitCode == 0, app.ToString());
        Assert.DoesNotContain(_emulator.DefaultApp.AppSecret, pages.Output + app.Output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Login_url_from_a_real_process_needs_no_secret()
    {
        var result = await RunAsync(false, "login-url", "--scope", "email", "--json");

        Assert.True(result.ExitCode == 0, result.ToString());
        Assert.StartsWith("https://www.facebook.com/v24.0/dialog/oauth?client_id=" + _emulator.DefaultApp.AppId, result.Json().GetProperty("url").GetString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task The_app_secret_piped_to_stdin_is_used_and_never_printed()
    {
        var user = _emulator.CreateTestUser();

        var result = await RunWithStdinAsync(_emulator.DefaultApp.AppSecret, "debug", user.AccessToken, "--graph-url", _url, "--app-secret-stdin", "--json");
        var withNewline = await RunWithStdinAsync(_emulator.DefaultApp.AppSecret + "\n", "app-token", "--graph-url", _url, "--app-secret-stdin");

        Assert.True(result.ExitCode == 0, result.ToString());
        Assert.True(result.Json().GetProperty("isValid").GetBoolean());
        Assert.True(withNewline.ExitCode == 0, withNewline.ToString());
        Assert.Empty(result.Stderr + withNewline.Stderr);
        Assert.DoesNotContain(_emulator.DefaultApp.AppSecret, result.Output + withNewline.Output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task An_app_secret_on_the_command_line_exits_2_without_echoing_it()
    {
        var user = _emulator.CreateTestUser();

        var result = await RunAsync(false, "debug", user.AccessToken, "--graph-url", _url, "--app-secret", _emulator.DefaultApp.AppSecret);

        Assert.True(result.ExitCode == 2, result.ToString());
        Assert.Contains("--app-secret is not accepted on the command line", result.Stderr, StringComparison.Ordinal);
        Assert.Contains("--app-secret-stdin", result.Stderr, StringComparison.Ordinal);
        Assert.DoesNotContain(_emulator.DefaultApp.AppSecret, result.Output, StringComparison.Ordinal);
        Assert.Equal(0, _emulator.GetCallCount(GraphEndpoint.DebugToken));
    }

    [Fact]
    public async Task An_invalidated_token_exits_3()
    {
        var user = _emulator.CreateTestUser();
        _emulator.InvalidateUserTokens(user.Id, TokenInvalidationReason.PasswordChanged);

        var debug = await RunAsync("debug", user.AccessToken, "--graph-url", _url);
        var exchange = await RunAsync("exchange", user.AccessToken, "--graph-url", _url);

        Assert.Equal(3, debug.ExitCode);
        Assert.Equal(3, exchange.ExitCode);
        Assert.Contains("PasswordChanged", exchange.Stderr, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_rate_limited_app_exits_4()
    {
        var user = _emulator.CreateTestUser();
        _emulator.Faults.RateLimitApp(_emulator.DefaultApp.AppId, TimeSpan.FromHours(1));

        var result = await RunAsync("exchange", user.AccessToken, "--graph-url", _url);

        Assert.True(result.ExitCode == 4, result.ToString());
    }

    [Fact]
    public async Task A_graph_parameter_error_exits_5()
    {
        var result = await RunAsync("redeem", "bogus-client-code", "--redirect-uri", "https://app.example.com/d", "--graph-url", _url);

        Assert.True(result.ExitCode == 5, result.ToString());
    }

    [Fact]
    public async Task An_html_answer_and_an_unreachable_port_exit_6()
    {
        _emulator.Faults.FailNext(1, EmulatorFault.HtmlBody);
        var html = await RunAsync("app-token", "--graph-url", _url);
        var unreachable = await RunAsync("app-token", "--graph-url", ClosedPort.Url());

        Assert.True(html.ExitCode == 6, html.ToString());
        Assert.True(unreachable.ExitCode == 6, unreachable.ToString());
        Assert.Single(unreachable.Stderr.Split('\n', StringSplitOptions.RemoveEmptyEntries));
        Assert.DoesNotContain("   at ", unreachable.Stderr, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Bad_arguments_exit_2_and_help_exits_0()
    {
        var missing = await RunAsync("debug");
        var unknown = await RunAsync("frobnicate");
        var help = await RunAsync("debug", "--help");

        Assert.Equal(2, missing.ExitCode);
        Assert.Equal(2, unknown.ExitCode);
        Assert.Equal(0, help.ExitCode);
        Assert.Contains("fbtokens debug <token> [options]", help.Stdout, StringComparison.Ordinal);
    }
}
