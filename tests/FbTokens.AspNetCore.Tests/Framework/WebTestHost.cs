using System.Net;
using FbTokens.Testing;
using FbTokens.Tests.Framework;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.DataProtection;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.TestHost;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Time.Testing;

namespace FbTokens.AspNetCore.Tests.Framework;

/// <summary>
/// A minimal-API app on TestServer (https://localhost) with FbTokens (token manager, login URL builder) against the
/// in-memory emulator, a fake clock shared by both, every log at Trace captured, and a cookie-keeping client that does
/// not follow redirects.
/// </summary>
internal sealed class WebTestHost : IAsyncDisposable
{
    public static readonly DateTimeOffset Start = new(2026, 11, 1, 0, 0, 0, TimeSpan.Zero);

    private WebTestHost(FakeTimeProvider time, GraphTokenEmulator emulator, WebApplication app, CapturingLoggerProvider logs, CookieContainer cookies)
    {
        Time = time;
        Emulator = emulator;
        App = app;
        Logs = logs;
        Cookies = cookies;
        Client = new HttpClient(new CookieHandler(app.GetTestServer().CreateHandler(), cookies)) { BaseAddress = new Uri("https://localhost/") };
    }

    public FakeTimeProvider Time { get; }

    public GraphTokenEmulator Emulator { get; }

    public WebApplication App { get; }

    public CapturingLoggerProvider Logs { get; }

    public CookieContainer Cookies { get; }

    public HttpClient Client { get; }

    public IServiceProvider Services => App.Services;

    public IGraphTokenManager Manager => Services.GetRequiredService<IGraphTokenManager>();

    public ITokenStore Store => Services.GetRequiredService<ITokenStore>();

    public static async Task<WebTestHost> StartAsync(
        Action<WebApplication> map,
        Action<WebApplicationBuilder, GraphTokenEmulator>? configure = null,
        Action<IFbTokensBuilder>? fbTokens = null)
    {
        var time = new FakeTimeProvider(Start);
        var emulator = new GraphTokenEmulator(time);
        var logs = new CapturingLoggerProvider();
        var builder = WebApplication.CreateSlimBuilder(new WebApplicationOptions { EnvironmentName = "Production" });
        builder.WebHost.UseTestServer(o => o.BaseAddress = new Uri("https://localhost/"));
        builder.Logging.ClearProviders().SetMinimumLevel(LogLevel.Trace).AddProvider(logs);
        builder.Services.AddSingleton<TimeProvider>(time);
        builder.Services.AddDataProtection().UseEphemeralDataProtectionProvider();
        var fb = builder.Services.AddFbTokens(o => o.Resilience.MaxRetryAttempts = 0)
            .UseGraphTokenEmulator(emulator)
            .AddTokenManager()
            .AddFacebookLogin();
        fbTokens?.Invoke(fb);
        configure?.Invoke(builder, emulator);
        var app = builder.Build();
        map(app);
        await app.StartAsync();
        return new WebTestHost(time, emulator, app, logs, new CookieContainer());
    }

    public async ValueTask DisposeAsync()
    {
        Client.Dispose();
        await App.DisposeAsync();
        await Emulator.DisposeAsync();
    }
}
