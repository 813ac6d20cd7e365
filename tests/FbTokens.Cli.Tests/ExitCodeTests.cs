using FbTokens.Cli.Tests.Framework;
using FbTokens.Testing;

namespace FbTokens.Cli.Tests;

/// <summary>Each failure maps to its exit code, with one clear line on stderr and no stack trace.</summary>
public sealed class ExitCodeTests : IAsyncLifetime
{
    private readonly CliHarness _cli = new();

    public Task InitializeAsync() => Task.CompletedTask;

    public async Task DisposeAsync() => await _cli.DisposeAsync();

    private static void AssertOneCleanErrorLine(CliResult result)
    {
        var lines = result.Stderr.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.True(lines.Length == 1, result.ToString());
        Assert.StartsWith("fbtokens: ", lines[0], StringComparison.Ordinal);
        Assert.DoesNotContain("   at ", result.Stderr, StringComparison.Ordinal);
    }

    [Fact]
    public async Task An_invalidated_token_exits_3_with_the_reason()
    {
        var user = _cli.Emulator.CreateTestUser();
        _cli.Emulator.InvalidateUserTokens(user.Id, TokenInvalidationReason.InvalidAccessToken);

        var result = await _cli.RunAsync("exchange", user.AccessToken);

        Assert.Equal(ExitCodes.TokenInvalid, result.ExitCode);
        AssertOneCleanErrorLine(result);
        Assert.Contains("InvalidAccessToken", result.Stderr, StringComparison.Ordinal);
        Assert.Contains("190/467", result.Stderr, StringComparison.Ordinal);
        Assert.DoesNotContain(user.AccessToken, result.Output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task An_expired_long_lived_token_exits_3_from_pages()
    {
        var user = _cli.Emulator.CreateTestUser();
        var longLived = _cli.Emulator.IssueUserToken(user.Id);
        _cli.Time.Advance(TimeSpan.FromDays(61));

        var result = await _cli.RunAsync("pages", user.Id, longLived);

        Assert.Equal(ExitCodes.TokenInvalid, result.ExitCode);
        Assert.Contains("Expired", result.Stderr, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_rate_limited_app_exits_4_with_retry_after()
    {
        var user = _cli.Emulator.CreateTestUser();
        _cli.Emulator.Faults.RateLimitApp(_cli.Emulator.DefaultApp.AppId, TimeSpan.FromHours(1));

        var result = await _cli.RunAsync("exchange", user.AccessToken);
        var json = await _cli.RunAsync("exchange", user.AccessToken, "--json");

        Assert.Equal(ExitCodes.RateLimited, result.ExitCode);
        AssertOneCleanErrorLine(result);
        Assert.Contains("rate limited", result.Stderr, StringComparison.Ordinal);
        Assert.Contains("retry after 3600 s", result.Stderr, StringComparison.Ordinal);
        var error = json.Json().GetProperty("error");
        Assert.Equal(4, error.GetProperty("exitCode").GetInt32());
        Assert.Equal("rate_limited", error.GetProperty("kind").GetString());
        Assert.Equal(4, error.GetProperty("code").GetInt32());
        Assert.Equal(3600, error.GetProperty("retryAfterSeconds").GetDouble());
    }

    [Fact]
    public async Task A_graph_parameter_error_exits_5()
    {
        var result = await _cli.RunAsync("redeem", "not-a-real-client-code", "--redirect-uri", "https://app.example.com/device");

        Assert.Equal(ExitCodes.GraphError, result.ExitCode);
        AssertOneCleanErrorLine(result);
        Assert.Contains("Graph error 100", result.Stderr, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_used_client_code_exits_5()
    {
        var user = _cli.Emulator.CreateTestUser();
        var longLived = _cli.Emulator.IssueUserToken(user.Id);
        var code = (await _cli.RunAsync("client-code", longLived, "--redirect-uri", "https://app.example.com/d", "--json", "--show-tokens")).Json().GetProperty("code").GetString()!;
        Assert.Equal(0, (await _cli.RunAsync("redeem", code, "--redirect-uri", "https://app.example.com/d")).ExitCode);

        var again = await _cli.RunAsync("redeem", code, "--redirect-uri", "https://app.example.com/d", "--json");

        Assert.Equal(ExitCodes.GraphError, again.ExitCode);
        Assert.Equal(100, again.Json().GetProperty("error").GetProperty("code").GetInt32());
        Assert.DoesNotContain(code, again.Output, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(EmulatorFault.HtmlBody)]
    [InlineData(EmulatorFault.EmptyBody)]
    [InlineData(EmulatorFault.TruncatedBody)]
    [InlineData(EmulatorFault.ConnectionReset)]
    public async Task A_broken_answer_or_connection_exits_6(EmulatorFault fault)
    {
        var user = _cli.Emulator.CreateTestUser();
        _cli.Emulator.Faults.FailNext(1, fault);

        var result = await _cli.RunAsync("debug", user.AccessToken);

        Assert.Equal(ExitCodes.Network, result.ExitCode);
        AssertOneCleanErrorLine(result);
    }

    [Fact]
    public async Task An_unreachable_graph_exits_6()
    {
        var result = await _cli.RunOverNetworkAsync("app-token", "--graph-url", ClosedPort.Url());

        Assert.Equal(ExitCodes.Network, result.ExitCode);
        AssertOneCleanErrorLine(result);
        Assert.Contains("could not reach Graph", result.Stderr, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Verbose_adds_the_exception_details_but_never_the_secret()
    {
        var result = await _cli.RunOverNetworkAsync("app-token", "--graph-url", ClosedPort.Url(), "--verbose");

        Assert.Equal(ExitCodes.Network, result.ExitCode);
        Assert.Contains("   at ", result.Stderr, StringComparison.Ordinal);
        Assert.DoesNotContain(_cli.AppSecret, result.Output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task An_app_secret_on_the_command_line_exits_2_the_usage_code_before_any_call()
    {
        var user = _cli.Emulator.CreateTestUser();

        var text = await _cli.RunAsync("debug", user.AccessToken, "--app-secret", _cli.AppSecret);
        var json = await _cli.RunAsync("debug", user.AccessToken, "--json", "--verbose", "--app-secret", _cli.AppSecret);

        Assert.Equal(2, ExitCodes.Usage);
        Assert.Equal(ExitCodes.Usage, text.ExitCode);
        Assert.Equal(ExitCodes.Usage, json.ExitCode);
        AssertOneCleanErrorLine(text);
        AssertOneCleanErrorLine(json);
        Assert.DoesNotContain(_cli.AppSecret, text.Output + json.Output, StringComparison.Ordinal);
        Assert.Equal(0, _cli.Emulator.GetCallCount(GraphEndpoint.DebugToken));
    }

    [Fact]
    public async Task Json_errors_are_machine_readable_on_stdout()
    {
        var user = _cli.Emulator.CreateTestUser();
        _cli.Emulator.InvalidateUserTokens(user.Id, TokenInvalidationReason.AppNotInstalled);

        var result = await _cli.RunAsync("exchange", user.AccessToken, "--json");

        var error = result.Json().GetProperty("error");
        Assert.Equal(3, error.GetProperty("exitCode").GetInt32());
        Assert.Equal("token_invalid", error.GetProperty("kind").GetString());
        Assert.Equal("AppNotInstalled", error.GetProperty("reason").GetString());
        Assert.Equal(458, error.GetProperty("subcode").GetInt32());
    }
}
