using System.Net;
using System.Reflection;
using System.Runtime.CompilerServices;
using FbTokens.Internal;
using FbTokens.Tests.Framework;
using Microsoft.Extensions.DependencyInjection;
using RichardSzalay.MockHttp;

namespace FbTokens.Tests.Lifecycle;

/// <summary>The manager is a façade over named parts; nothing reaches past it into one class, nothing looks services up.</summary>
public sealed class TokenManagerPartsTests
{
    private static readonly Assembly Library = typeof(IGraphTokenManager).Assembly;

    [Fact]
    public void No_library_type_takes_or_holds_an_IServiceProvider()
    {
        var offenders = Library.GetTypes()
            .Where(t => t.GetCustomAttribute<CompilerGeneratedAttribute>() is null)
            .Where(t => t.GetConstructors(BindingFlags.Public | BindingFlags.NonPublic | BindingFlags.Instance)
                    .Any(c => c.GetParameters().Any(p => p.ParameterType == typeof(IServiceProvider)))
                || t.GetFields(BindingFlags.NonPublic | BindingFlags.Public | BindingFlags.Instance).Any(f => f.FieldType == typeof(IServiceProvider)))
            .Select(t => t.FullName)
            .ToList();

        Assert.Empty(offenders);
    }

    [Theory]
    [InlineData(typeof(TokenSweeper))]
    [InlineData(typeof(GraphAccessTokenHandler))]
    public void The_sweep_and_the_handler_depend_on_parts_not_on_the_manager(Type type)
    {
        var dependencies = type.GetConstructors().SelectMany(c => c.GetParameters()).Select(p => p.ParameterType).ToList();

        Assert.DoesNotContain(typeof(IGraphTokenManager), dependencies);
        Assert.DoesNotContain(typeof(GraphTokenManager), dependencies);
    }

    [Fact]
    public async Task Parts_are_added_once_with_TryAdd_so_a_host_registration_wins()
    {
        var schedule = new RefreshRetrySchedule();
        var services = new ServiceCollection();
        services.AddLogging();
        services.AddSingleton(schedule);
        services.AddFbTokens(o => { o.AppId = "1"; o.AppSecret = "secret"; }).AddTokenManager().AddTokenManager();
        await using var provider = services.BuildServiceProvider(new ServiceProviderOptions { ValidateOnBuild = true });

        Assert.Same(schedule, provider.GetRequiredService<RefreshRetrySchedule>());
        Assert.Single(services, d => d.ServiceType == typeof(TokenRefresher));
        Assert.Single(services, d => d.ServiceType == typeof(IGraphTokenClient) && Equals(d.ServiceKey, LifecycleGraphTokenClient.ServiceKey));
        Assert.Same(provider.GetRequiredService<TokenRefresher>(), provider.GetRequiredService<TokenRefresher>());
    }

    [Fact]
    public async Task Every_Graph_call_of_the_lifecycle_takes_a_new_HttpClient_from_the_factory()
    {
        // A part that captured the transient typed client would pin one handler for ever (no rotation, no DNS changes).
        CountingHttpClientFactory? factory = null;
        await using var host = new LifecycleHost(services: s =>
        {
            var inner = s.Last(d => d.ServiceType == typeof(IHttpClientFactory) && !d.IsKeyedService);
            s.Remove(inner);
            s.AddSingleton<IHttpClientFactory>(sp => factory = new CountingHttpClientFactory(
                (IHttpClientFactory)(inner.ImplementationInstance ?? inner.ImplementationFactory!(sp))));
        });
        await host.SeedUserAsync("1001", "EAABoldlonglivedtoken0123456789", TimeSpan.FromDays(50));
        host.Http.When(HttpMethod.Post, LifecycleHost.Exchange).Respond("application/json", LifecyclePayloads.LongLived("EAABnewlonglivedtoken0123456789"));
        var manager = host.PublicManager;
        var before = factory?.Created ?? 0;

        await manager.RefreshAsync(TokenKey.ForUser("1001"));
        await manager.RefreshAsync(TokenKey.ForUser("1001"));

        Assert.Equal(before + 2, factory!.Created);
    }

