using System.Net;
using FbTokens.Testing;
using FbTokens.Tests.Framework;
using FbTokens.WebSample;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.AspNetCore.TestHost;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace FbTokens.WebSample.Tests.Framework;

/// <summary>
/// The web sample, started by <see cref="WebApplicationFactory{TEntryPoint}"/>, every log line captured at Trace, in one
/// of two set-ups: <see cref="WithEmulatorAsync"/> (the test's own emulator on loopback plays Facebook, given to the sample
/// as a configured app, the sample in memory; the emulator's callbacks reach it through the TestServer) or
/// <see cref="OfflineAsync"/> (no configuration: the sample starts its embedded emulator, as one <c>dotnet run</c> does;
/// on Kestrel for the browser).
/// </summary>
internal sealed class SampleUnderTest : IAsyncDisposable
{
    private readonly WebApplicationFactory<Program> _factory;
    private readonly GraphTokenEmulator? _ownEmulator;
    private readonly HttpClient _emulatorClient = new(new SocketsHttpHandler { AllowAutoRedirect = false, UseCookies = false });

    private SampleUnderTest(WebApplicationFactory<Program> factory, GraphTokenEmulator? ownEmulator, CapturingLoggerProvider logs, CallbackRecorder? callbacks)
    {
        _factory = factory;
        _ownEmulator = ownEmulator;
        Logs = logs;
        Callbacks = callbacks;
    }

    /// <summary>Every log line the sample wrote, at every level.</summary>
    public CapturingLoggerProvider Logs { get; }

    /// <summary>The callbacks the test's emulator sent (null offline: the embedded emulator uses its own client).</summary>
    public CallbackRecorder? Callbacks { get; }

    /// <summary>The secrets seen so far, for the no-leak check.</summary>
    public LeakCheck Leaks { get; } = new();

    /// <summary>The emulator playing Facebook.</summary>
    public GraphTokenEmulator Emulator => _ownEmulator ?? Services.GetRequiredService<SampleGraph>().Emulator!;

    /// <summary>The sample's services.</summary>
    public IServiceProvider Services => _factory.Services;

    /// <summary>The sample's address (http://localhost/ in memory, http://127.0.0.1:port/ on Kestrel).</summary>
    public Uri BaseAddress => _factory.ClientOptions.BaseAddress;

    /// <summary>The sample's token store.</summary>
    public ITokenStore Store => Services.GetRequiredService<ITokenStore>();

    /// <summary>A client of the sample that keeps cookies and does not follow redirects.</summary>
    public HttpClient Client { get; private set; } = null!;

    /// <summary>The sample in memory, with the test's emulator on loopback configured as the app.</summary>
    public static async Task<SampleUnderTest> WithEmulatorAsync(Action<IWebHostBuilder>? configure = null)
    {
        var callbacks = new CallbackRecorder();
        var emulator = new GraphTokenEmulator(options: new GraphTokenEmulatorOptions { CallbackHttpClient = new HttpClient(callbacks) });
        var logs = new CapturingLoggerProvider();
        try
        {
            var emulatorAddress = await emulator.StartServerAsync();
            var factory = new SampleFactory(b =>
            {
                b.UseSetting("FbTokens:AppId", emulator.DefaultApp.AppId);
                b.UseSetting("FbTokens:AppSecret", emulator.DefaultApp.AppSecret);
                b.UseSetting("FbTokens:GraphBaseAddress", emulatorAddress.AbsoluteUri);
                b.UseSetting("FbTokens:DialogBaseAddress", emulatorAddress.AbsoluteUri);
                Capture(b, logs);
                configure?.Invoke(b);
            });
            var sample = new SampleUnderTest(factory, emulator, logs, callbacks);
            sample.Client = factory.CreateClient(new WebApplicationFactoryClientOptions { AllowAutoRedirect = false, HandleCookies = true });
            callbacks.InnerHandler = factory.Server.CreateHandler();
            emulator.DefaultApp.DeauthorizeCallbackUri = new Uri(sample.BaseAddress, SampleAuth.DeauthorizePath.TrimStart('/'));
            emulator.DefaultApp.DataDeletionCallbackUri = new Uri(sample.BaseAddress, SampleAuth.DataDeletionPath.TrimStart('/'));
            sample.Leaks.Add(emulator.DefaultApp.AppSecret);
            return sample;
        }
        catch
        {
            await emulator.DisposeAsync();
            throw;
        }
    }

