using FbTokens.Internal;
using FbTokens.Tests.Framework;
using Microsoft.AspNetCore.DataProtection;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;
using Microsoft.Extensions.Time.Testing;

namespace FbTokens.Tests.DependencyInjection;

/// <summary>
/// Several Facebook apps in one host (issue 13): each named app has its own keyed client, manager, sweep, login builder,
/// handler, options, HttpClient and pipeline state; one shared store keeps their tokens apart by <see cref="TokenKey.AppId"/>;
/// and the unnamed registration works as before beside them.
/// </summary>
public sealed class MultiAppTests
{
    private const string AId = "1001001001";
    private const string ASecret = "secret-of-app-a-0123456789abcdef";
    private const string BId = "2002002002";
    private const string BSecret = "secret-of-app-b-0123456789abcdef";
    private static readonly Uri GraphBase = new("http://graph.test/");
    private static readonly string Me = $"http://graph.test/{FbTokensOptions.DefaultGraphApiVersion}/me";

    [Fact]
    public async Task Each_named_app_resolves_its_own_keyed_services()
    {
        await using var host = new TwoAppHost(build: (a, b) =>
        {
            a.AddTokenValidationSweep().AddFacebookLogin();
            b.AddTokenValidationSweep().AddFacebookLogin();
        });
        host.Collection.AddSingleton<KeyedConsumer>();
        await using var provider = host.Build();

        var consumer = provider.GetRequiredService<KeyedConsumer>();

        Assert.NotSame(consumer.ClientA, consumer.ClientB);
        Assert.NotSame(consumer.ManagerA, consumer.ManagerB);
        Assert.NotSame(consumer.LoginA, consumer.LoginB);
        Assert.NotSame(consumer.UsageA, consumer.UsageB);
        Assert.Equal(2, provider.GetServices<IHostedService>().OfType<TokenValidationService>().Count());
        // Each app's circuit breaker lives in its own Polly pipeline, keyed by its HttpClient's name (FbTokens:a, FbTokens:b).
        Assert.NotSame(provider.GetRequiredKeyedService<GraphUsageThrottle>("a"), provider.GetRequiredKeyedService<GraphUsageThrottle>("b"));
        Assert.Null(provider.GetService<IGraphTokenClient>());
        Assert.Null(provider.GetService<IGraphTokenManager>());
    }

    [Fact]
    public async Task The_same_user_in_two_apps_is_stored_apart_and_every_request_carries_its_own_apps_credentials_and_proof()
    {
        await using var host = new TwoAppHost();
        await using var provider = host.Build();
        var managerA = provider.GetRequiredKeyedService<IGraphTokenManager>("a");
        var managerB = provider.GetRequiredKeyedService<IGraphTokenManager>("b");

        var userA = await managerA.SaveUserTokenAsync(host.GraphA.UserToken("1001"), includePageTokens: true);
        var userB = await managerB.SaveUserTokenAsync(host.GraphB.UserToken("1001"), includePageTokens: true);
        var refreshedA = await managerA.RefreshAsync(TokenKey.ForUser("1001"));
        var refreshedB = await managerB.RefreshAsync(TokenKey.ForUser("1001"));
        var pageA = await managerA.GetTokenAsync(TokenKey.ForPage("3001"));
        var pageB = await managerB.GetTokenAsync(TokenKey.ForPage("3001"));

        Assert.Equal(TokenKey.ForUser("1001", AId), userA.Key);
        Assert.Equal(TokenKey.ForUser("1001", BId), userB.Key);
        Assert.StartsWith("EAABarenewed", refreshedA.Value, StringComparison.Ordinal);
        Assert.StartsWith("EAABbrenewed", refreshedB.Value, StringComparison.Ordinal);
        Assert.Equal(host.GraphA.PageToken("3001"), pageA.Value);
        Assert.Equal(host.GraphB.PageToken("3001"), pageB.Value);
        Assert.Equal(TokenKey.ForPage("3001", AId), pageA.Key);
        var stored = new List<TokenKey>();
        await foreach (var token in provider.GetRequiredService<ITokenStore>().ListAsync(kind: null))
        {
            stored.Add(token.Key);
        }

        Assert.Equal(4, stored.Count);
        Assert.All(stored, k => Assert.NotNull(k.AppId));
        Assert.Empty(host.GraphA.Problems);
        Assert.Empty(host.GraphB.Problems);
        Assert.All(host.GraphA.TokensSeen, t => Assert.StartsWith("EAABa", t, StringComparison.Ordinal));
        Assert.All(host.GraphB.TokensSeen, t => Assert.StartsWith("EAABb", t, StringComparison.Ordinal));
    }

