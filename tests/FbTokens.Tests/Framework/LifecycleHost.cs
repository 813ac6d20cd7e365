using FbTokens.Internal;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using Microsoft.Extensions.Time.Testing;
using RichardSzalay.MockHttp;

namespace FbTokens.Tests.Framework;

/// <summary>A service provider with FbTokens, the token manager, a fake clock and a fake Graph behind the client.</summary>
internal sealed class LifecycleHost : IAsyncDisposable
{
    public const string AppId = "1234567890";
    public const string AppSecret = "test-app-secret-0123456789abcdef";
    public const string Version = FbTokensOptions.DefaultGraphApiVersion;
    public static readonly Uri GraphBase = new("http://graph.test/");
    public static readonly string Exchange = $"http://graph.test/{Version}/oauth/access_token";
    public static readonly string DebugToken = $"http://graph.test/{Version}/debug_token";
    public static readonly DateTimeOffset Start = new(2026, 11, 1, 0, 0, 0, TimeSpan.Zero);

    public LifecycleHost(
        Action<TokenManagerOptions>? configure = null,
        Action<IFbTokensBuilder>? build = null,
        HttpMessageHandler? graph = null,
        Action<IServiceCollection>? services = null,
        FakeTimeProvider? time = null)
    {
        Time = time ?? new FakeTimeProvider(Start);
        var collection = new ServiceCollection();
        collection.AddLogging();
        collection.AddSingleton<TimeProvider>(Time);
        var builder = collection.AddFbTokens(o =>
        {
            o.AppId = AppId;
            o.AppSecret = AppSecret;
            o.GraphBaseAddress = GraphBase;
            o.Resilience.MaxRetryAttempts = 0;
        });
        var primary = graph ?? Http;
        builder.HttpClientBuilder.ConfigurePrimaryHttpMessageHandler(() => primary);
        builder.AddTokenManager(o =>
        {
            o.RefreshJitter = TimeSpan.Zero;

            // These tests drive the refresh itself (single flight, locks, races, renewal rules) through a caller that waits
            // for it; the background hand-off in front of it is tested on its own (RefreshAheadTests sets it back).
            o.RefreshInBackground = false;
            configure?.Invoke(o);
        });
        builder.AddTokenLifecycleObserver<RecordingObserver>();
        build?.Invoke(builder);
        services?.Invoke(collection);
        Services = collection.BuildServiceProvider(new ServiceProviderOptions { ValidateOnBuild = true, ValidateScopes = true });
    }

    /// <summary>The host's clock: its own, or one it shares with other hosts (instances of one app).</summary>
    public FakeTimeProvider Time { get; }

    public MockHttpMessageHandler Http { get; } = new();

    public ServiceProvider Services { get; }

    public IGraphTokenManager PublicManager => Services.GetRequiredService<IGraphTokenManager>();

    public ITokenStore Store => Services.GetRequiredService<ITokenStore>();

    public RecordingObserver Observer => (RecordingObserver)Services.GetServices<ITokenLifecycleObserver>().Single(o => o is RecordingObserver);

    public TokenManagerOptions Options => Services.GetRequiredService<IOptions<TokenManagerOptions>>().Value;

    public DateTimeOffset Now => Time.GetUtcNow();

    /// <summary>Completes when no refresh of <paramref name="key"/> runs (refreshes that callers start run in the background).</summary>
    public Task WhenRefreshIdleAsync(TokenKey key) => Services.GetRequiredService<FbTokens.Internal.TokenRefresher>().WhenIdleAsync(key);

    /// <summary>Stores a valid user token directly (no Graph call).</summary>
    public async Task<StoredToken> SeedUserAsync(string userId, string value, TimeSpan expiresIn, IReadOnlyList<string>? scopes = null) =>
        await Store.SetAsync(new StoredToken
        {
            Key = TokenKey.ForUser(userId),
            Value = value,
            ExpiresAt = Now + expiresIn,
            DataAccessExpiresAt = Now + TimeSpan.FromDays(80),
            Scopes = scopes ?? ["email", "pages_show_list"],
            IssuedAt = Now,
            UpdatedAt = Now,
        }, expectedVersion: null);

    public async Task<StoredToken> SeedPageAsync(string pageId, string value, string ownerUserId) =>
        await Store.SetAsync(new StoredToken
        {
            Key = TokenKey.ForPage(pageId),
            Value = value,
            OwnerUserId = ownerUserId,
            Scopes = ["pages_show_list"],
            IssuedAt = Now,
            UpdatedAt = Now,
        }, expectedVersion: null);

    public ValueTask DisposeAsync() => Services.DisposeAsync();
}
