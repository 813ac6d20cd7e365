using System.Globalization;
using System.Net;
using System.Text;
using System.Text.Json;
using System.Text.Json.Serialization;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace FbTokens.Internal;

/// <summary>The outcome of one <c>debug_token</c> operation in a batch.</summary>
/// <param name="Response">What Graph said about the token; null when the operation did not complete.</param>
/// <param name="Retry">True when Graph did not complete the operation (<c>null</c> entry, 5xx or transient error): send it again.</param>
internal readonly record struct BatchDebugResult(DebugTokenResponse? Response, bool Retry);

/// <summary>
/// Checks up to 50 tokens per request with Graph's batch API: <c>POST {base}/</c> with the app token and
/// <c>batch=[{"method":"GET","relative_url":"vNN.N/debug_token?input_token=…"},…]</c>. Uses the app's own named
/// <see cref="HttpClient"/> (<c>FbTokens</c>, or <c>FbTokens:{name}</c>), so its resilience pipeline (and any emulator
/// handler) applies.
/// </summary>
internal sealed class GraphBatchDebugClient
{
    public const string OperationName = "BatchDebugToken";

    private readonly IHttpClientFactory _httpClientFactory;
    private readonly FbTokensOptions _options;
    private readonly TimeProvider _timeProvider;
    private readonly ILogger _logger;
    private int _requestCount;

    public GraphBatchDebugClient(IHttpClientFactory httpClientFactory, IOptions<FbTokensOptions> options, TimeProvider timeProvider, ILogger<GraphBatchDebugClient> logger)
    {
        _httpClientFactory = httpClientFactory;
        _options = options.Value;
        _timeProvider = timeProvider;
        _logger = logger;
    }

    /// <summary>How many batch requests this client has sent.</summary>
    public int RequestCount => Volatile.Read(ref _requestCount);

    public async Task<BatchDebugResult[]> DebugAsync(IReadOnlyList<string> inputTokens, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(inputTokens);
        if (inputTokens.Count is 0 or > TokenManagerOptions.MaxSweepBatchSize)
        {
            throw new ArgumentOutOfRangeException(nameof(inputTokens), inputTokens.Count, "A batch holds 1 to 50 operations.");
        }

        var secret = _options.AppSecret is { Length: > 0 } s
            ? s
            : throw new InvalidOperationException("Batched debug_token needs the app secret: set FbTokens:AppSecret.");

        var request = new GraphRequest(OperationName, HttpMethod.Post, string.Empty);
        request.Limits = _options.Limits;
        var appToken = string.Concat(_options.AppId, "|", secret);
        request.Sensitive.Add(appToken);
        request.Sensitive.Add(secret);

        var operations = new List<BatchOperationPayload>(inputTokens.Count);
        foreach (var token in inputTokens)
        {
            ArgumentChecks.Credential(token, nameof(inputTokens));
            request.Sensitive.Add(token);
            operations.Add(new BatchOperationPayload
            {
                Method = "GET",
                RelativeUrl = string.Concat(_options.GraphApiVersion, "/debug_token?input_token=", Uri.EscapeDataString(token)),
            });
        }

        var form = new[]
        {
            new KeyValuePair<string, string>("access_token", appToken),
            new KeyValuePair<string, string>("include_headers", "false"),
            new KeyValuePair<string, string>("batch", JsonSerializer.Serialize(operations, LifecycleJsonContext.Default.ListBatchOperationPayload)),
        };

        using var message = new HttpRequestMessage(HttpMethod.Post, BatchEndpoint(_options.GraphBaseAddress))
        {
            Content = new FormUrlEncodedContent(form),
        };
        message.Options.Set(GraphRequestOptions.Request, request);

        var client = _httpClientFactory.CreateClient(FbTokensApps.HttpClientName(_options.AppName));
        Interlocked.Increment(ref _requestCount);
        List<BatchResponseItemPayload?> items;
        HttpStatusCode status;
        string? traceId;
        try
        {
            using var response = await client.SendAsync(message, HttpCompletionOption.ResponseHeadersRead, cancellationToken).ConfigureAwait(false);
            status = response.StatusCode;
            items = await GraphResponseReader.ReadAsync(response, LifecycleJsonContext.Default.ListBatchResponseItemPayload, request, _timeProvider, cancellationToken).ConfigureAwait(false);
            traceId = items.Count == inputTokens.Count ? null : GraphTraceId.Of(response, request.Sensitive);
        }
        catch (Exception ex) when (ex is not (GraphApiException or GraphProtocolException)
            && TransportExceptionScrubber.Sanitize(ex, request.Sensitive) is var clean && !ReferenceEquals(clean, ex))
        {
            // A transport exception whose text carries the request (the app token, the tokens checked): the sweep
            // logs it, so it leaves here masked, as the client's own do (GraphTokenClient.SendAsync).
            throw clean;
        }

        if (items.Count != inputTokens.Count)
        {
            throw new GraphProtocolException(
                string.Create(CultureInfo.InvariantCulture, $"Graph answered a batch of {inputTokens.Count} operations with {items.Count} results."), status, fbTraceId: traceId);
        }

        var results = new BatchDebugResult[items.Count];
        for (var i = 0; i < items.Count; i++)
        {
            results[i] = ToResult(items[i], request.Sensitive, _logger);
        }

        return results;
    }

