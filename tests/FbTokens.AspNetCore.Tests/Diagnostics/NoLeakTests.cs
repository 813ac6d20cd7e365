using System.Collections.Concurrent;
using System.Net;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using System.Text.RegularExpressions;
using FbTokens.AspNetCore.Tests.Framework;
using FbTokens.Testing;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Authentication.Cookies;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.WebUtilities;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace FbTokens.AspNetCore.Tests.Diagnostics;

/// <summary>
/// Every new endpoint, on success and on failure, with every log category at Trace: no log line (message or exception)
/// holds the app secret, a token, a login code, a state value, an appsecret_proof or a signed request, in any encoding.
/// </summary>
public sealed partial class NoLeakTests
{
    /// <summary>
    /// ASP.NET Core's own request log ("Request starting … ?code=…&amp;state=…", Information) prints every request's query
    /// string, so a login callback's code reaches it whatever a library does; the web templates set Microsoft.AspNetCore to
    /// Warning, and docs/aspnetcore.md says to keep it there. It is the one category left out here.
    /// </summary>
    private const string HostingCategory = "Microsoft.AspNetCore.Hosting.Diagnostics";

    private sealed class CategoryLogs : ILoggerProvider
    {
        public ConcurrentQueue<(string Category, LogLevel Level, string Text)> Entries { get; } = new();

        public ILogger CreateLogger(string categoryName) => new Logger(this, categoryName);

        public void Dispose()
        {
        }

        private sealed class Logger(CategoryLogs owner, string category) : ILogger
        {
            public IDisposable? BeginScope<TState>(TState state)
                where TState : notnull => null;

            public bool IsEnabled(LogLevel logLevel) => true;

