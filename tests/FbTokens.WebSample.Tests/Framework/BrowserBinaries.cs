namespace FbTokens.WebSample.Tests.Framework;

/// <summary>
/// The browser the end-to-end tests drive: Debian's <c>chromium</c> through its <c>chromedriver</c>, at fixed paths, so
/// Selenium Manager never looks for (or downloads) a browser or driver of its own. Without them a browser test is
/// skipped with how to install them; with <c>FBTOKENS_TEST_REQUIRE_BROWSER=1</c> (as .ci/run sets) it fails instead,
/// so a CI machine without the browser can never pass silently. <c>FBTOKENS_TEST_NO_BROWSER=1</c> makes them count as
/// missing, to see what a machine without them does.
/// </summary>
internal static class BrowserBinaries
{
    public const string RequireVariable = "FBTOKENS_TEST_REQUIRE_BROWSER";

    public const string HideVariable = "FBTOKENS_TEST_NO_BROWSER";

    public const string ChromiumPath = "/usr/bin/chromium";

    public const string ChromeDriverPath = "/usr/bin/chromedriver";

    public const string InstallCommand = "sudo apt-get install -y chromium chromium-driver";

    /// <summary>Whether a missing browser fails the test instead of skipping it.</summary>
    public static bool Required => IsSet(Environment.GetEnvironmentVariable(RequireVariable));

    /// <summary>Why the browser cannot be used here, or null when both binaries are installed.</summary>
    public static string? MissingReason => MissingReasonFor(Environment.GetEnvironmentVariable, File.Exists);

    /// <summary>Why a <see cref="BrowserFactAttribute"/> test is skipped here, or null when it runs (the browser is installed, or required).</summary>
    public static string? SkipReason => SkipReasonFor(Environment.GetEnvironmentVariable, File.Exists);

    /// <summary><see cref="SkipReason"/> for a given environment and file system.</summary>
    public static string? SkipReasonFor(Func<string, string?> environment, Func<string, bool> fileExists) =>
        IsSet(environment(RequireVariable)) ? null : MissingReasonFor(environment, fileExists);

    /// <summary><see cref="MissingReason"/> for a given environment and file system.</summary>
    public static string? MissingReasonFor(Func<string, string?> environment, Func<string, bool> fileExists)
    {
        if (IsSet(environment(HideVariable)))
        {
            return $"{HideVariable}=1 hides the installed browser";
        }

        var missing = new[] { ChromiumPath, ChromeDriverPath }.Where(path => !fileExists(path)).ToArray();
        return missing.Length == 0
            ? null
            : $"{string.Join(" and ", missing)} not found; the browser tests drive Debian's chromium through its chromedriver: install them with '{InstallCommand}'";
    }

    private static bool IsSet(string? value) => value is "1" or "true" or "True" or "TRUE";
}
