using System.Runtime.CompilerServices;
using System.Text.Json.Serialization.Metadata;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace FbTokens.Internal;

/// <summary>The typed <see cref="HttpClient"/> behind <see cref="IGraphTokenClient"/>.</summary>
internal sealed class GraphTokenClient : IGraphTokenClient
{
    internal const string PageFields = "id,name,access_token,category,category_list,tasks";

    private readonly HttpClient _httpClient;
    private readonly FbTokensOptions _options;
    private readonly AppSecretProof _proof;
    private readonly TimeProvider _timeProvider;
    private readonly GraphUsageThrottle _throttle;
    private readonly GraphRetryPolicy _retryPolicy;
    private readonly ILogger _logger;
    private readonly string _versionedBase;

    // "{app-id}|{app-secret}", built on first use: the options are read once, at construction.
    private string? _appAccessToken;

    public GraphTokenClient(HttpClient httpClient, IOptions<FbTokensOptions> options, AppSecretProof proof, TimeProvider timeProvider, GraphUsageThrottle throttle, ILogger<GraphTokenClient> logger)
    {
        _httpClient = httpClient;
        _options = options.Value;
        _proof = proof;
        _timeProvider = timeProvider;
        _throttle = throttle;
        // The app's own settings: GraphRetryPredicates reads them from the request, so a host's pipeline honours them.
        _retryPolicy = new GraphRetryPolicy(options.Value.Resilience, timeProvider);
        _logger = logger;
        _versionedBase = GraphRequest.VersionedBase(_options.GraphBaseAddress, _options.GraphApiVersion);
    }

    public async Task<AccessTokenResponse> ExchangeCodeAsync(string code, Uri redirectUri, CancellationToken cancellationToken = default)
    {
        ArgumentChecks.Credential(code);
        ArgumentChecks.RedirectUri(redirectUri);
        var secret = RequireAppSecret(nameof(ExchangeCodeAsync));

        var request = new GraphRequest("ExchangeCode", HttpMethod.Post, "oauth/access_token", singleUse: true)
            .Add("client_id", _options.AppId)
            .Add("redirect_uri", redirectUri.AbsoluteUri)
            .AddSecret("client_secret", secret)
            .AddSecret("code", code);
        var payload = await SendAsync(request, GraphJsonContext.Default.SingleUseTokenPayload, cancellationToken).ConfigureAwait(false);
        var (expiresIn, expiresAt) = PayloadMapper.SpentCodeExpiry(payload.ExpiresIn, _timeProvider.GetUtcNow(), _logger, request.Operation);
        return new AccessTokenResponse(payload.AccessToken, SpentCodeTokenType(payload, request.Operation), expiresIn, expiresAt);
    }

    public Task<LongLivedTokenResponse> ExchangeForLongLivedTokenAsync(string shortLivedUserToken, CancellationToken cancellationToken = default)
    {
        ArgumentChecks.Credential(shortLivedUserToken);
        var secret = RequireAppSecret(nameof(ExchangeForLongLivedTokenAsync));
        return FbExchangeAsync("ExchangeForLongLivedToken", shortLivedUserToken, secret, sixtyDays: false, cancellationToken);
    }

    public Task<LongLivedTokenResponse> RenewSystemUserTokenAsync(string systemUserToken, CancellationToken cancellationToken = default)
    {
        ArgumentChecks.Credential(systemUserToken);
        var secret = RequireAppSecret(nameof(RenewSystemUserTokenAsync));
        return FbExchangeAsync("RenewSystemUserToken", systemUserToken, secret, sixtyDays: true, cancellationToken);
    }

    /// <summary><c>grant_type=fb_exchange_token</c>; for a 60-day system-user token with <c>set_token_expires_in_60_days=true</c>.</summary>
    private async Task<LongLivedTokenResponse> FbExchangeAsync(string operation, string token, string secret, bool sixtyDays, CancellationToken cancellationToken)
    {
        var request = new GraphRequest(operation, HttpMethod.Post, "oauth/access_token")
            .Add("grant_type", "fb_exchange_token")
            .Add("client_id", _options.AppId)
            .AddSecret("client_secret", secret);
        if (sixtyDays)
        {
            request.Add("set_token_expires_in_60_days", "true");
        }

        request.AddSecret("fb_exchange_token", token);
        request.Token = token;
        var payload = await SendAsync(request, GraphJsonContext.Default.TokenPayload, cancellationToken).ConfigureAwait(false);
        return ToLongLived(payload);
    }

    public IAsyncEnumerable<PageTokenResponse> GetPageTokensAsync(string userId, string userAccessToken, CancellationToken cancellationToken = default)
    {
        // Checked now, not at the first MoveNextAsync, so that bad input fails where the call is made.
        ArgumentChecks.UserId(userId);
        ArgumentChecks.Credential(userAccessToken);
        RequireProofSecretIfNeeded(nameof(GetPageTokensAsync));
        return EnumeratePageTokensAsync(userId, userAccessToken, cancellationToken);
    }

