namespace FbTokens.WebSample.Tests.Framework;

/// <summary>
/// A test that needs the real browser: skipped, with the reason, when chromium or chromedriver is missing, unless the
/// browser is required (<c>FBTOKENS_TEST_REQUIRE_BROWSER=1</c>); then the test runs and fails on the missing browser.
/// </summary>
[AttributeUsage(AttributeTargets.Method, AllowMultiple = false)]
public sealed class BrowserFactAttribute : FactAttribute
{
    public BrowserFactAttribute()
    {
        if (BrowserBinaries.SkipReason is { } reason)
        {
            Skip = reason;
        }
    }
}
