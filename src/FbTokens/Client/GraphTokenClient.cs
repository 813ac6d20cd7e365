using System.Diagnostics;
using System.Globalization;
using System.Runtime.CompilerServices;
using System.Text.Json.Serialization.Metadata;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Polly.CircuitBreaker;
using Polly.Timeout;

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
    private readonly ILogger _logger;
    private readonly string _versionedBase;

    public GraphTokenClient(HttpClient httpClient, IOptions<FbTokensOptions> options, AppSecretProof proof, TimeProvider timeProvider, GraphUsageThrottle throttle, ILogger<GraphTokenClient> logger)
    {
        _httpClient = httpClient;
        _options = options.Value;
        _proof = proof;
        _timeProvider = timeProvider;
        _throttle = throttle;
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

    public async Task<LongLivedTokenResponse> ExchangeForLongLivedTokenAsync(string shortLivedUserToken, CancellationToken cancellationToken = default)
    {
        ArgumentChecks.Credential(shortLivedUserToken);
        var secret = RequireAppSecret(nameof(ExchangeForLongLivedTokenAsync));

        var request = new GraphRequest("ExchangeForLongLivedToken", HttpMethod.Post, "oauth/access_token")
            .Add("grant_type", "fb_exchange_token")
            .Add("client_id", _options.AppId)
            .AddSecret("client_secret", secret)
            .AddSecret("fb_exchange_token", shortLivedUserToken);
        request.Token = shortLivedUserToken;
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
            .AddAccessToken(string.Concat(_options.AppId, "|", secret), _options.SendAccessTokenInHeader);
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

    /// <summary>Sends the message built from <paramref name="request"/> and reads the payload.</summary>
    private async Task<T> SendAsync<T>(GraphRequest request, JsonTypeInfo<T> typeInfo, CancellationToken cancellationToken)
        where T : class
    {
        request.Limits = _options.Limits;

        // The app secret can come back even where the request does not carry it (e.g. inside a proxy's error page).
        request.Sensitive.Add(_options.AppSecret);
        using var message = request.ToHttpRequestMessage(_versionedBase);
        // No name is built, nor tag set, unless someone listens.
        using var activity = GraphTelemetry.Source.HasListeners() ? GraphTelemetry.Source.StartActivity("FbTokens " + request.Operation, ActivityKind.Internal) : null;
        activity?.SetTag(GraphTelemetry.OperationTag, request.Operation);
        activity?.SetTag(GraphTelemetry.EndpointTag, request.Endpoint);
        if (request.Token is { } token && _logger.IsEnabled(LogLevel.Trace))
        {
            var fingerprint = SecretMask.Token(token);
            Log.TokenFingerprint(_logger, request.Operation, fingerprint);
        }

        // Reading the clock costs as much as a dictionary lookup: only when a duration is recorded or logged.
        var timed = GraphTelemetry.Duration.Enabled || _logger.IsEnabled(LogLevel.Warning);
        var started = timed ? _timeProvider.GetTimestamp() : 0;
        var outcome = "success";
        int? status = null;
        try
        {
            await _throttle.WaitIfThrottledAsync(request.Operation, cancellationToken).ConfigureAwait(false);
            using var response = await _httpClient.SendAsync(message, HttpCompletionOption.ResponseHeadersRead, cancellationToken).ConfigureAwait(false);
            status = (int)response.StatusCode;
            var result = await GraphResponseReader.ReadAsync(response, typeInfo, request, _timeProvider, cancellationToken).ConfigureAwait(false);
            if (_logger.IsEnabled(LogLevel.Debug))
            {
                var elapsed = Elapsed(started);
                Log.OperationSucceeded(_logger, request.Operation, request.Endpoint, status.Value, elapsed, request.Attempts);
            }

            return result;
        }
        catch (GraphApiException ex)
        {
            outcome = "graph_error";
            RecordGraphError(activity, request, ex, started);
            throw;
        }
        catch (GraphProtocolException ex)
        {
            outcome = "protocol_error";
            activity?.SetStatus(ActivityStatusCode.Error, nameof(GraphProtocolException));
            activity?.SetTag(GraphTelemetry.ErrorTypeTag, nameof(GraphProtocolException));
            activity?.SetTag(GraphTelemetry.TraceIdTag, ex.FbTraceId);
            Log.ProtocolError(_logger, request.Operation, request.Endpoint, (int?)ex.StatusCode, Elapsed(started));
            throw;
        }
        catch (OperationCanceledException ex) when (cancellationToken.IsCancellationRequested)
        {
            outcome = "canceled";
            if (Sanitized(ex, request) is { } clean)
            {
                throw clean;
            }

            throw;
        }
        catch (Exception ex) when (ex is HttpRequestException or TimeoutRejectedException or BrokenCircuitException or OperationCanceledException)
        {
            outcome = ex switch
            {
                TimeoutRejectedException => "timeout",
                BrokenCircuitException => "circuit_open",
                OperationCanceledException => "timeout",
                _ => "network_error",
            };
            activity?.SetStatus(ActivityStatusCode.Error, ex.GetType().Name);
            activity?.SetTag(GraphTelemetry.ErrorTypeTag, ex.GetType().FullName);
            if (_logger.IsEnabled(LogLevel.Warning))
            {
                Log.OperationAborted(_logger, request.Operation, request.Endpoint, ex.GetType().Name, Elapsed(started), request.Attempts);
            }

            if (Sanitized(ex, request) is { } clean)
            {
                throw clean;
            }

            throw;
        }
        catch (Exception ex)
        {
            // Whatever else a transport or a host's handler throws (IOException, SocketException, …): never with a secret.
            outcome = ex is IOException or System.Net.Sockets.SocketException or System.Security.Authentication.AuthenticationException ? "network_error" : "error";
            activity?.SetStatus(ActivityStatusCode.Error, ex.GetType().Name);
            activity?.SetTag(GraphTelemetry.ErrorTypeTag, ex.GetType().FullName);
            if (Sanitized(ex, request) is { } clean)
            {
                throw clean;
            }

            throw;
        }
        finally
        {
            var operationTag = new KeyValuePair<string, object?>(GraphTelemetry.OperationTag, request.Operation);
            var outcomeTag = new KeyValuePair<string, object?>(GraphTelemetry.OutcomeTag, outcome);
            GraphTelemetry.Operations.Add(1, operationTag, outcomeTag);
            if (timed)
            {
                GraphTelemetry.Duration.Record(_timeProvider.GetElapsedTime(started).TotalSeconds, operationTag, outcomeTag);
            }

            activity?.SetTag(GraphTelemetry.OutcomeTag, outcome);
            activity?.SetTag(GraphTelemetry.AttemptTag, request.Attempts);
            if (status is { } s)
            {
                activity?.SetTag(GraphTelemetry.StatusTag, s);
            }
        }
    }

    /// <summary>A clean replacement for a transport exception whose text holds a secret of the request; null when it holds none.</summary>
    private static Exception? Sanitized(Exception exception, GraphRequest request)
    {
        var clean = TransportExceptionScrubber.Sanitize(exception, request.Sensitive);
        return ReferenceEquals(clean, exception) ? null : clean;
    }

    private void RecordGraphError(Activity? activity, GraphRequest request, GraphApiException ex, long started)
    {
        // Masked when the error was built from the response; masked again here, as a tag and a log are no place to trust that.
        var traceId = request.Sensitive.Scrub(ex.FbTraceId);
        var operationTag = new KeyValuePair<string, object?>(GraphTelemetry.OperationTag, request.Operation);
        GraphTelemetry.Errors.Add(1, operationTag, new KeyValuePair<string, object?>(GraphTelemetry.CodeTag, ex.Code));
        if (activity is not null)
        {
            activity.SetStatus(ActivityStatusCode.Error, ex.GetType().Name);
            activity.SetTag(GraphTelemetry.ErrorTypeTag, ex.GetType().FullName);
            activity.SetTag(GraphTelemetry.CodeTag, ex.Code);
            activity.SetTag(GraphTelemetry.SubcodeTag, ex.Subcode);
            activity.SetTag(GraphTelemetry.TraceIdTag, traceId);
            if (ex is GraphAuthException auth)
            {
                activity.SetTag(GraphTelemetry.ReasonTag, auth.Reason.ToString());
            }
        }

        if (ex is GraphRateLimitException limited)
        {
            GraphTelemetry.RateLimits.Add(1, operationTag, new KeyValuePair<string, object?>(GraphTelemetry.OutcomeTag, "graph_rate_limit"));
            if (_logger.IsEnabled(LogLevel.Warning))
            {
                Log.RateLimited(_logger, request.Operation, request.Endpoint, ex.Code, traceId, limited.RetryAfter?.TotalMilliseconds, limited.Usage?.MaxPercent);
            }
        }
        else if (_logger.IsEnabled(LogLevel.Warning))
        {
            // "190/460", or "100" alone when Graph sent no subcode.
            var graphError = ex.Subcode is { } subcode
                ? string.Create(CultureInfo.InvariantCulture, $"{ex.Code}/{subcode}")
                : ex.Code.ToString(CultureInfo.InvariantCulture);
            Log.OperationFailed(_logger, request.Operation, request.Endpoint, (int)ex.StatusCode, graphError, traceId, Elapsed(started), request.Attempts);
        }
    }

    private double Elapsed(long started) => _timeProvider.GetElapsedTime(started).TotalMilliseconds;

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