    [Fact]
    public async Task The_handler_recovers_a_rejected_page_token_even_when_the_host_decorates_the_manager()
    {
        var api = new MockHttpMessageHandler();
        await using var host = new LifecycleHost(services: s =>
        {
            s.AddSingleton<IGraphTokenManager>(sp => new DecoratedManager(ActivatorUtilities.CreateInstance<GraphTokenManager>(sp)));
            s.AddHttpClient("graph").AddGraphAccessTokenHandler().ConfigurePrimaryHttpMessageHandler(() => api);
        });
        await host.SeedUserAsync("1001", "EAABusertokenforhandler0123456789", TimeSpan.FromDays(50));
        await host.SeedPageAsync("2001", "EAABoldpagetoken-0123456789", "1001");
        host.Http.When(HttpMethod.Get, $"http://graph.test/{LifecycleHost.Version}/1001/accounts")
            .Respond("application/json", LifecyclePayloads.Accounts(("2001", "EAABnewpagetoken-0123456789")));
        var me = $"http://graph.test/{LifecycleHost.Version}/me";
        api.When(HttpMethod.Get, me).WithHeaders("Authorization", "Bearer EAABoldpagetoken-0123456789")
            .Respond(HttpStatusCode.BadRequest, "application/json", LifecyclePayloads.Error(190, 467));
        var accepted = api.When(HttpMethod.Get, me).WithHeaders("Authorization", "Bearer EAABnewpagetoken-0123456789")
            .Respond("application/json", """{"id":"2001"}""");
        var client = host.Services.GetRequiredService<IHttpClientFactory>().CreateClient("graph");

        using var request = new HttpRequestMessage(HttpMethod.Get, me).WithGraphToken(TokenKey.ForPage("2001"));
        using var response = await client.SendAsync(request);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal(1, api.GetMatchCount(accepted));
        Assert.Empty(host.Observer.Reauthentication);
    }

    [Fact]
    public async Task The_handler_without_the_token_manager_says_what_to_register()
    {
        var services = new ServiceCollection();
        services.AddLogging();
        services.AddFbTokens(o => { o.AppId = "1"; o.AppSecret = "secret"; });
        services.AddHttpClient("graph").AddGraphAccessTokenHandler();
        await using var provider = services.BuildServiceProvider();

        var ex = Assert.Throws<InvalidOperationException>(() => provider.GetRequiredService<IHttpClientFactory>().CreateClient("graph"));

        Assert.Contains("AddTokenManager()", ex.Message, StringComparison.Ordinal);
    }

    private sealed class CountingHttpClientFactory(IHttpClientFactory inner) : IHttpClientFactory
    {
        private int _created;

        public int Created => Volatile.Read(ref _created);

        public HttpClient CreateClient(string name)
        {
            if (name == FbTokensServiceCollectionExtensions.HttpClientName)
            {
                Interlocked.Increment(ref _created);
            }

            return inner.CreateClient(name);
        }
    }

    /// <summary>A host's decorator (for metrics, say): before the split, the handler's cast to the concrete manager failed on it.</summary>
    private sealed class DecoratedManager(IGraphTokenManager inner) : IGraphTokenManager
    {
        public Task<StoredToken> SaveUserTokenAsync(string userAccessToken, bool includePageTokens = false, CancellationToken cancellationToken = default) =>
            inner.SaveUserTokenAsync(userAccessToken, includePageTokens, cancellationToken);

        public Task<IReadOnlyList<StoredToken>> SavePageTokensAsync(string userId, CancellationToken cancellationToken = default) =>
            inner.SavePageTokensAsync(userId, cancellationToken);

        public ValueTask<StoredToken> GetTokenAsync(TokenKey key, CancellationToken cancellationToken = default) => inner.GetTokenAsync(key, cancellationToken);

        public Task<StoredToken> RefreshAsync(TokenKey key, CancellationToken cancellationToken = default) => inner.RefreshAsync(key, cancellationToken);

        public Task<bool> MarkInvalidAsync(TokenKey key, TokenErrorReason reason, long? expectedVersion = null, CancellationToken cancellationToken = default) =>
            inner.MarkInvalidAsync(key, reason, expectedVersion, cancellationToken);

        public Task<TokenLifecycleStatus?> GetStatusAsync(TokenKey key, CancellationToken cancellationToken = default) =>
            inner.GetStatusAsync(key, cancellationToken);

        public Task<IReadOnlyList<TokenKey>> InvalidateUserAsync(string userId, TokenErrorReason reason, string? appId = null, CancellationToken cancellationToken = default) =>
            inner.InvalidateUserAsync(userId, reason, appId, cancellationToken);

        public Task<IReadOnlyList<TokenKey>> RemoveUserTokensAsync(string userId, string? appId = null, CancellationToken cancellationToken = default) =>
            inner.RemoveUserTokensAsync(userId, appId, cancellationToken);
    }
}
