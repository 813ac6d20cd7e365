using System.Collections.Concurrent;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using FbTokens.Internal;
using FbTokens.Tests.Framework;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Time.Testing;

namespace FbTokens.Testing.Tests;

/// <summary>
/// Two Facebook apps in one host against ONE emulator (issue 13): each app's client, manager, sweep and handler use only
/// that app's credentials, and every token that goes on the wire goes with its own app's <c>appsecret_proof</c>, as the
/// requests the emulator receives show.
/// </summary>
public sealed class MultiAppEmulatorTests : IAsyncDisposable
{
    private static readonly DateTimeOffset Start = new(2026, 3, 1, 12, 0, 0, TimeSpan.Zero);
    private static readonly Uri Redirect = new("https://app.example/callback");

    private readonly FakeTimeProvider _time = new(Start);
    private readonly GraphTokenEmulator _emulator;
    private readonly EmulatedApp _appA;
    private readonly EmulatedApp _appB;
    private readonly ConcurrentQueue<WireRecord> _wire = new();
    private readonly ServiceProvider _services;

    public MultiAppEmulatorTests()
    {
        // Both apps require appsecret_proof: a token sent with no proof, or another app's, fails on the emulator too.
        _emulator = new GraphTokenEmulator(_time, new GraphTokenEmulatorOptions { RequireAppSecretProof = true });
        _appA = _emulator.DefaultApp;
        _appB = _emulator.AddApp("App B", requireAppSecretProof: true);

        var services = new ServiceCollection();
        services.AddLogging();
        services.AddSingleton<TimeProvider>(_time);
        AddApp(services, "a", _appA);
        AddApp(services, "b", _appB);
        _services = services.BuildServiceProvider(new ServiceProviderOptions { ValidateOnBuild = true, ValidateScopes = true });
    }

