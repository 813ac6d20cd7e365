using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace FbTokens.Internal;

/// <summary>
/// The <see cref="IGraphTokenClient"/> the lifecycle's singleton parts take in their constructors (a keyed singleton under
/// <see cref="ServiceKey"/>). The typed client behind the unkeyed <see cref="IGraphTokenClient"/> is transient: a singleton
/// that captured one would pin one <see cref="HttpMessageHandler"/> for ever and never see the factory's handler rotation
/// (and so DNS changes). This one takes a fresh <see cref="HttpClient"/> of the same named pipeline from
/// <see cref="IHttpClientFactory"/> on every call, as a typed-client activation does, without looking anything up in the
/// container at run time. Each app has its own, over its own named client: the unnamed app's under <see cref="ServiceKey"/>,
/// a named app's under <see cref="ServiceKeyOf"/> its name.
/// </summary>
internal sealed class LifecycleGraphTokenClient : IGraphTokenClient
{
    /// <summary>The service key of the unnamed app's client.</summary>
    public const string ServiceKey = "FbTokens.Lifecycle";

    private readonly IHttpClientFactory _httpClientFactory;
    private readonly IOptions<FbTokensOptions> _options;
    private readonly AppSecretProof _proof;
    private readonly TimeProvider _timeProvider;
    private readonly GraphUsageThrottle _throttle;
    private readonly ILogger<GraphTokenClient> _logger;
    private readonly string _httpClientName;

    public LifecycleGraphTokenClient(
        IHttpClientFactory httpClientFactory,
        IOptions<FbTokensOptions> options,
        AppSecretProof proof,
        TimeProvider timeProvider,
        GraphUsageThrottle throttle,
        ILogger<GraphTokenClient> logger)
    {
        _httpClientFactory = httpClientFactory;
        _options = options;
        _proof = proof;
        _timeProvider = timeProvider;
        _throttle = throttle;
        _logger = logger;
        _httpClientName = FbTokensApps.HttpClientName(options.Value.AppName);
    }

    /// <summary>The service key of the client of the app named <paramref name="appName"/> (null: the unnamed app).</summary>
    public static string ServiceKeyOf(string? appName) => appName is null ? ServiceKey : ServiceKey + ":" + appName;

    public Task<AccessTokenResponse> ExchangeCodeAsync(string code, Uri redirectUri, CancellationToken cancellationToken = default) =>
        Create().ExchangeCodeAsync(code, redirectUri, cancellationToken);

    public Task<LongLivedTokenResponse> ExchangeForLongLivedTokenAsync(string shortLivedUserToken, CancellationToken cancellationToken = default) =>
        Create().ExchangeForLongLivedTokenAsync(shortLivedUserToken, cancellationToken);

    public Task<LongLivedTokenResponse> RenewSystemUserTokenAsync(string systemUserToken, CancellationToken cancellationToken = default) =>
        Create().RenewSystemUserTokenAsync(systemUserToken, cancellationToken);

    public IAsyncEnumerable<PageTokenResponse> GetPageTokensAsync(string userId, string userAccessToken, CancellationToken cancellationToken = default) =>
        Create().GetPageTokensAsync(userId, userAccessToken, cancellationToken);

    public Task<ClientCodeResponse> GetClientCodeAsync(string longLivedUserToken, Uri redirectUri, CancellationToken cancellationToken = default) =>
        Create().GetClientCodeAsync(longLivedUserToken, redirectUri, cancellationToken);

    public Task<LongLivedTokenResponse> RedeemClientCodeAsync(string code, Uri redirectUri, string? machineId = null, CancellationToken cancellationToken = default) =>
        Create().RedeemClientCodeAsync(code, redirectUri, machineId, cancellationToken);

    public Task<DebugTokenResponse> DebugTokenAsync(string inputToken, CancellationToken cancellationToken = default) =>
        Create().DebugTokenAsync(inputToken, cancellationToken);

    public Task<AccessTokenResponse> GetAppAccessTokenAsync(CancellationToken cancellationToken = default) =>
        Create().GetAppAccessTokenAsync(cancellationToken);

    private GraphTokenClient Create() =>
        new(_httpClientFactory.CreateClient(_httpClientName), _options, _proof, _timeProvider, _throttle, _logger);
}
