using System.Net.Http.Headers;
using System.Text;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace FbTokens.Internal;

/// <summary>
/// Attaches the token the request names (<see cref="GraphTokenHttpRequestMessageExtensions.WithGraphToken"/>), in the
/// <c>Authorization: Bearer</c> header (or the <c>access_token</c> parameter when
/// <see cref="FbTokensOptions.SendAccessTokenInHeader"/> is off), plus its <c>appsecret_proof</c> parameter; when Graph
/// rejects the token (190, 102 or a token subcode) it marks it, gets a replacement where one can be had, and retries
/// once, disposing the rejected response. Error bodies are read within <see cref="GraphResponseLimits.MaxErrorBodyBytes"/>.
/// </summary>
internal sealed class GraphAccessTokenHandler : DelegatingHandler
{
    private readonly TokenReader _tokens;
    private readonly RejectedTokenRecovery _recovery;
    private readonly TokenInvalidator _invalidator;
    private readonly AppSecretProof _proof;
    private readonly FbTokensOptions _options;
    private readonly ILogger _logger;
    private readonly TokenKey? _defaultKey;

    /// <summary>The operation named in a <see cref="GraphProtocolException"/> about a response read here.</summary>
    internal const string OperationName = "GraphAccessTokenHandler";

    public GraphAccessTokenHandler(
        TokenReader tokens,
        RejectedTokenRecovery recovery,
        TokenInvalidator invalidator,
        AppSecretProof proof,
        IOptions<FbTokensOptions> options,
        ILogger<GraphAccessTokenHandler> logger,
        TokenKey? defaultKey)
    {
        _tokens = tokens;
        _recovery = recovery;
        _invalidator = invalidator;
        _proof = proof;
        _options = options.Value;
        _logger = logger;
        _defaultKey = defaultKey;
    }

    protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(request);
        var key = request.Options.TryGetValue(GraphTokenHttpRequestMessageExtensions.TokenKeyOption, out var requested) && requested is not null
            ? requested
            : _defaultKey;
        if (key is null)
        {
            return await base.SendAsync(request, cancellationToken).ConfigureAwait(false);
        }

        var token = await _tokens.GetTokenAsync(key, cancellationToken).ConfigureAwait(false);

        // The key as the app stores it (a named app's keys carry its id): what recovery and invalidation act on.
        key = token.Key;
        if (request.Content is not null)
        {
            // The request may be sent twice: its body must be replayable.
            await LoadIntoBufferAsync(request.Content, cancellationToken).ConfigureAwait(false);
        }

        Attach(request, token);
        var response = await base.SendAsync(request, cancellationToken).ConfigureAwait(false);
        var rejection = await ReadRejectionAsync(response, token.Value, cancellationToken).ConfigureAwait(false);
        if (rejection is null)
        {
            return response;
        }

        LifecycleLog.HandlerTokenRejected(_logger, key, rejection.Code, rejection.ErrorSubcode);
        var reason = GraphErrorClassifier.ReasonFor(rejection.ErrorSubcode);
        var replacement = await _recovery.RecoverAsync(key, token.Version, reason, cancellationToken).ConfigureAwait(false);

        if (replacement is null || replacement.Value == token.Value)
        {
            return response;
        }

        response.Dispose();
        LifecycleLog.HandlerRetrying(_logger, key);
        Attach(request, replacement);
        var retried = await base.SendAsync(request, cancellationToken).ConfigureAwait(false);
        var second = await ReadRejectionAsync(retried, replacement.Value, cancellationToken).ConfigureAwait(false);
        if (second is not null)
        {
            // At most one retry: the replacement was rejected too, so it is marked and the response goes back as it is.
            LifecycleLog.HandlerTokenRejected(_logger, key, second.Code, second.ErrorSubcode);
            await _invalidator.MarkInvalidAsync(key, GraphErrorClassifier.ReasonFor(second.ErrorSubcode), replacement.Version, cancellationToken).ConfigureAwait(false);
        }