    private async IAsyncEnumerable<PageTokenResponse> EnumeratePageTokensAsync(string userId, string userAccessToken, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        var pageSize = _options.PageSize.ToString(System.Globalization.CultureInfo.InvariantCulture);
        var request = NewAccountsRequest(userId, userAccessToken)
            .Add("fields", PageFields)
            .Add("limit", pageSize);
        var pager = new PageTokenPager(_options.GraphBaseAddress, _options.Limits, _logger, request.Operation, request.Endpoint);
        var page = await SendAsync(request, GraphJsonContext.Default.AccountsPayload, cancellationToken).ConfigureAwait(false);
        var traceId = request.ResponseTraceId;

        while (true)
        {
            foreach (var entry in page.Data)
            {
                if (PayloadMapper.ToResponse(entry, request.Sensitive, _logger, request.Operation) is { } response)
                {
                    yield return response;
                }
            }

            if (!pager.TryGetNext(page.Data.Count, page.Paging, traceId, out var pagingQuery))
            {
                yield break;
            }

            // The next link is rebuilt, not followed as sent: its paging parameters on this request's own base,
            // version and path, with this client's token and proof (see PageTokenPager).
            var nextRequest = NewAccountsRequest(userId, userAccessToken);
            foreach (var (name, value) in pagingQuery)
            {
                nextRequest.Add(name, value);
            }

            if (!pagingQuery.Exists(p => p.Key == "fields"))
            {
                nextRequest.Add("fields", PageFields);
            }

            page = await SendAsync(nextRequest, GraphJsonContext.Default.AccountsPayload, cancellationToken).ConfigureAwait(false);
            traceId = nextRequest.ResponseTraceId;
        }
    }

    private GraphRequest NewAccountsRequest(string userId, string userAccessToken) =>
        WithUserToken(new GraphRequest("GetPageTokens", HttpMethod.Get, Uri.EscapeDataString(userId) + "/accounts", endpoint: "{user-id}/accounts") { KeepsTraceId = true }, userAccessToken);

    public async Task<ClientCodeResponse> GetClientCodeAsync(string longLivedUserToken, Uri redirectUri, CancellationToken cancellationToken = default)
    {
        ArgumentChecks.Credential(longLivedUserToken);
        ArgumentChecks.RedirectUri(redirectUri);
        var secret = RequireAppSecret(nameof(GetClientCodeAsync));

        var request = WithUserToken(
            new GraphRequest("GetClientCode", HttpMethod.Post, "oauth/client_code")
                .Add("client_id", _options.AppId)
                .AddSecret("client_secret", secret)
                .Add("redirect_uri", redirectUri.AbsoluteUri),
            longLivedUserToken);
        var payload = await SendAsync(request, GraphJsonContext.Default.ClientCodePayload, cancellationToken).ConfigureAwait(false);
        return new ClientCodeResponse(payload.Code, payload.MachineId);
    }

    public async Task<LongLivedTokenResponse> RedeemClientCodeAsync(string code, Uri redirectUri, string? machineId = null, CancellationToken cancellationToken = default)
    {
        ArgumentChecks.Credential(code);
        ArgumentChecks.RedirectUri(redirectUri);
        ArgumentChecks.OptionalMachineId(machineId);

        // The client-side redemption: never the app secret, and no access token to prove.
        var request = new GraphRequest("RedeemClientCode", HttpMethod.Post, "oauth/access_token", singleUse: true)
            .AddSecret("code", code)
            .Add("client_id", _options.AppId)
            .Add("redirect_uri", redirectUri.AbsoluteUri);
        if (machineId is not null)
        {
            request.Add("machine_id", machineId);
        }

        var payload = await SendAsync(request, GraphJsonContext.Default.SingleUseTokenPayload, cancellationToken).ConfigureAwait(false);
        var (expiresIn, expiresAt) = PayloadMapper.SpentCodeExpiry(payload.ExpiresIn, _timeProvider.GetUtcNow(), _logger, request.Operation);
        var machine = PayloadMapper.SpentCodeText(payload.MachineId, _logger, request.Operation, "machine_id", credentialLike: true);
        return new LongLivedTokenResponse(payload.AccessToken, SpentCodeTokenType(payload, request.Operation), expiresIn, expiresAt, machine);
    }

    public async Task<DebugTokenResponse> DebugTokenAsync(string inputToken, CancellationToken cancellationToken = default)
    {
        ArgumentChecks.Credential(inputToken);
        var secret = RequireAppSecret(nameof(DebugTokenAsync));

        // input_token stays a query parameter: it is the token being inspected, not this call's credential. The
        // credential, the app token, goes in the Authorization header unless FbTokens:SendAccessTokenInHeader is off
        // (GraphRequest.AddAccessToken).
        var request = new GraphRequest("DebugToken", HttpMethod.Get, "debug_token")
            .AddSecret("input_token", inputToken)
            .AddAccessToken(_appAccessToken ??= string.Concat(_options.AppId, "|", secret), _options.SendAccessTokenInHeader);
        request.Token = inputToken;
        var envelope = await SendAsync(request, GraphJsonContext.Default.DebugTokenEnvelope, cancellationToken).ConfigureAwait(false);
        return PayloadMapper.ToResponse(envelope.Data, request.Sensitive, _logger, request.Operation);
    }