    internal static Uri BatchEndpoint(Uri graphBase)
    {
        var text = graphBase.AbsoluteUri;
        return text.EndsWith('/') ? graphBase : new Uri(text + "/", UriKind.Absolute);
    }

    /// <summary>
    /// One operation's outcome. Parsed as <see cref="IGraphTokenClient.DebugTokenAsync"/> parses its answer (null array
    /// entries skipped, far-future timestamps null and logged, numeric ids accepted); a body that the client would call a
    /// protocol error gives no verdict and is not retried.
    /// </summary>
    private static BatchDebugResult ToResult(BatchResponseItemPayload? item, SensitiveValues sensitive, ILogger logger)
    {
        if (item is null)
        {
            return new BatchDebugResult(null, Retry: true);
        }

        var body = item.Body is null ? [] : Encoding.UTF8.GetBytes(item.Body);
        if (item.Code is >= 200 and <= 299)
        {
            try
            {
                var envelope = JsonSerializer.Deserialize(body, GraphJsonContext.Default.DebugTokenEnvelope);
                return envelope is null || envelope.MissingField is not null
                    ? new BatchDebugResult(null, Retry: false)
                    : new BatchDebugResult(PayloadMapper.ToResponse(envelope.Data, sensitive, logger, OperationName), Retry: false);
            }
            catch (JsonException)
            {
                return new BatchDebugResult(null, Retry: false);
            }
        }

        // A per-operation error is not a verdict on the token (only is_valid:false is): retry what Graph calls temporary.
        var error = GraphResponseReader.TryParseError(body);
        var transient = item.Code >= 500 || item.Code == (int)HttpStatusCode.TooManyRequests
            || (error is not null && (error.IsTransient == true || GraphErrorClassifier.IsTransientCode(error.Code, (HttpStatusCode)item.Code)));
        return new BatchDebugResult(null, transient);
    }
}

internal sealed class BatchOperationPayload
{
    [JsonPropertyName("method")] public required string Method { get; init; }
    [JsonPropertyName("relative_url")] public required string RelativeUrl { get; init; }
}

internal sealed class BatchResponseItemPayload
{
    [JsonPropertyName("code")] public int Code { get; init; }
    [JsonPropertyName("body")] public string? Body { get; init; }
}

[JsonSourceGenerationOptions(NumberHandling = JsonNumberHandling.AllowReadingFromString)]
[JsonSerializable(typeof(List<BatchOperationPayload>))]
[JsonSerializable(typeof(List<BatchResponseItemPayload?>))]
internal sealed partial class LifecycleJsonContext : JsonSerializerContext;
