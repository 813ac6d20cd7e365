using System.Runtime.CompilerServices;
using OpenQA.Selenium;
using OpenQA.Selenium.Chrome;
using OpenQA.Selenium.Support.UI;

namespace FbTokens.WebSample.Tests.Framework;

/// <summary>
/// One headless Chromium for one test, driven through chromedriver at fixed paths (Selenium Manager never runs).
/// <see cref="RunAsync"/> saves a screenshot into artifacts/test-results/screenshots/&lt;test&gt;.png when the test fails.
/// </summary>
internal sealed class Chromium : IDisposable
{
    private static readonly TimeSpan StepTimeout = TimeSpan.FromSeconds(30);

    private readonly ChromeDriverService _service;

    private Chromium(ChromeDriverService service, ChromeDriver driver)
    {
        _service = service;
        Driver = driver;
    }

    /// <summary>The browser.</summary>
    public ChromeDriver Driver { get; }

    /// <summary>Starts the browser, or fails with how to install it (a <see cref="BrowserFactAttribute"/> test runs without
    /// one only when the browser is required).</summary>
    public static Chromium Start()
    {
        if (BrowserBinaries.MissingReason is { } reason)
        {
            throw new InvalidOperationException(
                $"{reason}. The browser is required here ({BrowserBinaries.RequireVariable}=1): a missing browser is a failure, not a skip.");
        }

        var service = ChromeDriverService.CreateDefaultService(Path.GetDirectoryName(BrowserBinaries.ChromeDriverPath)!, Path.GetFileName(BrowserBinaries.ChromeDriverPath));
        service.HideCommandPromptWindow = true;
        service.SuppressInitialDiagnosticInformation = true;
        var options = new ChromeOptions { BinaryLocation = BrowserBinaries.ChromiumPath };
        options.AddArguments(
            "--headless=new",
            "--no-sandbox",
            "--disable-gpu",
            "--disable-dev-shm-usage",
            "--disable-background-networking",
            "--no-first-run",
            "--window-size=1024,768");
        try
        {
            var driver = new ChromeDriver(service, options, TimeSpan.FromSeconds(60));
            driver.Manage().Timeouts().PageLoad = TimeSpan.FromSeconds(30);
            return new Chromium(service, driver);
        }
        catch
        {
            service.Dispose();
            throw;
        }
    }

    /// <summary>Runs a browser test body; on failure saves a screenshot named after the test, then rethrows.</summary>
    public static async Task RunAsync(Func<Chromium, Task> body, [CallerFilePath] string file = "", [CallerMemberName] string test = "")
    {
        using var browser = Start();
        try
        {
            await body(browser);
        }
        catch
        {
            browser.SaveScreenshot($"{Path.GetFileNameWithoutExtension(file)}.{test}");
            throw;
        }
    }

    /// <summary>Opens a URL.</summary>
    public void GoTo(Uri url) => Driver.Navigate().GoToUrl(url);

    /// <summary>Waits until an element with this id is on the page, and returns it.</summary>
    public IWebElement WaitForId(string id) => Wait(d => d.FindElements(By.Id(id)).FirstOrDefault(), $"an element with id '{id}'");

    /// <summary>Clicks the element with this id once it is on the page.</summary>
    public void Click(string id) => WaitForId(id).Click();

    /// <summary>Waits until the current URL's path is <paramref name="path"/>.</summary>
    public void WaitForPath(string path) =>
        Wait(d => new Uri(d.Url).AbsolutePath == path ? d.Url : null, $"the page {path}");

    /// <summary>Waits until the page's text contains <paramref name="text"/>.</summary>
    public void WaitForText(string text) =>
        Wait(d => d.FindElement(By.TagName("body")).Text.Contains(text, StringComparison.Ordinal) ? text : null, $"the text '{text}'");

    /// <summary>The current page's text.</summary>
    public string PageText => Driver.FindElement(By.TagName("body")).Text;

    /// <summary>The current URL.</summary>
    public Uri Url => new(Driver.Url);

    public void Dispose()
    {
        try
        {
            Driver.Quit();
        }
        finally
        {
            Driver.Dispose();
            _service.Dispose();
        }
    }

    private T Wait<T>(Func<IWebDriver, T?> condition, string what)
        where T : class
    {
        var wait = new WebDriverWait(Driver, StepTimeout) { Message = $"waited {StepTimeout.TotalSeconds:F0} s for {what}" };
        wait.IgnoreExceptionTypes(typeof(NoSuchElementException), typeof(StaleElementReferenceException));
        try
        {
            return wait.Until(d => condition(d))!;
        }
        catch (WebDriverTimeoutException ex)
        {
            throw new WebDriverTimeoutException($"{ex.Message}; the browser is at {Driver.Url} showing: {Truncate(SafeText())}", ex);
        }
    }

    private string SafeText()
    {
        try
        {
            return PageText;
        }
        catch (WebDriverException)
        {
            return "(no page text)";
        }
    }

    private static string Truncate(string text) => text.Length <= 400 ? text : text[..400] + "…";

    private void SaveScreenshot(string name)
    {
        try
        {
            Directory.CreateDirectory(RepositoryPaths.Screenshots);
            Driver.GetScreenshot().SaveAsFile(Path.Combine(RepositoryPaths.Screenshots, name + ".png"));
        }
        catch (WebDriverException)
        {
            // The browser is gone: the test's own failure says more than a missing screenshot.
        }
    }
}