            public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter) =>
                owner.Entries.Enqueue((category, logLevel, formatter(state, exception) + " " + exception));
        }
    }

    /// <summary>Sees every Graph answer, to collect the tokens Graph handed out.</summary>
    private sealed partial class TokenHarvester : DelegatingHandler
    {
        private readonly ConcurrentBag<string> secrets;

        public TokenHarvester(ConcurrentBag<string> secrets) => this.secrets = secrets;

        public TokenHarvester(HttpMessageHandler inner, ConcurrentBag<string> secrets)
            : base(inner) => this.secrets = secrets;

        protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
        {
            var response = await base.SendAsync(request, cancellationToken);
            if (response.Content is not null)
            {
                await response.Content.LoadIntoBufferAsync(cancellationToken);
                var body = await response.Content.ReadAsStringAsync(cancellationToken);
                foreach (Match m in AccessToken().Matches(body))
                {
                    secrets.Add(Regex.Unescape(m.Groups[1].Value));
                }
            }

            return response;
        }

        [GeneratedRegex("\"access_token\"\\s*:\\s*\"([^\"]+)\"")]
        private static partial Regex AccessToken();
    }

    [Fact]
    public async Task No_secret_reaches_any_log_line_through_any_endpoint()
    {
        var secrets = new ConcurrentBag<string>();
        var logs = new CategoryLogs();
        await using var host = await WebTestHost.StartAsync(
            app =>
            {
                app.UseAuthentication();
                app.MapGet("/challenge", () => Results.Challenge(new AuthenticationProperties { RedirectUri = "/" }, ["facebook"]));
                app.MapFacebookLogin("/login/facebook", o => o.SignInScheme = CookieAuthenticationDefaults.AuthenticationScheme);
                app.MapGet("/graph/me", async (IHttpClientFactory factory) =>
                {
                    using var response = await factory.CreateClient("graph").GetAsync("me");
                    return Results.StatusCode((int)response.StatusCode);
                });
                app.MapGet("/token", async Task<string> (HttpContext http) => (await http.GetFacebookUserTokenAsync()).ToString());
                app.MapFacebookDeauthorizeCallback("/facebook/deauthorize");
                app.MapFacebookDataDeletionCallback("/facebook/data-deletion", "/facebook/data-deletion/status");
            },
            (builder, emulator) =>
            {
                builder.Logging.AddProvider(logs);
                builder.Services.AddAuthentication(CookieAuthenticationDefaults.AuthenticationScheme)
                    .AddCookie()
                    .AddOAuth("facebook", o =>
                    {
                        o.ClientId = emulator.DefaultApp.AppId;
                        o.ClientSecret = emulator.DefaultApp.AppSecret;
                        o.AuthorizationEndpoint = $"https://www.facebook.com/{FbTokensOptions.DefaultGraphApiVersion}/dialog/oauth";
                        o.TokenEndpoint = new Uri(GraphTokenEmulator.InMemoryBaseAddress, $"{FbTokensOptions.DefaultGraphApiVersion}/oauth/access_token").AbsoluteUri;
                        o.CallbackPath = "/signin-facebook";
                        o.BackchannelHttpHandler = new TokenHarvester(emulator.CreateHttpMessageHandler(), secrets);
                        o.SaveFbTokens(includePageTokens: true);
                        o.Events.OnRemoteFailure = ctx =>
                        {
                            ctx.Response.StatusCode = 403;
                            ctx.HandleResponse();
                            return Task.CompletedTask;
                        };
                    });
                builder.Services.AddHttpClient("graph", c => c.BaseAddress = new Uri(GraphTokenEmulator.InMemoryBaseAddress, FbTokensOptions.DefaultGraphApiVersion + "/"))
                    .AddFacebookUserAccessTokenHandler()
                    .ConfigurePrimaryHttpMessageHandler(emulator.CreateHttpMessageHandler);
            },
            fb => fb.HttpClientBuilder.AddHttpMessageHandler(() => new TokenHarvester(secrets)));
        var emulator = host.Emulator;
        secrets.Add(emulator.DefaultApp.AppSecret);
        var user = emulator.CreateTestUser();
        emulator.CreatePages(user.Id, 2);

        // MapFacebookLogin: success, then every kind of failure.
        var started = await LoginFlow.StartAsync(host);
        var code = emulator.CreateAuthorizationCode(user.Id, started.RedirectUri);
        secrets.Add(code);
        secrets.Add(started.State);
        await LoginFlow.CallbackAsync(host, started, code);
        var reused = await LoginFlow.StartAsync(host);
        secrets.Add(reused.State);
        await LoginFlow.CallbackAsync(host, reused, code);
        var declined = await LoginFlow.StartAsync(host);
        secrets.Add(declined.State);
        await host.Client.GetAsync($"{declined.RedirectUri.AbsolutePath}?error=access_denied&state={Uri.EscapeDataString(declined.State)}");
        var forged = await LoginFlow.StartAsync(host);
        var forgedCode = emulator.CreateAuthorizationCode(user.Id, forged.RedirectUri);
        secrets.Add(forgedCode);
        await host.Client.GetAsync($"{forged.RedirectUri.AbsolutePath}?code={forgedCode}&state=forged-{forged.State}");
        var outage = await LoginFlow.StartAsync(host);
        var outageCode = emulator.CreateAuthorizationCode(user.Id, outage.RedirectUri);
        secrets.Add(outageCode);
        secrets.Add(outage.State);
        emulator.Faults.FailNext(5, EmulatorFault.ServiceUnavailable);
        await LoginFlow.CallbackAsync(host, outage, outageCode);
        emulator.Faults.Clear();

        // The signed-in user's token and the HttpClient handler.
        await host.Client.GetStringAsync("/token");
        await host.Client.GetAsync("/graph/me");

        // The sign-in bridge: success, then a Graph outage while saving.
        foreach (var fail in new[] { false, true })
        {
            var challenge = await host.Client.GetAsync("/challenge");
            var query = QueryHelpers.ParseQuery(challenge.Headers.Location!.Query);
            var redirect = new Uri(query["redirect_uri"].ToString());
            var bridgeCode = emulator.CreateAuthorizationCode(user.Id, redirect);
            secrets.Add(bridgeCode); // the handler's own state (protected properties) is ASP.NET Core's, which logs it at Debug
            if (fail)
            {
                emulator.Faults.FailNext(5, EmulatorFault.ServiceUnavailable, GraphEndpoint.DebugToken);
            }

            await host.Client.GetAsync($"{redirect.AbsolutePath}?code={Uri.EscapeDataString(bridgeCode)}&state={Uri.EscapeDataString(query["state"].ToString())}");
            emulator.Faults.Clear();
        }

        // The callbacks: good and bad signed requests.
        var now = host.Time.GetUtcNow();
        foreach (var signed in new[]
        {
            SignedRequests.Create(emulator.DefaultApp.AppSecret, user.Id, now),
            SignedRequests.Create("wrong-secret", user.Id, now),
            SignedRequests.Create(emulator.DefaultApp.AppSecret, user.Id, now.AddHours(-3)),
        })
        {
            secrets.Add(signed);
            secrets.Add(signed.Split('.')[0]);
            secrets.Add(signed.Split('.')[1]);
            await host.Client.PostAsync("/facebook/deauthorize", SignedRequests.Form(signed));
            await host.Client.PostAsync("/facebook/data-deletion", SignedRequests.Form(signed));
        }

        foreach (var token in (await AllStoredTokenValuesAsync(host)).Concat(secrets.ToArray()).ToArray())
        {
            secrets.Add(token);
            secrets.Add(Proof(token, emulator.DefaultApp.AppSecret));
        }

        var forms = secrets.Where(s => s.Length >= 8).SelectMany(Forms).Distinct().ToArray();
        // The app secret, 6 login codes, 5 states, 3 signed requests (and their parts), the short- and long-lived user
        // tokens Graph handed out, 2 page tokens, and the proofs of every token.
        Assert.True(secrets.Distinct().Count() >= 25, $"the test collected too few secrets to mean anything: {secrets.Distinct().Count()}");
        var ours = logs.Entries.Where(e => e.Category.StartsWith("FbTokens", StringComparison.Ordinal)).ToArray();
        Assert.Contains(ours, e => e.Text.Contains("Facebook Login failed", StringComparison.Ordinal));
        Assert.Contains(ours, e => e.Text.Contains("removed the app", StringComparison.Ordinal));
        foreach (var (category, level, text) in logs.Entries.Where(e => e.Category != HostingCategory))
        {
            foreach (var secret in forms)
            {
                Assert.False(text.Contains(secret, StringComparison.Ordinal), $"{category} ({level}) logged a secret: {text}");
            }
        }
    }

    private static async Task<List<string>> AllStoredTokenValuesAsync(WebTestHost host)
    {
        var values = new List<string>();
        foreach (var kind in new[] { TokenKind.User, TokenKind.Page })
        {
            await foreach (var token in host.Store.ListAsync(kind))
            {
                values.Add(token.Value);
            }
        }

        return values;
    }

    private static string Proof(string token, string secret) =>
        Convert.ToHexString(HMACSHA256.HashData(Encoding.UTF8.GetBytes(secret), Encoding.UTF8.GetBytes(token))).ToLowerInvariant();

    private static IEnumerable<string> Forms(string secret)
    {
        yield return secret;
        yield return Uri.EscapeDataString(secret);
        yield return WebUtility.UrlEncode(secret);
        yield return JsonSerializer.Serialize(secret)[1..^1];
    }
}