        return retried;
    }

    private void Attach(HttpRequestMessage request, StoredToken token)
    {
        var uri = request.RequestUri ?? throw new InvalidOperationException("The request has no URI.");
        if (!uri.IsAbsoluteUri)
        {
            throw new InvalidOperationException("The request URI must be absolute (set HttpClient.BaseAddress or use an absolute URI).");
        }

        if (!IsGraphHost(uri))
        {
            // A token is never sent to any host but the configured Graph host.
            throw new InvalidOperationException($"Refusing to attach a Graph token to a request for {uri.Host}: it is not the configured Graph host.");
        }

        var query = new StringBuilder();
        foreach (var part in uri.Query.TrimStart('?').Split('&'))
        {
            if (part.Length == 0 || part.StartsWith("access_token=", StringComparison.Ordinal) || part.StartsWith("appsecret_proof=", StringComparison.Ordinal))
            {
                continue;
            }

            query.Append(query.Length == 0 ? '?' : '&').Append(part);
        }

        // A stale access_token or appsecret_proof the URI carried is dropped above: Graph prefers the parameter to the
        // header, so one left in place would be used instead of this token.
        if (_options.SendAccessTokenInHeader)
        {
            request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", token.Value);
        }
        else
        {
            query.Append(query.Length == 0 ? '?' : '&').Append("access_token=").Append(Uri.EscapeDataString(token.Value));
        }

        if (_options.UseAppSecretProof && token.Key.Kind != TokenKind.App)
        {
            query.Append(query.Length == 0 ? '?' : '&').Append("appsecret_proof=").Append(_proof.Compute(token.Value));
        }

        request.RequestUri = new Uri(uri.GetLeftPart(UriPartial.Path) + query + uri.Fragment, UriKind.Absolute);
    }

    private bool IsGraphHost(Uri uri) =>
        string.Equals(uri.Host, _options.GraphBaseAddress.Host, StringComparison.OrdinalIgnoreCase)
        && uri.Port == _options.GraphBaseAddress.Port
        && string.Equals(uri.Scheme, _options.GraphBaseAddress.Scheme, StringComparison.OrdinalIgnoreCase);

    private static Task LoadIntoBufferAsync(HttpContent content, CancellationToken cancellationToken)
    {
#if NET9_0_OR_GREATER
        return content.LoadIntoBufferAsync(cancellationToken);
#else
        cancellationToken.ThrowIfCancellationRequested();
        return content.LoadIntoBufferAsync();
#endif
    }

    /// <summary>
    /// Graph's error when the response says the token is unusable (and not merely a temporary fault); else null. The
    /// body is read as the client reads error bodies (<see cref="ResponseBody.ReadErrorAsync"/>): within
    /// <see cref="GraphResponseLimits.MaxErrorBodyBytes"/>, and buffered, so the caller can still read the body of a
    /// response handed back to it.
    /// </summary>
    /// <exception cref="GraphProtocolException">The body is past the limit or does not decode; the response is disposed.</exception>
    private async Task<ErrorPayload?> ReadRejectionAsync(HttpResponseMessage response, string token, CancellationToken cancellationToken)
    {
        if (response.IsSuccessStatusCode || (int)response.StatusCode >= 500)
        {
            return null;
        }

        // Describes the read for the limits, the error message and the masking of the trace id.
        var read = new GraphRequest(OperationName, HttpMethod.Get, string.Empty) { Limits = _options.Limits };
        read.Sensitive.Add(token);
        read.Sensitive.Add(_options.AppSecret);
        byte[] body;
        try
        {
            body = await ResponseBody.ReadErrorAsync(response, read, cancellationToken).ConfigureAwait(false);
        }
        catch (GraphProtocolException)
        {
            response.Dispose();
            throw;
        }

        var error = GraphResponseReader.TryParseError(body);
        return error is not null && error.IsTransient != true && GraphErrorClassifier.IsAuthError(error.Code, error.ErrorSubcode) ? error : null;
    }
}
