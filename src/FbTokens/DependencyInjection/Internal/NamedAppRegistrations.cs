using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace FbTokens.Internal;

/// <summary>
/// A named app's lifecycle, sweep and login services: the same parts as the unnamed app's, keyed by the app's name and
/// built from its named options, its own Graph client, observers and (when it has one) store. Each part is built once,
/// when first resolved, from what its constructor takes; nothing is looked up per call. TryAdd throughout, so a host (or
/// a test) may register its own keyed part first.
/// </summary>
internal static class NamedAppRegistrations
{
    public static void AddTokenManagerParts(IServiceCollection services, string app)
    {
        services.TryAddKeyedSingleton<IGraphTokenClient>(LifecycleGraphTokenClient.ServiceKeyOf(app), (sp, _) => new LifecycleGraphTokenClient(
            sp.GetRequiredService<IHttpClientFactory>(),
            FbOptions(sp, app),
            sp.GetRequiredKeyedService<AppSecretProof>(app),
            sp.GetRequiredService<TimeProvider>(),
            sp.GetRequiredKeyedService<GraphUsageThrottle>(app),
            sp.GetRequiredService<ILogger<GraphTokenClient>>()));
        services.TryAddKeyedSingleton(app, static (_, _) => new LifecycleStopping());
        services.TryAddKeyedTransient(app, static (sp, key) => new LifecycleStoppingHook(sp.GetRequiredKeyedService<LifecycleStopping>(key)));
        services.TryAddKeyedSingleton(app, static (_, _) => new RefreshRetrySchedule());
        services.TryAddKeyedSingleton(app, static (sp, key) => new TokenLifecycleNotifier(
            sp.GetKeyedServices<ITokenLifecycleObserver>(key),
            sp.GetRequiredService<ILogger<TokenLifecycleNotifier>>()));
        services.TryAddKeyedSingleton(app, static (sp, key) => new TokenInvalidator(
            Store(sp, key),
            sp.GetRequiredKeyedService<TokenLifecycleNotifier>(key),
            sp.GetRequiredKeyedService<LifecycleStopping>(key),
            sp.GetRequiredService<TimeProvider>(),
            sp.GetRequiredService<ILogger<TokenInvalidator>>()));
        services.TryAddKeyedSingleton(app, static (sp, key) => new PersonNotices(
            Store(sp, key),
            sp.GetRequiredKeyedService<TokenLifecycleNotifier>(key),
            sp.GetRequiredKeyedService<LifecycleStopping>(key),
            ManagerOptions(sp, key),
            FbTokensApps.OptionsOf<FacebookLoginOptions>(sp, (string)key!),
            sp.GetRequiredService<ILogger<PersonNotices>>()));
        services.TryAddKeyedSingleton(app, static (sp, key) => new TokenStatusReporter(
            Store(sp, key),
            sp.GetRequiredKeyedService<PersonNotices>(key),
            ManagerOptions(sp, key),
            sp.GetRequiredService<TimeProvider>()));
        services.TryAddKeyedSingleton(app, static (sp, key) => new AppTokenProvider(
            LifecycleClient(sp, key),
            FbOptions(sp, key),
            ManagerOptions(sp, key),
            sp.GetRequiredService<TimeProvider>(),
            sp.GetRequiredKeyedService<LifecycleStopping>(key)));
        services.TryAddKeyedSingleton(app, static (sp, key) => new TokenRenewal(
            LifecycleClient(sp, key),
            sp.GetRequiredKeyedService<TokenInvalidator>(key)));
        services.TryAddKeyedSingleton(app, static (sp, key) => new TokenRefresher(
            Store(sp, key),
            sp.GetRequiredKeyedService<TokenRenewal>(key),
            sp.GetRequiredKeyedService<TokenInvalidator>(key),
            sp.GetRequiredKeyedService<TokenLifecycleNotifier>(key),
            sp.GetRequiredKeyedService<RefreshRetrySchedule>(key),
            sp.GetRequiredKeyedService<LifecycleStopping>(key),
            ManagerOptions(sp, key),
            sp.GetRequiredService<TimeProvider>(),
            sp.GetRequiredService<ILogger<TokenRefresher>>(),
            sp.GetKeyedService<IDistributedRefreshLock>(key) ?? sp.GetService<IDistributedRefreshLock>()));
        services.TryAddKeyedSingleton(app, static (sp, key) => new TokenReader(
            Store(sp, key),
            sp.GetRequiredKeyedService<TokenRefresher>(key),
            sp.GetRequiredKeyedService<AppTokenProvider>(key),
            FbOptions(sp, key),
            ManagerOptions(sp, key),
            sp.GetRequiredService<TimeProvider>(),
            sp.GetRequiredService<ILogger<TokenReader>>()));
        services.TryAddKeyedSingleton(app, static (sp, key) => new TokenRegistrar(
            LifecycleClient(sp, key),
            Store(sp, key),
            sp.GetRequiredKeyedService<TokenReader>(key),
            sp.GetRequiredKeyedService<RefreshRetrySchedule>(key),
            sp.GetRequiredKeyedService<PersonNotices>(key),
            FbOptions(sp, key),
            ManagerOptions(sp, key),
            sp.GetRequiredService<TimeProvider>(),
            sp.GetRequiredService<ILogger<TokenRegistrar>>()));
        services.TryAddKeyedSingleton(app, static (sp, key) => new RejectedTokenRecovery(
            Store(sp, key),
            sp.GetRequiredKeyedService<TokenRefresher>(key),
            sp.GetRequiredKeyedService<TokenInvalidator>(key),
            sp.GetRequiredKeyedService<AppTokenProvider>(key),
            sp.GetRequiredService<TimeProvider>()));
        services.TryAddKeyedSingleton<IGraphTokenManager>(app, static (sp, key) => new GraphTokenManager(
            sp.GetRequiredKeyedService<TokenRegistrar>(key),
            sp.GetRequiredKeyedService<TokenReader>(key),
            sp.GetRequiredKeyedService<TokenRefresher>(key),
            sp.GetRequiredKeyedService<TokenInvalidator>(key),
            sp.GetRequiredKeyedService<TokenStatusReporter>(key),
            FbOptions(sp, key)));
    }