    [Fact]
    public async Task The_handler_of_each_app_attaches_that_apps_token_with_that_apps_proof()
    {
        await using var host = new TwoAppHost();
        host.Collection.AddHttpClient("graph-a").AddGraphAccessTokenHandler(appName: "a").ConfigurePrimaryHttpMessageHandler(() => host.GraphA);
        host.Collection.AddHttpClient("graph-b").AddGraphAccessTokenHandler(TokenKey.ForPage("3001"), appName: "b").ConfigurePrimaryHttpMessageHandler(() => host.GraphB);
        await using var provider = host.Build();
        await provider.GetRequiredKeyedService<IGraphTokenManager>("a").SaveUserTokenAsync(host.GraphA.UserToken("1001"), includePageTokens: true);
        await provider.GetRequiredKeyedService<IGraphTokenManager>("b").SaveUserTokenAsync(host.GraphB.UserToken("1001"), includePageTokens: true);
        var factory = provider.GetRequiredService<IHttpClientFactory>();
        host.GraphA.TokensSeen.Clear();
        host.GraphB.TokensSeen.Clear();

        using var requestA = new HttpRequestMessage(HttpMethod.Get, Me).WithGraphToken(TokenKey.ForPage("3001"));
        using var responseA = await factory.CreateClient("graph-a").SendAsync(requestA);
        using var responseB = await factory.CreateClient("graph-b").GetAsync(new Uri(Me));

        Assert.True(responseA.IsSuccessStatusCode);
        Assert.True(responseB.IsSuccessStatusCode);
        Assert.Equal(new[] { host.GraphA.PageToken("3001") }, host.GraphA.TokensSeen);
        Assert.Equal(new[] { host.GraphB.PageToken("3001") }, host.GraphB.TokensSeen);
        Assert.Empty(host.GraphA.Problems);
        Assert.Empty(host.GraphB.Problems);
    }

