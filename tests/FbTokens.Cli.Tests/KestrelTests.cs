using System.Text.Json;
using System.Text.RegularExpressions;
using FbTokens.Cli.Tests.Framework;
using FbTokens.Testing;

namespace FbTokens.Cli.Tests;

/// <summary>The tool in-process over real loopback sockets: the Kestrel emulator, and the 'emulator' command itself.</summary>
public sealed class KestrelTests : IAsyncLifetime
{
    private readonly CliHarness _cli = new();
    private Uri _baseAddress = null!;

    public async Task InitializeAsync() => _baseAddress = await _cli.Emulator.StartServerAsync();

    public async Task DisposeAsync() => await _cli.DisposeAsync();

    [Fact]
    public async Task Every_graph_command_works_against_the_kestrel_emulator()
    {
        var url = _baseAddress.AbsoluteUri;
        var user = _cli.Emulator.CreateTestUser();
        _cli.Emulator.CreatePages(user.Id, 3);

        var debug = await _cli.RunOverNetworkAsync("debug", user.AccessToken, "--graph-url", url, "--json");
        var exchange = await _cli.RunOverNetworkAsync("exchange", user.AccessToken, "--graph-url", url, "--json", "--show-tokens");
        var longLived = exchange.Json().GetProperty("accessToken").GetString()!;
        var pages = await _cli.RunOverNetworkAsync("pages", user.Id, longLived, "--graph-url", url, "--json");
        var code = await _cli.RunOverNetworkAsync("client-code", longLived, "--redirect-uri", "https://app.example.com/d", "--graph-url", url, "--json", "--show-tokens");
        var redeem = await _cli.RunOverNetworkAsync("redeem", code.Json().GetProperty("code").GetString()!, "--redirect-uri", "https://app.example.com/d", "--graph-url", url, "--json");
        var app = await _cli.RunOverNetworkAsync("app-token", "--graph-url", url, "--json");

        Assert.All(new[] { debug, exchange, pages, code, redeem, app }, r => Assert.True(r.ExitCode == 0, r.ToString()));
        Assert.True(debug.Json().GetProperty("isValid").GetBoolean());
        Assert.Equal(3, pages.Json().GetProperty("count").GetInt32());
        Assert.False(string.IsNullOrEmpty(redeem.Json().GetProperty("machineId").GetString()));
        Assert.True(_cli.Emulator.GetCallCount(GraphEndpoint.AccessToken) >= 3);
    }

    [Fact]
    public async Task Exit_codes_hold_over_the_network()
    {
        var url = _baseAddress.AbsoluteUri;
        var user = _cli.Emulator.CreateTestUser();
        _cli.Emulator.InvalidateUserTokens(user.Id, TokenInvalidationReason.UserCheckpointed);
        var invalid = await _cli.RunOverNetworkAsync("exchange", user.AccessToken, "--graph-url", url);
        _cli.Emulator.Faults.FailNext(1, EmulatorFault.HtmlBody);
        var html = await _cli.RunOverNetworkAsync("app-token", "--graph-url", url);
        _cli.Emulator.Faults.RateLimitApp(_cli.Emulator.DefaultApp.AppId, TimeSpan.FromHours(1));
        var limited = await _cli.RunOverNetworkAsync("app-token", "--graph-url", url);

        Assert.Equal(ExitCodes.TokenInvalid, invalid.ExitCode);
        Assert.Contains("UserCheckpointed", invalid.Stderr, StringComparison.Ordinal);
        Assert.Equal(ExitCodes.Network, html.ExitCode);
        Assert.Equal(ExitCodes.RateLimited, limited.ExitCode);
    }

    [Fact]
    public async Task The_emulator_command_serves_until_cancelled_and_prints_what_to_use()
    {
        using var stop = new CancellationTokenSource();
        var stdout = new LineSignalWriter(line => line.StartsWith('{'));
        using var stderr = new StringWriter();
        var host = new CliHost { UseUserSecrets = false, Environment = new Dictionary<string, string?>(), TimeZone = TimeZoneInfo.Utc };
        var running = CliApp.RunAsync(["emulator", "--port", "0", "--pages", "2", "--json"], stdout, stderr, host, stop.Token);

        var json = JsonDocument.Parse(await stdout.Matched.WaitAsync(TimeSpan.FromSeconds(30))).RootElement;
        var baseAddress = json.GetProperty("baseAddress").GetString()!;
        _cli.Environment["FbTokens__AppId"] = json.GetProperty("appId").GetString();
        _cli.Environment["FbTokens__AppSecret"] = json.GetProperty("appSecret").GetString();
        var debug = await _cli.RunOverNetworkAsync("debug", json.GetProperty("userToken").GetString()!, "--graph-url", baseAddress, "--json");
        var pages = await _cli.RunOverNetworkAsync("pages", json.GetProperty("userId").GetString()!, json.GetProperty("longLivedUserToken").GetString()!, "--graph-url", baseAddress, "--json");
        Assert.False(running.IsCompleted);
        await stop.CancelAsync();
        var exitCode = await running.WaitAsync(TimeSpan.FromSeconds(30));

        Assert.StartsWith("http://127.0.0.1:", baseAddress, StringComparison.Ordinal);
        Assert.True(debug.ExitCode == 0, debug.ToString());
        Assert.True(debug.Json().GetProperty("isValid").GetBoolean());
        Assert.Equal(2, pages.Json().GetProperty("count").GetInt32());
        Assert.Equal(2, json.GetProperty("pageIds").GetArrayLength());
        Assert.Equal(0, exitCode);
        Assert.Empty(stderr.ToString());
        await Assert.ThrowsAsync<HttpRequestException>(async () =>
        {
            using var client = new HttpClient();
            await client.GetAsync(new Uri(new Uri(baseAddress), "me"));
        });
    }

    [Fact]
    public async Task The_emulator_command_prints_its_address_app_and_a_ready_to_run_example()
    {
        using var stop = new CancellationTokenSource();
        var stdout = new LineSignalWriter(line => line.StartsWith("Press Ctrl+C", StringComparison.Ordinal));
        var host = new CliHost { UseUserSecrets = false, Environment = new Dictionary<string, string?>() };
        var running = CliApp.RunAsync(["emulator"], stdout, TextWriter.Null, host, stop.Token);

        await stdout.Matched.WaitAsync(TimeSpan.FromSeconds(30));
        var text = stdout.ToString();
        // The example teaches the environment variable, never a secret as an option value; and it works as printed.
        var example = Regex.Match(text, @"^Try: FbTokens__AppSecret=(\S+) fbtokens (debug EAA\S+ .*?)\r?$", RegexOptions.Multiline);
        Assert.True(example.Success, text);
        _cli.Environment.Clear();
        _cli.Environment["FbTokens__AppSecret"] = example.Groups[1].Value;
        var debug = await _cli.RunOverNetworkAsync(example.Groups[2].Value.Split(' '));
        await stop.CancelAsync();
        Assert.Equal(0, await running.WaitAsync(TimeSpan.FromSeconds(30)));

        Assert.Matches(@"Graph emulator\s+http://127\.0\.0\.1:\d+/", text);
        Assert.Matches(@"App ID\s+\d+", text);
        Assert.Matches(@"App secret\s+\S+", text);
        Assert.Matches(@"User token\s+EAA", text);
        Assert.DoesNotContain("--app-secret", text, StringComparison.Ordinal);
        Assert.True(debug.ExitCode == 0, debug.ToString());
        Assert.Contains("Valid                 True", debug.Stdout, StringComparison.Ordinal);
    }
}
