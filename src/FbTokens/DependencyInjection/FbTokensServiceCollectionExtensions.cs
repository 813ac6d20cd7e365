using FbTokens.Internal;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace FbTokens;

/// <summary>Registers FbTokens in a service collection.</summary>
public static class FbTokensServiceCollectionExtensions
{
    /// <summary>The name of the <see cref="System.Net.Http.HttpClient"/> behind <see cref="IGraphTokenClient"/>.</summary>
    public const string HttpClientName = "FbTokens";

    /// <summary>The child of the FbTokens section that <see cref="TokenManagerOptions"/> bind from.</summary>
    internal const string TokenManagerSectionName = "TokenManager";

    /// <summary>The child of the FbTokens section that <see cref="FacebookLoginOptions"/> bind from.</summary>
    internal const string LoginSectionName = "Login";

    /// <summary>
    /// Registers <see cref="IGraphTokenClient"/> with its typed <see cref="System.Net.Http.HttpClient"/>, the
    /// resilience pipeline, and <see cref="FbTokensOptions"/> validated at start-up.
    /// </summary>
    /// <param name="services">The service collection.</param>
    /// <param name="configure">Sets the options.</param>
    /// <returns>A builder for further FbTokens registrations.</returns>
    public static IFbTokensBuilder AddFbTokens(this IServiceCollection services, Action<FbTokensOptions> configure)
    {
        ArgumentNullException.ThrowIfNull(services);
        ArgumentNullException.ThrowIfNull(configure);
        services.Configure(configure);
        return AddCore(services);
    }

    /// <summary>
    /// Registers FbTokens with options bound from a configuration section, e.g.
    /// <c>builder.Configuration.GetSection("FbTokens")</c>: <see cref="FbTokensOptions"/> from its keys (<c>AppId</c>,
    /// <c>AppSecret</c>, <c>ClientToken</c>, <c>GraphApiVersion</c>, <c>GraphBaseAddress</c>, <c>UseAppSecretProof</c>,
    /// <c>PageSize</c>, <c>Resilience:*</c>, <c>Limits:*</c>), and, for the features registered on the returned
    /// builder, <see cref="TokenManagerOptions"/> from its <c>TokenManager</c> child (also the sweep's settings) and
    /// <see cref="FacebookLoginOptions"/> from its <c>Login</c> child. Validation messages name these keys.
    /// </summary>
    /// <param name="services">The service collection.</param>
    /// <param name="section">The configuration section holding the options.</param>
    /// <returns>A builder for further FbTokens registrations.</returns>
    public static IFbTokensBuilder AddFbTokens(this IServiceCollection services, IConfiguration section)
    {
        ArgumentNullException.ThrowIfNull(services);
        ArgumentNullException.ThrowIfNull(section);
        services.AddOptions<FbTokensOptions>().Bind(section);
        OptionsConfigurationPath<FbTokensOptions>.Register(services, section);

        // The features' own sections, by convention. Only bound here: each is validated once its feature is added.
        var tokenManager = section.GetSection(TokenManagerSectionName);
        services.AddOptions<TokenManagerOptions>().Bind(tokenManager);
        OptionsConfigurationPath<TokenManagerOptions>.Register(services, tokenManager);
        var login = section.GetSection(LoginSectionName);
        services.AddOptions<FacebookLoginOptions>().Bind(login);
        OptionsConfigurationPath<FacebookLoginOptions>.Register(services, login);
        return AddCore(services);
    }

    /// <summary>
    /// Registers one more Facebook app, named <paramref name="name"/>, beside the unnamed one (if any) and the other named
    /// ones. It gets its own <see cref="FbTokensOptions"/> (options named <paramref name="name"/>, validated at start-up),
    /// its own <see cref="System.Net.Http.HttpClient"/> (<c>FbTokens:{name}</c>) with its own resilience pipeline, circuit
    /// breaker and usage throttle, and its own <see cref="IGraphTokenClient"/> and <see cref="IGraphUsageMonitor"/>,
    /// registered as keyed services: inject them with <c>[FromKeyedServices("name")]</c>. Every feature added on the
    /// returned builder (token manager, sweep, login, resilience, store) is this app's. Calling it again with the same
    /// name configures the options again and adds nothing else.
    /// </summary>
    /// <param name="services">The service collection.</param>
    /// <param name="name">The app's name: the service key and options name; not empty, without <c>:</c>.</param>
    /// <param name="configure">Sets the app's options.</param>
    /// <returns>A builder for further registrations of this app.</returns>
    /// <exception cref="ArgumentException"><paramref name="name"/> is empty, blank, or holds <c>:</c>.</exception>
    public static IFbTokensBuilder AddFbTokens(this IServiceCollection services, string name, Action<FbTokensOptions> configure)
    {
        ArgumentNullException.ThrowIfNull(services);
        FbTokensApps.CheckName(name, nameof(name));
        ArgumentNullException.ThrowIfNull(configure);
        services.Configure(name, configure);
        return AddCore(services, name);
    }

