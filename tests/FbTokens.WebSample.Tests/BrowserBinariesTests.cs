using FbTokens.WebSample.Tests.Framework;

namespace FbTokens.WebSample.Tests;

/// <summary>When a browser test runs, is skipped (with the reason) or fails for want of the browser.</summary>
public sealed class BrowserBinariesTests
{
    private static readonly Func<string, bool> Installed = _ => true;
    private static readonly Func<string, bool> NothingInstalled = _ => false;
    private static readonly Func<string, bool> NoDriver = path => path != BrowserBinaries.ChromeDriverPath;

    [Fact]
    public void With_both_binaries_installed_the_tests_run()
    {
        Assert.Null(BrowserBinaries.SkipReasonFor(Env(), Installed));
        Assert.Null(BrowserBinaries.MissingReasonFor(Env(), Installed));
    }

    [Fact]
    public void A_missing_driver_skips_with_the_install_command()
    {
        var reason = BrowserBinaries.SkipReasonFor(Env(), NoDriver);

        Assert.NotNull(reason);
        Assert.Contains(BrowserBinaries.ChromeDriverPath, reason, StringComparison.Ordinal);
        Assert.DoesNotContain(BrowserBinaries.ChromiumPath + " ", reason, StringComparison.Ordinal);
        Assert.Contains("apt-get install -y chromium chromium-driver", reason, StringComparison.Ordinal);
    }

    [Fact]
    public void When_the_browser_is_required_a_missing_browser_runs_the_test_so_that_it_fails()
    {
        var env = Env((BrowserBinaries.RequireVariable, "1"));

        Assert.Null(BrowserBinaries.SkipReasonFor(env, NothingInstalled));
        Assert.NotNull(BrowserBinaries.MissingReasonFor(env, NothingInstalled)); // what Chromium.Start then fails with
    }

    [Fact]
    public void The_hide_variable_makes_installed_binaries_count_as_missing()
    {
        var reason = BrowserBinaries.SkipReasonFor(Env((BrowserBinaries.HideVariable, "1")), Installed);

        Assert.Equal($"{BrowserBinaries.HideVariable}=1 hides the installed browser", reason);
    }

    [Fact]
    public void The_require_variable_must_say_yes()
    {
        Assert.NotNull(BrowserBinaries.SkipReasonFor(Env((BrowserBinaries.RequireVariable, "0")), NothingInstalled));
    }

    private static Func<string, string?> Env(params (string Name, string Value)[] variables) =>
        name => variables.FirstOrDefault(v => v.Name == name).Value;
}