    [Fact]
    public async Task The_handler_of_a_named_app_without_its_manager_says_what_to_register()
    {
        var services = new ServiceCollection();
        services.AddLogging();
        services.AddFbTokens(o => { o.AppId = "1"; o.AppSecret = "secret"; }).AddTokenManager();
        services.AddFbTokens("a", o => { o.AppId = "2"; o.AppSecret = "secret"; });
        services.AddHttpClient("graph").AddGraphAccessTokenHandler(appName: "a");
        await using var provider = services.BuildServiceProvider();

        var ex = Assert.Throws<InvalidOperationException>(() => provider.GetRequiredService<IHttpClientFactory>().CreateClient("graph"));

        Assert.Contains("AddFbTokens(\"a\", ...).AddTokenManager()", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Each_apps_sweep_checks_only_its_own_tokens_with_its_own_app_token()
    {
        await using var host = new TwoAppHost(build: (a, b) =>
        {
            a.AddTokenValidationSweep();
            b.AddTokenValidationSweep();
        });
        await using var provider = host.Build();
        await provider.GetRequiredKeyedService<IGraphTokenManager>("a").SaveUserTokenAsync(host.GraphA.UserToken("1001"), includePageTokens: true);
        await provider.GetRequiredKeyedService<IGraphTokenManager>("b").SaveUserTokenAsync(host.GraphB.UserToken("1001"), includePageTokens: true);
        await provider.GetRequiredKeyedService<IGraphTokenManager>("b").SaveUserTokenAsync(host.GraphB.UserToken("1002"));

        var sweepA = await provider.GetRequiredKeyedService<TokenSweeper>("a").SweepAsync(CancellationToken.None);

        Assert.Equal(2, sweepA.Checked);
        Assert.Equal(0, sweepA.Invalid);
        Assert.Equal(1, host.GraphA.BatchRequests);
        Assert.Equal(0, host.GraphB.BatchRequests);

        var sweepB = await provider.GetRequiredKeyedService<TokenSweeper>("b").SweepAsync(CancellationToken.None);

        Assert.Equal(3, sweepB.Checked);
        Assert.Equal(0, sweepB.Invalid);
        Assert.Equal(1, host.GraphB.BatchRequests);
        Assert.Empty(host.GraphA.Problems);
        Assert.Empty(host.GraphB.Problems);
    }

    [Fact]
    public async Task The_unnamed_sweep_leaves_the_named_apps_tokens_alone()
    {
        var unnamed = new AppGraph(LifecycleHost.AppId, LifecycleHost.AppSecret, "u");
        await using var host = new TwoAppHost(unnamed: builder => builder.AddTokenValidationSweep(), unnamedGraph: unnamed, build: (a, _) => a.AddTokenValidationSweep());
        await using var provider = host.Build();
        await provider.GetRequiredKeyedService<IGraphTokenManager>("a").SaveUserTokenAsync(host.GraphA.UserToken("1001"));
        await provider.GetRequiredService<IGraphTokenManager>().SaveUserTokenAsync(unnamed.UserToken("1001"));

        var sweep = await provider.GetRequiredService<TokenSweeper>().SweepAsync(CancellationToken.None);

        Assert.Equal(1, sweep.Checked);
        Assert.Equal(0, host.GraphA.BatchRequests);
        Assert.Empty(unnamed.Problems);
        Assert.Null((await provider.GetRequiredService<IGraphTokenManager>().GetTokenAsync(TokenKey.ForUser("1001"))).Key.AppId);
    }

    [Fact]
    public async Task A_named_app_invalidates_and_removes_only_its_own_tokens_of_a_person()
    {
        await using var host = new TwoAppHost();
        await using var provider = host.Build();
        var managerA = provider.GetRequiredKeyedService<IGraphTokenManager>("a");
        var managerB = provider.GetRequiredKeyedService<IGraphTokenManager>("b");
        var savedA = await managerA.SaveUserTokenAsync(host.GraphA.UserToken("1001"));
        var savedB = await managerB.SaveUserTokenAsync(host.GraphB.UserToken("1001"));

        var turned = await managerA.InvalidateUserAsync("1001", TokenErrorReason.AppNotInstalled);
        var removed = await managerB.RemoveUserTokensAsync("1001");

        Assert.Equal([savedA.Key], turned);
        Assert.Equal([savedB.Key], removed);
        var store = provider.GetRequiredService<ITokenStore>();
        Assert.Equal(TokenStatus.Invalid, (await store.GetAsync(savedA.Key))!.Status);
        Assert.Null(await store.GetAsync(savedB.Key));
        await Assert.ThrowsAsync<ArgumentException>(() => managerA.InvalidateUserAsync("1001", TokenErrorReason.AppNotInstalled, BId));
    }

    [Fact]
    public async Task The_unnamed_registration_works_unchanged_beside_named_apps()
    {
        var unnamed = new AppGraph(LifecycleHost.AppId, LifecycleHost.AppSecret, "u");
        IFbTokensBuilder? unnamedBuilder = null;
        IFbTokensBuilder? builderA = null;
        await using var host = new TwoAppHost(unnamed: b => unnamedBuilder = b, unnamedGraph: unnamed, build: (a, _) => builderA = a);
        await using var provider = host.Build();

        var client = provider.GetRequiredService<IGraphTokenClient>();
        var debug = await client.DebugTokenAsync(unnamed.UserToken("1001"));
        var saved = await provider.GetRequiredService<IGraphTokenManager>().SaveUserTokenAsync(unnamed.UserToken("1001"));

        Assert.Equal(LifecycleHost.AppId, debug.AppId);
        Assert.Equal(TokenKey.ForUser("1001"), saved.Key);
        Assert.Null(unnamedBuilder!.AppName);
        Assert.Equal(FbTokensServiceCollectionExtensions.HttpClientName, unnamedBuilder.HttpClientBuilder.Name);
        Assert.Equal("a", builderA!.AppName);
        Assert.Equal("FbTokens:a", builderA.HttpClientBuilder.Name);
        Assert.Equal(LifecycleHost.AppId, provider.GetRequiredService<IOptions<FbTokensOptions>>().Value.AppId);
        Assert.Empty(unnamed.Problems);
        Assert.Equal(0, host.GraphA.Requests);
    }

    [Fact]
    public async Task A_named_app_with_its_own_store_keeps_its_tokens_there()
    {
        await using var host = new TwoAppHost(build: (_, b) => b.UseTokenStore<CountingTokenStore>());
        await using var provider = host.Build();

        await provider.GetRequiredKeyedService<IGraphTokenManager>("a").SaveUserTokenAsync(host.GraphA.UserToken("1001"));
        await provider.GetRequiredKeyedService<IGraphTokenManager>("b").SaveUserTokenAsync(host.GraphB.UserToken("1001"));

        var shared = provider.GetRequiredService<ITokenStore>();
        var own = provider.GetRequiredKeyedService<ITokenStore>("b");
        Assert.NotSame(shared, own);
        Assert.Equal(host.GraphA.UserToken("1001"), (await shared.GetAsync(TokenKey.ForUser("1001", AId)))!.Value);
        Assert.Null(await shared.GetAsync(TokenKey.ForUser("1001", BId)));
        Assert.Equal(host.GraphB.UserToken("1001"), (await own.GetAsync(TokenKey.ForUser("1001", BId)))!.Value);
    }

    [Fact]
    public async Task A_named_app_can_protect_its_tokens_in_the_shared_store_without_touching_the_other_apps()
    {
        await using var host = new TwoAppHost(build: (_, b) => b.ProtectTokensWithDataProtection());
        host.Collection.AddDataProtection();
        await using var provider = host.Build();

        await provider.GetRequiredKeyedService<IGraphTokenManager>("a").SaveUserTokenAsync(host.GraphA.UserToken("1001"));
        await provider.GetRequiredKeyedService<IGraphTokenManager>("b").SaveUserTokenAsync(host.GraphB.UserToken("1001"));

        var shared = provider.GetRequiredService<ITokenStore>();
        Assert.IsType<InMemoryTokenStore>(shared);
        Assert.Equal(host.GraphA.UserToken("1001"), (await shared.GetAsync(TokenKey.ForUser("1001", AId)))!.Value);
        Assert.NotEqual(host.GraphB.UserToken("1001"), (await shared.GetAsync(TokenKey.ForUser("1001", BId)))!.Value);
        Assert.Equal(host.GraphB.UserToken("1001"), (await provider.GetRequiredKeyedService<IGraphTokenManager>("b").GetTokenAsync(TokenKey.ForUser("1001"))).Value);
    }

    [Fact]
    public async Task A_named_app_can_protect_its_own_store()
    {
        await using var host = new TwoAppHost(build: (_, b) => b.UseTokenStore<CountingTokenStore>().ProtectTokensWithDataProtection().ProtectTokensWithDataProtection());
        host.Collection.AddDataProtection();
        await using var provider = host.Build();

        await provider.GetRequiredKeyedService<IGraphTokenManager>("b").SaveUserTokenAsync(host.GraphB.UserToken("1001"));

        var own = Assert.IsType<DataProtectedTokenStore>(provider.GetRequiredKeyedService<ITokenStore>("b"));
        var inner = Assert.IsType<CountingTokenStore>(own.Inner);
        Assert.NotEqual(host.GraphB.UserToken("1001"), (await inner.GetAsync(TokenKey.ForUser("1001", BId)))!.Value);
        Assert.Equal(host.GraphB.UserToken("1001"), (await own.GetAsync(TokenKey.ForUser("1001", BId)))!.Value);
    }

    [Fact]
    public async Task Resilience_settings_and_usage_are_each_apps_own()
    {
        await using var host = new TwoAppHost(build: (a, _) => a.ConfigureResilience(r => r.MaxRetryAttempts = 7));
        host.GraphA.AppUsageHeader = """{"call_count":42,"total_cputime":1,"total_time":1}""";
        await using var provider = host.Build();
        var monitor = provider.GetRequiredService<IOptionsMonitor<FbTokensOptions>>();

        await provider.GetRequiredKeyedService<IGraphTokenClient>("a").DebugTokenAsync(host.GraphA.UserToken("1001"));
        await provider.GetRequiredKeyedService<IGraphTokenClient>("b").DebugTokenAsync(host.GraphB.UserToken("1001"));

        Assert.Equal(7, monitor.Get("a").Resilience.MaxRetryAttempts);
        Assert.Equal(0, monitor.Get("b").Resilience.MaxRetryAttempts);
        Assert.NotNull(provider.GetRequiredKeyedService<IGraphUsageMonitor>("a").Current);
        Assert.Null(provider.GetRequiredKeyedService<IGraphUsageMonitor>("b").Current);
    }

    [Fact]
    public async Task Each_apps_login_builder_uses_its_own_app_id()
    {
        await using var host = new TwoAppHost(build: (a, b) =>
        {
            a.AddFacebookLogin();
            b.AddFacebookLogin(o => o.StateLifetime = TimeSpan.FromMinutes(3));
        });
        await using var provider = host.Build();
        var request = new FacebookLoginRequest(new Uri("https://app.example/callback"));

        var urlA = provider.GetRequiredKeyedService<IFacebookLoginUrlBuilder>("a").Build(request);
        var urlB = provider.GetRequiredKeyedService<IFacebookLoginUrlBuilder>("b").Build(request);

        Assert.Contains("client_id=" + AId, urlA.Url.Query, StringComparison.Ordinal);
        Assert.Contains("client_id=" + BId, urlB.Url.Query, StringComparison.Ordinal);
        Assert.Equal(TimeSpan.FromMinutes(3), provider.GetRequiredService<IOptionsMonitor<FacebookLoginOptions>>().Get("b").StateLifetime);
    }

    [Fact]
    public async Task Each_apps_observers_hear_only_that_apps_notices()
    {
        await using var host = new TwoAppHost(build: (a, _) => a.AddTokenLifecycleObserver<RecordingObserver>());
        await using var provider = host.Build();
        var managerB = provider.GetRequiredKeyedService<IGraphTokenManager>("b");
        var managerA = provider.GetRequiredKeyedService<IGraphTokenManager>("a");
        await managerA.SaveUserTokenAsync(host.GraphA.UserToken("1001"));
        await managerB.SaveUserTokenAsync(host.GraphB.UserToken("1001"));

        await managerB.MarkInvalidAsync(TokenKey.ForUser("1001"), TokenErrorReason.PasswordChanged);
        var observer = provider.GetKeyedServices<ITokenLifecycleObserver>("a").OfType<RecordingObserver>().Single();
        Assert.Empty(observer.Reauthentication);

        await managerA.MarkInvalidAsync(TokenKey.ForUser("1001"), TokenErrorReason.PasswordChanged);
        Assert.Equal(TokenKey.ForUser("1001", AId), Assert.Single(observer.Reauthentication).Key);
        Assert.Empty(provider.GetServices<ITokenLifecycleObserver>());
    }

    [Fact]
    public async Task A_manager_refuses_a_key_of_another_app()
    {
        await using var host = new TwoAppHost();
        await using var provider = host.Build();

        var ex = await Assert.ThrowsAsync<ArgumentException>(async () =>
            await provider.GetRequiredKeyedService<IGraphTokenManager>("a").GetTokenAsync(TokenKey.ForUser("1001", BId)));

        Assert.Equal("key", ex.ParamName);
        Assert.Equal(0, host.GraphA.Requests);
    }

    [Fact]
    public async Task Named_options_bind_from_FbTokens_Apps_name_with_their_features_sections()
    {
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["FbTokens:AppId"] = "999",
            ["FbTokens:Apps:a:AppId"] = AId,
            ["FbTokens:Apps:a:AppSecret"] = ASecret,
            ["FbTokens:Apps:a:GraphApiVersion"] = "v23.0",
            ["FbTokens:Apps:a:Resilience:MaxRetryAttempts"] = "5",
            ["FbTokens:Apps:a:TokenManager:SweepBatchSize"] = "20",
            ["FbTokens:Apps:a:Login:StateLifetime"] = "00:04:00",
            ["FbTokens:Apps:b:AppId"] = BId,
        }).Build();
        var services = new ServiceCollection();
        services.AddLogging();
        services.AddFbTokens("a", configuration.GetSection("FbTokens")).AddTokenManager().AddFacebookLogin();
        services.AddFbTokens("b", configuration.GetSection("FbTokens"));
        await using var provider = services.BuildServiceProvider();

        var a = provider.GetRequiredService<IOptionsMonitor<FbTokensOptions>>().Get("a");
        Assert.Equal(AId, a.AppId);
        Assert.Equal(ASecret, a.AppSecret);
        Assert.Equal("v23.0", a.GraphApiVersion);
        Assert.Equal(5, a.Resilience.MaxRetryAttempts);
        Assert.Equal(20, provider.GetRequiredService<IOptionsMonitor<TokenManagerOptions>>().Get("a").SweepBatchSize);
        Assert.Equal(TimeSpan.FromMinutes(4), provider.GetRequiredService<IOptionsMonitor<FacebookLoginOptions>>().Get("a").StateLifetime);
        Assert.Equal(BId, provider.GetRequiredService<IOptionsMonitor<FbTokensOptions>>().Get("b").AppId);
        Assert.Null(provider.GetRequiredService<IOptionsMonitor<FbTokensOptions>>().Get("b").AppSecret);
    }

