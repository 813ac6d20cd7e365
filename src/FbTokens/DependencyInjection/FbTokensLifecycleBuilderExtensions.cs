using System.Diagnostics.CodeAnalysis;
using FbTokens.Internal;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace FbTokens;

/// <summary>Registers the token lifecycle: store, manager, observers, at-rest protection and the validation sweep.</summary>
public static class FbTokensLifecycleBuilderExtensions
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
        services.TryAddSingleton<RefreshRetrySchedule>();
        services.TryAddSingleton<TokenInvalidator>();
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
    /// refreshes those nearing expiry and raises expiry and data-access notices. Also registers the manager. On a named
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

/// <summary>Registers the handler that attaches Graph tokens to a host's own Graph <see cref="HttpClient"/>.</summary>
public static class GraphAccessTokenHttpClientBuilderExtensions
{
    /// <summary>
    /// Adds a handler to the host's own Graph <see cref="HttpClient"/> that attaches the token each request names
    /// (<see cref="GraphTokenRequestExtensions.WithGraphToken"/>, else <paramref name="defaultKey"/>) in the
    /// <c>Authorization: Bearer</c> header (as the <c>access_token</c> query parameter when
    /// <see cref="FbTokensOptions.SendAccessTokenInHeader"/> is off), with its <c>appsecret_proof</c> as a query
    /// parameter; an <c>access_token</c> or <c>appsecret_proof</c> already in the URI is dropped. When Graph rejects the
    /// token it is marked, replaced where possible (a newer stored token, a page token fetched again) and the request
    /// retried once. To see whether it did, the handler reads 4xx error bodies within
    /// <see cref="GraphResponseLimits.MaxErrorBodyBytes"/> and buffers them, so the caller can still read them; a body
    /// past that limit, or one that does not match its Content-Encoding, ends the call with a
    /// <see cref="GraphProtocolException"/> (with the status and Graph's trace id). Requests naming no token pass
    /// through untouched; a token is never attached to a host other than <see cref="FbTokensOptions.GraphBaseAddress"/>,
    /// and the client's request logging always redacts the <c>Authorization</c> header.
    /// Needs <c>AddFbTokens(...).AddTokenManager()</c>. Do not add it to the FbTokens client itself.
    /// With <paramref name="appName"/>, the tokens, proofs and options are those of the app registered with
    /// <c>AddFbTokens(appName, …).AddTokenManager()</c>: a key that names no app is taken as that app's.
    /// </summary>
    /// <param name="builder">The builder of the host's Graph client.</param>
    /// <param name="defaultKey">The token for requests that name none; null to pass those through.</param>
    /// <param name="appName">The app whose tokens to attach; null for the unnamed app.</param>
    /// <returns>The builder, for chaining.</returns>
    /// <exception cref="ArgumentException"><paramref name="appName"/> is empty, blank, or holds <c>:</c>.</exception>
    public static IHttpClientBuilder AddGraphAccessTokenHandler(this IHttpClientBuilder builder, TokenKey? defaultKey = null, string? appName = null)
    {
        ArgumentNullException.ThrowIfNull(builder);
        if (appName is not null)
        {
            FbTokensApps.CheckName(appName, nameof(appName));
        }

        CredentialHeaderRedaction.AddTo(builder.Services, builder.Name);
        return builder.AddHttpMessageHandler(services => new GraphAccessTokenHandler(
            FbTokensApps.GetOptional<TokenReader>(services, appName)
                ?? throw new InvalidOperationException(appName is null
                    ? "AddGraphAccessTokenHandler() needs the token manager: call AddFbTokens(...).AddTokenManager()."
                    : $"AddGraphAccessTokenHandler(appName: \"{appName}\") needs that app's token manager: call AddFbTokens(\"{appName}\", ...).AddTokenManager()."),
            FbTokensApps.Get<RejectedTokenRecovery>(services, appName),
            FbTokensApps.Get<TokenInvalidator>(services, appName),
            FbTokensApps.Get<AppSecretProof>(services, appName),
            FbTokensApps.OptionsOf<FbTokensOptions>(services, appName),
            services.GetRequiredService<ILogger<GraphAccessTokenHandler>>(),
            defaultKey));
    }
}
