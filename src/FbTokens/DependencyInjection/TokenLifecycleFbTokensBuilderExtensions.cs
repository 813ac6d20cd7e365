using System.Diagnostics.CodeAnalysis;
using FbTokens.Internal;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace FbTokens;

/// <summary>Registers the token lifecycle: store, manager, observers, at-rest protection and the validation sweep.</summary>
public static class TokenLifecycleFbTokensBuilderExtensions
{
    /// <summary>
    /// Registers <see cref="IGraphTokenManager"/>, <see cref="InMemoryTokenStore"/> as the <see cref="ITokenStore"/>
    /// unless another store is chosen (<c>Use…TokenStore</c>, before or after), and <see cref="TokenManagerOptions"/>
    /// validated at start-up.
    /// The manager needs <see cref="FbTokensOptions.AppSecret"/>: a host without one fails at start-up.
    /// Safe to call more than once. On a named app's builder (<c>AddFbTokens(name, …)</c>) the manager and its options are
    /// that app's, registered as keyed services (key: the name); its tokens go to its own store when one is registered
    /// for it (<see cref="UseTokenStore"/> on its builder), else to the store the apps share, with the app's id in
    /// <see cref="TokenKey.AppId"/>.
    /// </summary>
    /// <param name="builder">The builder from <c>AddFbTokens</c>.</param>
    /// <param name="configure">Sets the options, if given.</param>
    /// <returns>The builder, for chaining.</returns>
    public static IFbTokensBuilder AddTokenManager(this IFbTokensBuilder builder, Action<TokenManagerOptions>? configure = null)
    {
        ArgumentNullException.ThrowIfNull(builder);
        var services = builder.Services;
        var app = builder.AppName;
        if (configure is not null)
        {
            services.Configure(FbTokensApps.OptionsName(app), configure);
        }

        if (!FbTokensFeatureMarker.TryAdd(services, FbTokensFeatureMarker.TokenManager, app))
        {
            return builder;
        }

        services.AddOptions<TokenManagerOptions>(FbTokensApps.OptionsName(app)).ValidateOnStart();
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<TokenManagerOptions>, TokenManagerOptionsValidator>());
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<FbTokensOptions>, TokenManagerAppSecretValidator>());
        services.TryAddSingleton(TimeProvider.System);
        TokenStoreRegistration.AddDefault(services);
        services.TryAddSingleton<IDistributedRefreshLock>(InProcessRefreshLock.Instance);
        if (app is null)
        {
            services.TryAddSingleton<TokenLifecycleNotifier>();
            AddTokenManagerParts(services);
        }
        else
        {
            NamedAppRegistrations.AddTokenManagerParts(services, app);
        }

        return builder;
    }

    /// <summary>
    /// Registers <see cref="IGraphTokenManager"/> as <see cref="AddTokenManager(IFbTokensBuilder, Action{TokenManagerOptions})"/>
    /// does, with <see cref="TokenManagerOptions"/> bound from <paramref name="section"/> (keys named as the properties,
    /// e.g. <c>RefreshBeforeExpiry</c>, <c>SweepInterval</c>). <c>AddFbTokens(IConfiguration)</c> already binds its
    /// <c>TokenManager</c> child; use this overload for another section. Validation messages name its keys.
    /// </summary>
    /// <param name="builder">The builder from <c>AddFbTokens</c>.</param>
    /// <param name="section">The configuration section holding the options.</param>
    /// <returns>The builder, for chaining.</returns>
    public static IFbTokensBuilder AddTokenManager(this IFbTokensBuilder builder, IConfiguration section)
    {
        ArgumentNullException.ThrowIfNull(builder);
        ArgumentNullException.ThrowIfNull(section);
        var name = FbTokensApps.OptionsName(builder.AppName);
        builder.Services.AddOptions<TokenManagerOptions>(name).Bind(section);
        OptionsConfigurationPath<TokenManagerOptions>.Register(builder.Services, name, section);
        return builder.AddTokenManager();
    }

    /// <summary>
    /// The manager's parts, each a singleton taking what it uses in its constructor; <see cref="IGraphTokenManager"/> is a
    /// thin façade over them. Graph is reached through <see cref="LifecycleGraphTokenClient"/>, a keyed singleton that takes
    /// a fresh <see cref="HttpClient"/> from the factory per call, so no part captures the transient typed client and none
    /// resolves anything at run time. TryAdd throughout: a host (or a test) may register its own of any of them first.
    /// </summary>
    private static void AddTokenManagerParts(IServiceCollection services)
    {
        services.TryAddKeyedSingleton<IGraphTokenClient, LifecycleGraphTokenClient>(LifecycleGraphTokenClient.ServiceKey);
        services.TryAddSingleton<LifecycleStopping>();
        services.TryAddTransient(static sp => new LifecycleStoppingHook(sp.GetRequiredService<LifecycleStopping>()));
        services.TryAddSingleton<RefreshRetrySchedule>();
        services.TryAddSingleton<TokenInvalidator>();
        services.TryAddSingleton<PersonNotices>();
        services.TryAddSingleton<TokenStatusReporter>();
        services.TryAddSingleton<AppTokenProvider>();
        services.TryAddSingleton<TokenRenewal>();
        services.TryAddSingleton<TokenRefresher>();
        services.TryAddSingleton<TokenReader>();
        services.TryAddSingleton<TokenRegistrar>();
        services.TryAddSingleton<RejectedTokenRecovery>();
        services.TryAddSingleton<IGraphTokenManager, GraphTokenManager>();
    }

    /// <summary>
    /// Keeps tokens in this process's memory (<see cref="InMemoryTokenStore"/>): lost on restart, not shared between
    /// instances. It is the default; call this to undo an earlier choice. One of the <c>Use…TokenStore</c> family: the
    /// last call chooses the store, and <see cref="ProtectTokensWithDataProtection"/> wraps it whichever is called first.
    /// </summary>
    /// <param name="builder">The builder from <c>AddFbTokens</c>.</param>
    /// <returns>The builder, for chaining.</returns>
    public static IFbTokensBuilder UseInMemoryTokenStore(this IFbTokensBuilder builder) => builder.UseTokenStore<InMemoryTokenStore>();

    /// <summary>
    /// Keeps tokens in a host-implemented <typeparamref name="TStore"/> (a singleton, built by the container). One of the
    /// <c>Use…TokenStore</c> family: the last call chooses the store, and <see cref="ProtectTokensWithDataProtection"/>
    /// wraps it whichever is called first. Register stores this way, not as <see cref="ITokenStore"/> directly: an
    /// <see cref="ITokenStore"/> registered on the service collection after the FbTokens calls replaces FbTokens' own,
    /// protection included.
    /// On a named app's builder it gives that app a store of its own; the other apps keep theirs.
    /// </summary>
    /// <typeparam name="TStore">The store implementation.</typeparam>
    /// <param name="builder">The builder from <c>AddFbTokens</c>.</param>
    /// <returns>The builder, for chaining.</returns>
    public static IFbTokensBuilder UseTokenStore<[DynamicallyAccessedMembers(DynamicallyAccessedMemberTypes.PublicConstructors)] TStore>(this IFbTokensBuilder builder)
        where TStore : class, ITokenStore
    {
        ArgumentNullException.ThrowIfNull(builder);
        builder.AddTokenManager();
        TokenStoreRegistration.Use<TStore>(builder.Services, builder.AppName);
        return builder;
    }

    /// <summary>
    /// Registers a host-implemented <see cref="ITokenLifecycleObserver"/> (a singleton); any number may be added. On a
    /// named app's builder the observer hears that app's notices only (it is registered keyed by the app's name).
    /// </summary>
    /// <typeparam name="TObserver">The observer implementation.</typeparam>
    /// <param name="builder">The builder from <c>AddFbTokens</c>.</param>
    /// <returns>The builder, for chaining.</returns>
    public static IFbTokensBuilder AddTokenLifecycleObserver<[DynamicallyAccessedMembers(DynamicallyAccessedMemberTypes.PublicConstructors)] TObserver>(this IFbTokensBuilder builder)
        where TObserver : class, ITokenLifecycleObserver
    {
        ArgumentNullException.ThrowIfNull(builder);
        builder.AddTokenManager();
        builder.Services.TryAddEnumerable(builder.AppName is null
            ? ServiceDescriptor.Singleton<ITokenLifecycleObserver, TObserver>()
            : ServiceDescriptor.KeyedSingleton<ITokenLifecycleObserver, TObserver>(builder.AppName));
        return builder;
    }

    /// <summary>
    /// Encrypts every token value with ASP.NET Core Data Protection before it reaches the chosen
    /// <see cref="ITokenStore"/>, whichever it is and whether it is chosen (<c>Use…TokenStore</c>) before or after this
    /// call. Register Data Protection itself (<c>services.AddDataProtection()</c>, with a shared key ring when several
    /// instances share the store). Safe to call more than once.
    /// On a named app's builder it protects that app's tokens: its own store when it has one, else the shared store, for this
    /// app only.
    /// </summary>
    /// <param name="builder">The builder from <c>AddFbTokens</c>.</param>
    /// <returns>The builder, for chaining.</returns>
    public static IFbTokensBuilder ProtectTokensWithDataProtection(this IFbTokensBuilder builder)
    {
        ArgumentNullException.ThrowIfNull(builder);
        builder.AddTokenManager();
        TokenStoreRegistration.Protect(builder.Services, builder.AppName);
        return builder;
    }

    /// <summary>
    /// Registers the validation sweep: a hosted service that every <see cref="TokenManagerOptions.SweepInterval"/> checks
    /// every stored token with batched <c>debug_token</c> calls (50 per request), marks and reports invalid ones,
    /// refreshes those nearing expiry and raises expiry and data-access notices. With a store that keeps the sweep's schedule
    /// (<see cref="ITokenSweepSchedule"/>) the instances sharing it share the work, in leased chunks, so each token is checked
    /// once per interval in total; with another store every instance checks every token. Also registers the manager. On a named
    /// app's builder the sweep is that app's: a hosted service of its own that checks only its tokens, with its app token.
    /// </summary>
    /// <param name="builder">The builder from <c>AddFbTokens</c>.</param>
    /// <param name="configure">Sets the options, if given.</param>
    /// <returns>The builder, for chaining.</returns>
    public static IFbTokensBuilder AddTokenValidationSweep(this IFbTokensBuilder builder, Action<TokenManagerOptions>? configure = null)
    {
        ArgumentNullException.ThrowIfNull(builder);
        builder.AddTokenManager(configure);
        if (builder.AppName is { } app)
        {
            NamedAppRegistrations.AddSweep(builder.Services, app);
            return builder;
        }

        builder.Services.TryAddSingleton<GraphBatchDebugClient>();
        builder.Services.TryAddSingleton<TokenSweeper>();
        builder.Services.TryAddSingleton<ITokenValidationSweep>(static sp => sp.GetRequiredService<TokenSweeper>());
        builder.Services.AddHostedService<TokenValidationService>();
        return builder;
    }

    /// <summary>
    /// Registers the validation sweep as <see cref="AddTokenValidationSweep(IFbTokensBuilder, Action{TokenManagerOptions})"/>
    /// does, with <see cref="TokenManagerOptions"/> (which hold the sweep's settings, <c>Sweep*</c>) bound from
    /// <paramref name="section"/>, as <see cref="AddTokenManager(IFbTokensBuilder, IConfiguration)"/> binds them.
    /// </summary>
    /// <param name="builder">The builder from <c>AddFbTokens</c>.</param>
    /// <param name="section">The configuration section holding the options.</param>
    /// <returns>The builder, for chaining.</returns>
    public static IFbTokensBuilder AddTokenValidationSweep(this IFbTokensBuilder builder, IConfiguration section)
    {
        ArgumentNullException.ThrowIfNull(builder);
        builder.AddTokenManager(section);
        return builder.AddTokenValidationSweep();
    }
}