    /// <summary>
    /// Registers one more Facebook app, named <paramref name="name"/>, as
    /// <see cref="AddFbTokens(IServiceCollection, string, Action{FbTokensOptions})"/> does, with its options bound from
    /// the <c>Apps:{name}</c> child of <paramref name="section"/>, the FbTokens section (so
    /// <c>FbTokens:Apps:{name}:AppId</c>, <c>…:AppSecret</c>, <c>…:Resilience:*</c>, and, for the features added on the
    /// returned builder, <c>…:TokenManager:*</c> and <c>…:Login:*</c>). Nothing is inherited from the unnamed app's keys.
    /// Validation messages name these keys.
    /// </summary>
    /// <param name="services">The service collection.</param>
    /// <param name="name">The app's name: the service key, options name and configuration key; not empty, without <c>:</c>.</param>
    /// <param name="section">The FbTokens configuration section, e.g. <c>builder.Configuration.GetSection("FbTokens")</c>.</param>
    /// <returns>A builder for further registrations of this app.</returns>
    /// <exception cref="ArgumentException"><paramref name="name"/> is empty, blank, or holds <c>:</c>.</exception>
    public static IFbTokensBuilder AddFbTokens(this IServiceCollection services, string name, IConfiguration section)
    {
        ArgumentNullException.ThrowIfNull(services);
        FbTokensApps.CheckName(name, nameof(name));
        ArgumentNullException.ThrowIfNull(section);
        var app = section.GetSection(FbTokensApps.AppsSectionName).GetSection(name);
        services.AddOptions<FbTokensOptions>(name).Bind(app);
        OptionsConfigurationPath<FbTokensOptions>.Register(services, name, app);

        var tokenManager = app.GetSection(TokenManagerSectionName);
        services.AddOptions<TokenManagerOptions>(name).Bind(tokenManager);
        OptionsConfigurationPath<TokenManagerOptions>.Register(services, name, tokenManager);
        var login = app.GetSection(LoginSectionName);
        services.AddOptions<FacebookLoginOptions>(name).Bind(login);
        OptionsConfigurationPath<FacebookLoginOptions>.Register(services, name, login);
        return AddCore(services, name);
    }

    private static FbTokensBuilder AddCore(IServiceCollection services)
    {
        if (!FbTokensFeatureMarker.TryAdd(services, FbTokensFeatureMarker.Client, app: null))
        {
            // Registered before: options are configured again, the client and its pipeline are not duplicated.
            return new FbTokensBuilder(services, services.AddHttpClient(HttpClientName), appName: null);
        }

        services.AddOptions<FbTokensOptions>().ValidateOnStart();
        AddShared(services);
        services.TryAddSingleton<AppSecretProof>();
        services.TryAddSingleton<GraphUsageTracker>();
        services.TryAddSingleton<IGraphUsageMonitor>(sp => sp.GetRequiredService<GraphUsageTracker>());
        services.TryAddSingleton<GraphUsageThrottle>();

        var httpClientBuilder = services.AddHttpClient<IGraphTokenClient, GraphTokenClient>(HttpClientName);
        GraphResiliencePipeline.AddTo(httpClientBuilder, appName: null);
        CredentialHeaderRedaction.AddTo(services, HttpClientName);
        return new FbTokensBuilder(services, httpClientBuilder, appName: null);
    }

    /// <summary>
    /// A named app's client: the same services as the unnamed app's, keyed by <paramref name="name"/> and built from its
    /// named options, over its own named <see cref="System.Net.Http.HttpClient"/>.
    /// </summary>
    private static FbTokensBuilder AddCore(IServiceCollection services, string name)
    {
        var httpClientName = FbTokensApps.HttpClientName(name);
        if (!FbTokensFeatureMarker.TryAdd(services, FbTokensFeatureMarker.Client, name))
        {
            return new FbTokensBuilder(services, services.AddHttpClient(httpClientName), name);
        }

        services.AddOptions<FbTokensOptions>(name).ValidateOnStart();

        // Tells every part built from these options which app it serves (see FbTokensOptions.TokenKeyAppId).
        services.PostConfigure<FbTokensOptions>(name, options => options.AppName = name);
        AddShared(services);
        services.TryAddKeyedSingleton(name, static (sp, key) => new AppSecretProof(FbTokensApps.OptionsOf<FbTokensOptions>(sp, (string)key!)));
        services.TryAddKeyedSingleton(name, static (sp, _) => new GraphUsageTracker(sp.GetRequiredService<TimeProvider>()));
        services.TryAddKeyedSingleton<IGraphUsageMonitor>(name, static (sp, key) => sp.GetRequiredKeyedService<GraphUsageTracker>(key));
        services.TryAddKeyedSingleton(name, static (sp, key) => new GraphUsageThrottle(
            sp.GetRequiredKeyedService<GraphUsageTracker>(key),
            FbTokensApps.OptionsOf<FbTokensOptions>(sp, (string)key!),
            sp.GetRequiredService<TimeProvider>(),
            sp.GetRequiredService<ILogger<GraphUsageThrottle>>()));

        // Transient, as the unnamed app's typed client: each one takes a fresh HttpClient from the factory.
        services.TryAddKeyedTransient<IGraphTokenClient>(name, static (sp, key) => CreateClient(sp, (string)key!));

        var httpClientBuilder = services.AddHttpClient(httpClientName);
        GraphResiliencePipeline.AddTo(httpClientBuilder, name);
        CredentialHeaderRedaction.AddTo(services, httpClientName);
        return new FbTokensBuilder(services, httpClientBuilder, name);
    }

    /// <summary>A client of the app named <paramref name="app"/> (null for the unnamed app) over a fresh <see cref="System.Net.Http.HttpClient"/>.</summary>
    internal static GraphTokenClient CreateClient(IServiceProvider services, string? app) =>
        new(
            services.GetRequiredService<IHttpClientFactory>().CreateClient(FbTokensApps.HttpClientName(app)),
            FbTokensApps.OptionsOf<FbTokensOptions>(services, app),
            FbTokensApps.Get<AppSecretProof>(services, app),
            services.GetRequiredService<TimeProvider>(),
            FbTokensApps.Get<GraphUsageThrottle>(services, app),
            services.GetRequiredService<ILogger<GraphTokenClient>>());

    /// <summary>What every app shares: the validators (which get the options name) and the clock.</summary>
    private static void AddShared(IServiceCollection services)
    {
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<FbTokensOptions>, FbTokensOptionsValidator>());
        services.TryAddSingleton(TimeProvider.System);
    }
}