    /// <summary>The app's sweep: its batch client, its sweeper, and a hosted service of its own (added once).</summary>
    public static void AddSweep(IServiceCollection services, string app)
    {
        services.TryAddKeyedSingleton(app, static (sp, key) => new GraphBatchDebugClient(
            sp.GetRequiredService<IHttpClientFactory>(),
            FbOptions(sp, key),
            sp.GetRequiredService<TimeProvider>(),
            sp.GetRequiredService<ILogger<GraphBatchDebugClient>>()));
        services.TryAddKeyedSingleton(app, static (sp, key) => new TokenSweeper(
            Store(sp, key),
            sp.GetRequiredKeyedService<TokenRefresher>(key),
            sp.GetRequiredKeyedService<TokenInvalidator>(key),
            sp.GetRequiredKeyedService<PersonNotices>(key),
            sp.GetRequiredKeyedService<GraphBatchDebugClient>(key),
            sp.GetRequiredKeyedService<IGraphUsageMonitor>(key),
            ManagerOptions(sp, key),
            FbOptions(sp, key),
            sp.GetRequiredService<TimeProvider>(),
            sp.GetRequiredService<ILogger<TokenSweeper>>()));
        services.TryAddKeyedSingleton<ITokenValidationSweep>(app, static (sp, key) => sp.GetRequiredKeyedService<TokenSweeper>(key));
        if (FbTokensFeatureMarker.TryAdd(services, FbTokensFeatureMarker.Sweep, app))
        {
            services.AddSingleton<IHostedService>(sp => new TokenValidationService(
                sp.GetRequiredKeyedService<TokenSweeper>(app),
                ManagerOptions(sp, app),
                sp.GetRequiredService<TimeProvider>(),
                sp.GetRequiredService<ILogger<TokenValidationService>>()));
        }
    }

    public static void AddFacebookLogin(IServiceCollection services, string app) =>
        services.TryAddKeyedSingleton<IFacebookLoginUrlBuilder>(app, static (sp, key) => new FacebookLoginUrlBuilder(
            FbOptions(sp, key),
            FbTokensApps.OptionsOf<FacebookLoginOptions>(sp, (string)key!),
            sp.GetRequiredService<TimeProvider>(),
            sp.GetRequiredService<ILogger<FacebookLoginUrlBuilder>>()));

    private static IOptions<FbTokensOptions> FbOptions(IServiceProvider services, object? app) =>
        FbTokensApps.OptionsOf<FbTokensOptions>(services, (string)app!);

    private static IOptions<TokenManagerOptions> ManagerOptions(IServiceProvider services, object? app) =>
        FbTokensApps.OptionsOf<TokenManagerOptions>(services, (string)app!);

    private static ITokenStore Store(IServiceProvider services, object? app) => FbTokensApps.Store(services, (string)app!);

    private static IGraphTokenClient LifecycleClient(IServiceProvider services, object? app) =>
        services.GetRequiredKeyedService<IGraphTokenClient>(LifecycleGraphTokenClient.ServiceKeyOf((string)app!));
}