    public async Task<AccessTokenResponse> GetAppAccessTokenAsync(CancellationToken cancellationToken = default)
    {
        var secret = RequireAppSecret(nameof(GetAppAccessTokenAsync));
        var request = new GraphRequest("GetAppAccessToken", HttpMethod.Post, "oauth/access_token")
            .Add("client_id", _options.AppId)
            .AddSecret("client_secret", secret)
            .Add("grant_type", "client_credentials");
        var payload = await SendAsync(request, GraphJsonContext.Default.TokenPayload, cancellationToken).ConfigureAwait(false);
        var (expiresIn, expiresAt) = Expiry(payload.ExpiresIn);
        return new AccessTokenResponse(payload.AccessToken, payload.TokenType ?? "bearer", expiresIn, expiresAt);
    }

    /// <summary>
    /// Adds a user, page or system-user token (on a GET in the Authorization header, or the query when
    /// FbTokens:SendAccessTokenInHeader is off; in the form on a POST) and,
    /// when enabled, its <c>appsecret_proof</c>, which Graph reads only as a parameter.
    /// </summary>
    private GraphRequest WithUserToken(GraphRequest request, string accessToken)
    {
        request.AddAccessToken(accessToken, _options.SendAccessTokenInHeader);
        request.Token = accessToken;
        if (_options.UseAppSecretProof)
        {
            request.AddSecret("appsecret_proof", _proof.Compute(accessToken));
        }

        return request;
    }

    /// <summary>Sends the message built from <paramref name="request"/> and returns its payload; <see cref="GraphOperationScope"/> keeps the record.</summary>
    private async ValueTask<T> SendAsync<T>(GraphRequest request, JsonTypeInfo<T> typeInfo, CancellationToken cancellationToken)
        where T : class
    {
        request.Limits = _options.Limits;
        request.Payload = typeInfo;
        request.RetryPolicy = _retryPolicy;

        // The app secret can come back even where the request does not carry it (e.g. inside a proxy's error page).
        request.Sensitive.Add(_options.AppSecret);
        using var message = request.ToHttpRequestMessage(_versionedBase);
        using var operation = GraphOperationScope.Start(request, _logger, _timeProvider);
        try
        {
            await _throttle.WaitIfThrottledAsync(request.Operation, cancellationToken).ConfigureAwait(false);
            using var response = await _httpClient.SendAsync(message, HttpCompletionOption.ResponseHeadersRead, cancellationToken).ConfigureAwait(false);
            var result = await GraphResponseReader.ReadAsync(response, typeInfo, request, _timeProvider, cancellationToken).ConfigureAwait(false);
            operation.Succeeded((int)response.StatusCode);
            return result;
        }
        catch (Exception ex)
        {
            if (operation.Failed(ex, cancellationToken) is { } clean)
            {
                throw clean;
            }

            throw;
        }
    }

    private LongLivedTokenResponse ToLongLived(TokenPayload payload)
    {
        var (expiresIn, expiresAt) = Expiry(payload.ExpiresIn);
        return PayloadMapper.ToLongLived(payload, expiresIn, expiresAt);
    }

    /// <summary>
    /// The lifetime of a token from an operation that spent no code. <see cref="ExpiresInConverter"/> has already
    /// rejected anything but 1 to ten years (a protocol error keeping the status); absent means Graph gave no expiry.
    /// </summary>
    private (TimeSpan? ExpiresIn, DateTimeOffset? ExpiresAt) Expiry(long? seconds) =>
        seconds is { } s && PayloadMapper.Expiry(s, _timeProvider.GetUtcNow()) is { } expiry ? expiry : (null, null);

    private string SpentCodeTokenType(SingleUseTokenPayload payload, string operation) =>
        PayloadMapper.SpentCodeText(payload.TokenType, _logger, operation, "token_type") ?? "bearer";

    private string RequireAppSecret(string operation) =>
        _options.AppSecret is { Length: > 0 } secret
            ? secret
            : throw new InvalidOperationException($"{operation} needs the app secret: set FbTokens:AppSecret. Only RedeemClientCodeAsync works without it.");

    private void RequireProofSecretIfNeeded(string operation)
    {
        if (_options.UseAppSecretProof && !_proof.IsAvailable)
        {
            throw new InvalidOperationException($"{operation} sends appsecret_proof, which needs FbTokens:AppSecret: set it, or turn FbTokens:UseAppSecretProof off.");
        }
    }
}