    [Fact]
    public async Task Two_apps_share_one_emulator_and_one_store_without_mixing_tokens_proofs_or_sweeps()
    {
        var userA = _emulator.CreateTestUser(appId: _appA.AppId);
        var pagesA = _emulator.CreatePages(userA.Id, 2);
        var userB = _emulator.CreateTestUser(appId: _appB.AppId);
        var pageB = _emulator.CreatePage(userB.Id);
        var managerA = _services.GetRequiredKeyedService<IGraphTokenManager>("a");
        var managerB = _services.GetRequiredKeyedService<IGraphTokenManager>("b");

        // A token of app B is not app A's to keep: app A asks Graph whose it is, and refuses it. (Only this request, made
        // on purpose, carries another app's token; it carries no proof. The record of the wire starts after it.)
        await Assert.ThrowsAsync<ArgumentException>(() => managerA.SaveUserTokenAsync(userB.AccessToken));
        _wire.Clear();

        // The login of each app: its client spends its own code, its manager keeps the token and the page tokens.
        var loginA = await _services.GetRequiredKeyedService<IGraphTokenClient>("a").ExchangeCodeAsync(_emulator.CreateAuthorizationCode(userA.Id, Redirect), Redirect);
        var loginB = await _services.GetRequiredKeyedService<IGraphTokenClient>("b").ExchangeCodeAsync(_emulator.CreateAuthorizationCode(userB.Id, Redirect), Redirect);
        var savedA = await managerA.SaveUserTokenAsync(loginA.AccessToken, includePageTokens: true);
        var savedB = await managerB.SaveUserTokenAsync(loginB.AccessToken, includePageTokens: true);

        // Renewal exchanges each app's token with that app's credentials (the emulator answers 458 otherwise).
        var renewedA = await managerA.RefreshAsync(TokenKey.ForUser(userA.Id));
        var renewedB = await managerB.RefreshAsync(TokenKey.ForUser(userB.Id));

        Assert.Equal(TokenKey.ForUser(userA.Id, _appA.AppId), savedA.Key);
        Assert.Equal(TokenKey.ForUser(userB.Id, _appB.AppId), savedB.Key);
        Assert.Equal(_appA.AppId, _emulator.FindToken(renewedA.Value)!.AppId);
        Assert.Equal(_appB.AppId, _emulator.FindToken(renewedB.Value)!.AppId);
        Assert.Equal(_appB.AppId, _emulator.FindToken((await managerB.GetTokenAsync(TokenKey.ForPage(pageB.Id))).Value)!.AppId);

        // Each app's handler attaches its own page token, with its own proof, and the emulator accepts it.
        var factory = _services.GetRequiredService<IHttpClientFactory>();
        var me = new Uri(GraphTokenEmulator.InMemoryBaseAddress, FbTokensOptions.DefaultGraphApiVersion + "/me");
        using (var request = new HttpRequestMessage(HttpMethod.Get, me).WithGraphToken(TokenKey.ForPage(pagesA[0].Id)))
        using (var response = await factory.CreateClient("graph-a").SendAsync(request))
        {
            Assert.Contains(pagesA[0].Id, await response.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        }

        using (var request = new HttpRequestMessage(HttpMethod.Get, me).WithGraphToken(TokenKey.ForPage(pageB.Id)))
        using (var response = await factory.CreateClient("graph-b").SendAsync(request))
        {
            Assert.Contains(pageB.Id, await response.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        }

        // Each sweep checks its own tokens only: app B's user logged out, which app A's sweep must neither see nor report.
        _emulator.InvalidateUserTokens(userB.Id, TokenInvalidationReason.InvalidAccessToken);
        var sweepA = await _services.GetRequiredKeyedService<TokenSweeper>("a").SweepAsync(CancellationToken.None);
        var sweepB = await _services.GetRequiredKeyedService<TokenSweeper>("b").SweepAsync(CancellationToken.None);

        Assert.Equal((3, 0), (sweepA.Checked, sweepA.Invalid));
        Assert.Equal((2, 2), (sweepB.Checked, sweepB.Invalid));
        Assert.Empty(Observer("a").Reauthentication);
        Assert.Equal(2, Observer("b").Reauthentication.Count);
        Assert.All(Observer("b").Reauthentication, n => Assert.Equal(_appB.AppId, n.Key.AppId));

        AssertWireNeverMixesApps();
    }

    public async ValueTask DisposeAsync()
    {
        await _services.DisposeAsync();
        await _emulator.DisposeAsync();
    }

    private RecordingObserver Observer(string app) =>
        _services.GetKeyedServices<ITokenLifecycleObserver>(app).OfType<RecordingObserver>().Single();

    /// <summary>Every request: the caller's token, any input token and any app token are the sending app's; every proof is its own.</summary>
    private void AssertWireNeverMixesApps()
    {
        Assert.NotEmpty(_wire);
        var userTokens = 0;
        foreach (var record in _wire)
        {
            var app = record.App == "a" ? _appA : _appB;
            if (record.ClientId is not null)
            {
                Assert.Equal(app.AppId, record.ClientId);
            }

            foreach (var token in record.Tokens)
            {
                if (token.Contains('|', StringComparison.Ordinal))
                {
                    Assert.Equal(app.AppAccessToken, token);
                    continue;
                }

                Assert.Equal(app.AppId, _emulator.FindToken(token)!.AppId);
            }

            if (record.CallerToken is { } caller && !caller.Contains('|', StringComparison.Ordinal))
            {
                userTokens++;
                var proof = Convert.ToHexStringLower(HMACSHA256.HashData(Encoding.UTF8.GetBytes(app.AppSecret), Encoding.UTF8.GetBytes(caller)));
                Assert.Equal(proof, record.Proof);
            }
        }

        Assert.True(userTokens >= 4, "the test sent user and page tokens for both apps");
    }

    private void AddApp(IServiceCollection services, string name, EmulatedApp app)
    {
        var builder = services.AddFbTokens(name, o =>
            {
                o.AppId = app.AppId;
                o.AppSecret = app.AppSecret;
                o.Resilience.BaseDelay = TimeSpan.Zero;
                o.Resilience.UseJitter = false;
            })
            .UseGraphTokenEmulator(_emulator)
            .AddTokenValidationSweep(o => o.RefreshJitter = TimeSpan.Zero)
            .AddTokenLifecycleObserver<RecordingObserver>();
        builder.HttpClientBuilder.AddHttpMessageHandler(() => new WireRecorder(name, _wire));
        services.AddHttpClient("graph-" + name)
            .AddGraphAccessTokenHandler(appName: name)
            .AddHttpMessageHandler(() => new WireRecorder(name, _wire))
            .ConfigurePrimaryHttpMessageHandler(_emulator.CreateHttpMessageHandler);
    }

    private sealed record WireRecord(string App, string? CallerToken, string? Proof, string? ClientId, IReadOnlyList<string> Tokens);

    /// <summary>Writes down what each request of one app carries, just before the emulator receives it.</summary>
    private sealed class WireRecorder(string app, ConcurrentQueue<WireRecord> wire) : DelegatingHandler
    {
        protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
        {
            var query = Parse(request.RequestUri!.Query.TrimStart('?'));
            var form = request.Content is null ? new Dictionary<string, string>() : Parse(await request.Content.ReadAsStringAsync(cancellationToken));
            var caller = request.Headers.Authorization?.Parameter ?? form.GetValueOrDefault("access_token") ?? query.GetValueOrDefault("access_token");
            var tokens = new List<string>();
            foreach (var token in new[] { caller, query.GetValueOrDefault("input_token"), form.GetValueOrDefault("fb_exchange_token") })
            {
                if (token is not null)
                {
                    tokens.Add(token);
                }
            }

            if (form.TryGetValue("batch", out var batch))
            {
                using var operations = JsonDocument.Parse(batch);
                foreach (var operation in operations.RootElement.EnumerateArray())
                {
                    var url = operation.GetProperty("relative_url").GetString()!;
                    tokens.Add(Uri.UnescapeDataString(url[(url.IndexOf("input_token=", StringComparison.Ordinal) + "input_token=".Length)..]));
                }
            }

            wire.Enqueue(new WireRecord(app, caller, query.GetValueOrDefault("appsecret_proof"), form.GetValueOrDefault("client_id"), tokens));
            return await base.SendAsync(request, cancellationToken);
        }

        private static Dictionary<string, string> Parse(string text)
        {
            var result = new Dictionary<string, string>(StringComparer.Ordinal);
            foreach (var pair in text.Split('&', StringSplitOptions.RemoveEmptyEntries))
            {
                var eq = pair.IndexOf('=', StringComparison.Ordinal);
                if (eq > 0)
                {
                    result[Uri.UnescapeDataString(pair[..eq].Replace('+', ' '))] = Uri.UnescapeDataString(pair[(eq + 1)..].Replace('+', ' '));
                }
            }

            return result;
        }
    }
}