    /// <summary>The sample as one <c>dotnet run</c> starts it: its embedded emulator, in memory or on a Kestrel port.</summary>
    public static Task<SampleUnderTest> OfflineAsync(bool onKestrel)
    {
        var logs = new CapturingLoggerProvider();
        var factory = new SampleFactory(b =>
        {
            // Nothing configured: a developer's FbTokens__AppId in the environment must not turn the test online.
            b.UseSetting("FbTokens:AppId", "");
            b.UseSetting("FbTokens:AppSecret", "");
            Capture(b, logs);
        });
        if (onKestrel)
        {
            factory.UseKestrel(0);
            factory.StartServer();
        }

        var sample = new SampleUnderTest(factory, null, logs, null);
        sample.Client = factory.CreateClient(new WebApplicationFactoryClientOptions { AllowAutoRedirect = false, HandleCookies = true });
        sample.Leaks.Add(sample.Emulator.DefaultApp.AppSecret);
        return Task.FromResult(sample);
    }

    /// <summary>
    /// Requests <paramref name="start"/> on the sample and follows every redirect, to the emulator's Login dialog and back,
    /// as a browser would; returns the last response (not a redirect) and remembers every code it saw.
    /// </summary>
    public async Task<(Uri Url, HttpResponseMessage Response)> FollowAsync(string start, HttpMethod? method = null)
    {
        var url = new Uri(BaseAddress, start);
        var response = await SendAsync(method ?? HttpMethod.Get, url);
        for (var hops = 0; IsRedirect(response.StatusCode); hops++)
        {
            Assert.True(hops < 10, "too many redirects");
            url = new Uri(url, response.Headers.Location!);
            RememberCode(url);
            response.Dispose();
            response = await SendAsync(HttpMethod.Get, url);
        }

        return (url, response);
    }

    /// <summary>Follows <paramref name="start"/> to the end and returns the page's HTML, which must be a 200.</summary>
    public async Task<string> PageAsync(string start, HttpMethod? method = null)
    {
        var (url, response) = await FollowAsync(start, method);
        using (response)
        {
            var html = await response.Content.ReadAsStringAsync();
            Assert.True(response.StatusCode == HttpStatusCode.OK, $"{url} answered {(int)response.StatusCode}: {html}");
            return html;
        }
    }

    /// <summary>Asserts the captured log holds no secret seen so far, nor any stored now.</summary>
    public async Task AssertNoSecretsLoggedAsync(int minimumSecrets = 3)
    {
        await Leaks.AddStoredTokensAsync(Store);
        Leaks.AddFormBodies(Callbacks?.Bodies ?? []);
        Leaks.AssertNoneIn(Logs, minimumSecrets);
    }

    public async ValueTask DisposeAsync()
    {
        Client.Dispose();
        _emulatorClient.Dispose();
        await _factory.DisposeAsync();
        if (_ownEmulator is not null)
        {
            await _ownEmulator.DisposeAsync();
        }
    }

    /// <summary>The factory, configured in <see cref="ConfigureWebHost"/> (a factory from <c>WithWebHostBuilder</c> ignores <c>UseKestrel</c>).</summary>
    private sealed class SampleFactory(Action<IWebHostBuilder> configure) : WebApplicationFactory<Program>
    {
        protected override void ConfigureWebHost(IWebHostBuilder builder) => configure(builder);
    }

    private static void Capture(IWebHostBuilder builder, CapturingLoggerProvider logs) =>
        builder.ConfigureLogging(l =>
        {
            l.SetMinimumLevel(LogLevel.Trace);
            l.AddProvider(logs);
        });

    private Task<HttpResponseMessage> SendAsync(HttpMethod method, Uri url)
    {
        var toSample = url.Authority == BaseAddress.Authority;
        var client = toSample ? Client : _emulatorClient;
        return client.SendAsync(new HttpRequestMessage(method, toSample ? new Uri(url.PathAndQuery, UriKind.Relative) : url));
    }

    private void RememberCode(Uri url)
    {
        foreach (var pair in url.Query.TrimStart('?').Split('&', StringSplitOptions.RemoveEmptyEntries))
        {
            if (pair.StartsWith("code=", StringComparison.Ordinal))
            {
                Leaks.Add(Uri.UnescapeDataString(pair["code=".Length..]));
            }
        }
    }

    private static bool IsRedirect(HttpStatusCode status) => (int)status is >= 300 and < 400;
}
