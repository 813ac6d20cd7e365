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
    /// Registers FbTokens with options bound from a configuration section (keys <c>AppId</c>, <c>AppSecret</c>,
    /// <c>ClientToken</c>, <c>GraphApiVersion</c>, <c>GraphBaseAddress</c>, <c>UseAppSecretProof</c>, <c>PageSize</c>,
    /// <c>Resilience:*</c>), e.g. <c>builder.Configuration.GetSection("FbTokens")</c>.
    /// </summary>
    /// <param name="services">The service collection.</param>
    /// <param name="section">The configuration section holding the options.</param>
    /// <returns>A builder for further FbTokens registrations.</returns>
    public static IFbTokensBuilder AddFbTokens(this IServiceCollection services, IConfiguration section)
    {
        ArgumentNullException.ThrowIfNull(services);
        ArgumentNullException.ThrowIfNull(section);
        services.AddOptions<FbTokensOptions>().Bind(section);
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
