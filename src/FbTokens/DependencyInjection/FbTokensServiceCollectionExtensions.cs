using FbTokens.Internal;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
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

    private static FbTokensBuilder AddCore(IServiceCollection services)
    {
        if (services.Any(d => d.ServiceType == typeof(FbTokensMarker)))
        {
            // Registered before: options are configured again, the client and its pipeline are not duplicated.
            return new FbTokensBuilder(services, services.AddHttpClient(HttpClientName));
        }

        services.AddSingleton<FbTokensMarker>();
        services.AddOptions<FbTokensOptions>().ValidateOnStart();
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<FbTokensOptions>, FbTokensOptionsValidator>());
        services.TryAddSingleton(TimeProvider.System);
        services.TryAddSingleton<AppSecretProof>();
        services.TryAddSingleton<GraphUsageTracker>();
        services.TryAddSingleton<IGraphUsageMonitor>(sp => sp.GetRequiredService<GraphUsageTracker>());
        services.TryAddSingleton<GraphUsageThrottle>();

        var httpClientBuilder = services.AddHttpClient<IGraphTokenClient, GraphTokenClient>(HttpClientName);
        GraphResiliencePipeline.AddTo(httpClientBuilder);
        CredentialHeaderRedaction.AddTo(services, HttpClientName);
        return new FbTokensBuilder(services, httpClientBuilder);
    }
}

internal sealed class FbTokensBuilder(IServiceCollection services, IHttpClientBuilder httpClientBuilder) : IFbTokensBuilder
{
    public IServiceCollection Services { get; } = services;

    public IHttpClientBuilder HttpClientBuilder { get; } = httpClientBuilder;
}

internal sealed class FbTokensMarker;