    [Fact]
    public async Task Validation_of_a_named_app_names_its_keys_under_FbTokens_Apps_name()
    {
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["FbTokens:Apps:a:AppId"] = "not-digits",
            ["FbTokens:Apps:a:TokenManager:SweepBatchSize"] = "51",
        }).Build();
        var services = new ServiceCollection();
        services.AddLogging();
        services.AddFbTokens("a", configuration.GetSection("FbTokens")).AddTokenManager();
        services.AddFbTokens("b", o => o.AppId = "x");
        await using var provider = services.BuildServiceProvider();
        var options = provider.GetRequiredService<IOptionsMonitor<FbTokensOptions>>();

        var a = Assert.Throws<OptionsValidationException>(() => options.Get("a"));
        var manager = Assert.Throws<OptionsValidationException>(() => provider.GetRequiredService<IOptionsMonitor<TokenManagerOptions>>().Get("a"));
        var b = Assert.Throws<OptionsValidationException>(() => options.Get("b"));

        Assert.Contains(a.Failures, f => f.StartsWith("FbTokens:Apps:a:AppId ", StringComparison.Ordinal));
        Assert.Contains(a.Failures, f => f.StartsWith("FbTokens:Apps:a:AppSecret is required by the token manager", StringComparison.Ordinal));
        Assert.Contains(manager.Failures, f => f.StartsWith("FbTokens:Apps:a:TokenManager:SweepBatchSize ", StringComparison.Ordinal));
        Assert.Contains(b.Failures, f => f.StartsWith("FbTokens:Apps:b:AppId ", StringComparison.Ordinal));

        // The manager's need for a secret is app b's only once app b registers the manager.
        Assert.DoesNotContain(b.Failures, f => f.Contains("AppSecret", StringComparison.Ordinal));
    }

    [Fact]
    public async Task A_named_apps_manager_does_not_make_the_unnamed_client_need_a_secret()
    {
        var services = new ServiceCollection();
        services.AddLogging();
        services.AddFbTokens(o => o.AppId = "1");
        services.AddFbTokens("a", o => { o.AppId = "2"; o.AppSecret = "secret"; }).AddTokenManager();
        await using var provider = services.BuildServiceProvider();

        Assert.Equal("1", provider.GetRequiredService<IOptions<FbTokensOptions>>().Value.AppId);
        Assert.NotNull(provider.GetRequiredKeyedService<IGraphTokenManager>("a"));
    }

    [Fact]
    public async Task Start_up_validates_every_named_app()
    {
        var services = new ServiceCollection();
        services.AddLogging();
        services.AddFbTokens("a", o => { o.AppId = AId; o.AppSecret = ASecret; });
        services.AddFbTokens("b", o => o.AppId = "b-is-not-numeric");
        await using var provider = services.BuildServiceProvider();

        var ex = Assert.Throws<OptionsValidationException>(() => provider.GetRequiredService<IStartupValidator>().Validate());

        Assert.Contains(ex.Failures, f => f.StartsWith("FbTokens:Apps:b:AppId ", StringComparison.Ordinal));
    }

    [Theory]
    [InlineData("")]
    [InlineData(" ")]
    [InlineData("a:b")]
    [InlineData(" a")]
    public void An_app_name_that_cannot_be_a_key_is_refused(string name)
    {
        var services = new ServiceCollection();

        Assert.Throws<ArgumentException>(() => services.AddFbTokens(name, o => o.AppId = "1"));
        Assert.Empty(services);
    }

    [Fact]
    public async Task Registering_a_named_app_twice_adds_its_services_once()
    {
        var services = new ServiceCollection();
        services.AddLogging();
        services.AddFbTokens("a", o => o.AppId = AId).AddTokenValidationSweep(o => o.SweepBatchSize = 10);
        services.AddFbTokens("a", o => o.AppSecret = ASecret).AddTokenValidationSweep();
        await using var provider = services.BuildServiceProvider(new ServiceProviderOptions { ValidateOnBuild = true });

        Assert.Single(services, d => d.ServiceType == typeof(IGraphTokenClient) && Equals(d.ServiceKey, "a"));
        Assert.Single(services, d => d.ServiceType == typeof(IGraphTokenManager) && Equals(d.ServiceKey, "a"));
        Assert.Single(provider.GetServices<IHostedService>());
        Assert.Equal(ASecret, provider.GetRequiredService<IOptionsMonitor<FbTokensOptions>>().Get("a").AppSecret);
        Assert.Equal(10, provider.GetRequiredService<IOptionsMonitor<TokenManagerOptions>>().Get("a").SweepBatchSize);
    }

    /// <summary>Takes each app's services as a host would, by key.</summary>
    private sealed class KeyedConsumer(
        [FromKeyedServices("a")] IGraphTokenClient clientA,
        [FromKeyedServices("b")] IGraphTokenClient clientB,
        [FromKeyedServices("a")] IGraphTokenManager managerA,
        [FromKeyedServices("b")] IGraphTokenManager managerB,
        [FromKeyedServices("a")] IFacebookLoginUrlBuilder loginA,
        [FromKeyedServices("b")] IFacebookLoginUrlBuilder loginB,
        [FromKeyedServices("a")] IGraphUsageMonitor usageA,
        [FromKeyedServices("b")] IGraphUsageMonitor usageB)
    {
        public IGraphTokenClient ClientA { get; } = clientA;

        public IGraphTokenClient ClientB { get; } = clientB;

        public IGraphTokenManager ManagerA { get; } = managerA;

        public IGraphTokenManager ManagerB { get; } = managerB;

        public IFacebookLoginUrlBuilder LoginA { get; } = loginA;

        public IFacebookLoginUrlBuilder LoginB { get; } = loginB;

        public IGraphUsageMonitor UsageA { get; } = usageA;

        public IGraphUsageMonitor UsageB { get; } = usageB;
    }

    /// <summary>Apps "a" and "b" (each with the token manager and its own fake Graph), and optionally the unnamed app.</summary>
    private sealed class TwoAppHost : IAsyncDisposable
    {
        private readonly Action<IFbTokensBuilder, IFbTokensBuilder>? _build;
        private ServiceProvider? _provider;

        public TwoAppHost(
            Action<IFbTokensBuilder, IFbTokensBuilder>? build = null,
            Action<IFbTokensBuilder>? unnamed = null,
            AppGraph? unnamedGraph = null)
        {
            _build = build;
            Collection.AddLogging();
            Collection.AddSingleton<TimeProvider>(Time);
            if (unnamed is not null)
            {
                var builder = Collection.AddFbTokens(o =>
                {
                    o.AppId = LifecycleHost.AppId;
                    o.AppSecret = LifecycleHost.AppSecret;
                    o.GraphBaseAddress = GraphBase;
                    o.Resilience.MaxRetryAttempts = 0;
                });
                builder.HttpClientBuilder.ConfigurePrimaryHttpMessageHandler(() => unnamedGraph!);
                builder.AddTokenManager();
                unnamed(builder);
            }

            var a = Add("a", AId, ASecret, GraphA);
            var b = Add("b", BId, BSecret, GraphB);
            _build?.Invoke(a, b);
        }

        public FakeTimeProvider Time { get; } = new(LifecycleHost.Start);

        public ServiceCollection Collection { get; } = new();

        public AppGraph GraphA { get; } = new(AId, ASecret, "a");

        public AppGraph GraphB { get; } = new(BId, BSecret, "b");

        public ServiceProvider Build() =>
            _provider = Collection.BuildServiceProvider(new ServiceProviderOptions { ValidateOnBuild = true, ValidateScopes = true });

        public async ValueTask DisposeAsync()
        {
            if (_provider is not null)
            {
                await _provider.DisposeAsync();
            }
        }

        private IFbTokensBuilder Add(string name, string appId, string secret, AppGraph graph)
        {
            var builder = Collection.AddFbTokens(name, o =>
            {
                o.AppId = appId;
                o.AppSecret = secret;
                o.GraphBaseAddress = GraphBase;
                o.Resilience.MaxRetryAttempts = 0;
            });
            builder.HttpClientBuilder.ConfigurePrimaryHttpMessageHandler(() => graph);
            return builder.AddTokenManager(o => o.RefreshJitter = TimeSpan.Zero);
        }
    }
}
