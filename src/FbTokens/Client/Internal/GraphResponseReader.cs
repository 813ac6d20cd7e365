using System.Globalization;
using System.Text.Json;
using System.Text.Json.Serialization.Metadata;

namespace FbTokens.Internal;

/// <summary>
/// Turns an HTTP response into a payload, or into the typed exception that explains it. The body is read within the
/// HTTP attempt (<see cref="ReadWithinAttemptAsync"/>, from <see cref="GraphAttemptHandler"/>), so that the attempt's
/// timeout covers the body as well as the headers; the client then takes the result (<see cref="ReadAsync{T}"/>).
/// </summary>
internal static class GraphResponseReader
{
    /// <summary>
    /// Reads the body of <paramref name="response"/> under the attempt's <paramref name="cancellationToken"/>: an error
    /// body is buffered within <see cref="GraphResponseLimits.MaxErrorBodyBytes"/> (the retry decision and the client
    /// read it from memory); a success body is read whole into a pooled buffer within
    /// <see cref="GraphResponseLimits.MaxResponseBodyBytes"/> (<see cref="ResponseBody.ReadSuccessAsync"/>), parsed into
    /// <see cref="GraphRequest.Payload"/>, and the parsed payload takes the content's place.
    /// </summary>
    /// <exception cref="GraphProtocolException">The body is past its limit, does not decode or is not Graph's JSON.</exception>
    /// <exception cref="HttpRequestException">The connection broke while the body arrived (<see cref="HttpRequestError.ResponseEnded"/>).</exception>
    public static async ValueTask ReadWithinAttemptAsync(HttpResponseMessage response, GraphRequest request, CancellationToken cancellationToken)
    {
        if (!response.IsSuccessStatusCode)
        {
            try
            {
                _ = await ResponseBody.ReadErrorAsync(response, request, cancellationToken).ConfigureAwait(false);
            }
            catch (IOException ex)
            {
                throw Ended(response, request, "error ", ex);
            }
        }
        else if (request.Payload is { } typeInfo)
        {
            var payload = await ParseAsync(response, typeInfo, request, cancellationToken).ConfigureAwait(false);
            ParsedBodyContent.Replace(response, payload);
        }
    }

    /// <summary>
    /// The payload of <paramref name="response"/>, or the typed exception for it. The body was normally read within
    /// the attempt; it is read here, under the caller's token, when a handler outside the attempt (a host's chaos or
    /// caching handler) answered instead.
    /// </summary>
    public static async ValueTask<T> ReadAsync<T>(HttpResponseMessage response, JsonTypeInfo<T> typeInfo, GraphRequest request, TimeProvider timeProvider, CancellationToken cancellationToken)
        where T : class
    {
        if (!response.IsSuccessStatusCode)
        {
            throw await ReadErrorAsync(response, request, timeProvider, cancellationToken).ConfigureAwait(false);
        }

        var payload = (T)(ParsedBodyContent.Of(response) ?? await ParseAsync(response, typeInfo, request, cancellationToken).ConfigureAwait(false));
        if (payload is GraphPayloadBase { Error: { IsEnvelope: true } error })
        {
            // Graph's error envelope with a success status: the same error as with a 4xx.
            throw GraphErrorClassifier.Create(response.StatusCode, GraphErrorClassifier.ToGraphError(error, request.Sensitive, response.Headers), response.Headers, timeProvider);
        }

        if (request.KeepsTraceId)
        {
            // A paged read: the pager may stop after this page and names its trace id.
            request.ResponseTraceId = GraphTraceId.Of(response, request.Sensitive);
        }

        if (payload is IGraphPayload { MissingField: { } missing })
        {
            throw new GraphProtocolException($"Graph's {request.Operation} response lacks the required field '{missing}' ({Describe(response)}).", response.StatusCode, fbTraceId: GraphTraceId.Of(response, request.Sensitive));
        }

        return payload;
    }

    private static async ValueTask<object> ParseAsync(HttpResponseMessage response, JsonTypeInfo typeInfo, GraphRequest request, CancellationToken cancellationToken)
    {
        try
        {
            using var body = await ResponseBody.ReadSuccessAsync(response, request, cancellationToken).ConfigureAwait(false);
            return JsonSerializer.Deserialize(body.Span, typeInfo)
                ?? throw new GraphProtocolException($"Graph answered {request.Operation} with a JSON null instead of an object.", response.StatusCode, fbTraceId: GraphTraceId.Of(response, request.Sensitive));
        }
        catch (JsonException ex)
        {
            // System.Text.Json names a position, not the data; masked all the same, as any text about the response is.
            throw new GraphProtocolException(
                $"Graph's {request.Operation} response is not the JSON Graph sends ({Describe(response)}): {request.Sensitive.Scrub(ex.Message)}", response.StatusCode, ex, GraphTraceId.Of(response, request.Sensitive));
        }
        catch (Exception ex) when (ResponseBody.IsDecodeFailure(ex))
        {
            throw ResponseBody.Undecodable(response, request, string.Empty, ex);
        }
        catch (IOException ex)
        {
            throw Ended(response, request, string.Empty, ex);
        }
    }

    /// <summary>A connection that broke while a body arrived: a network failure (retried for safe operations), with Graph's status.</summary>
    private static HttpRequestException Ended(HttpResponseMessage response, GraphRequest request, string kind, IOException ex) =>
        new(HttpRequestError.ResponseEnded,
            string.Create(CultureInfo.InvariantCulture, $"Graph's {request.Operation} {kind}response (HTTP {(int)response.StatusCode}) ended before it was complete."),
            ex,
            response.StatusCode);

    public static async Task<Exception> ReadErrorAsync(HttpResponseMessage response, GraphRequest request, TimeProvider timeProvider, CancellationToken cancellationToken)
    {
        byte[] body;
        try
        {
            body = await ResponseBody.ReadErrorAsync(response, request, cancellationToken).ConfigureAwait(false);
        }
        catch (GraphProtocolException ex)
        {
            return ex;
        }
        catch (IOException ex)
        {
            return Ended(response, request, "error ", ex);
        }

        var error = TryParseError(body);
        if (error is null)
        {
            return new GraphProtocolException(
                $"Graph answered {request.Operation} with HTTP {(int)response.StatusCode} and a body that is not its error envelope ({Describe(response)}, {body.Length.ToString(CultureInfo.InvariantCulture)} bytes).",
                response.StatusCode,
                fbTraceId: GraphTraceId.Of(response, request.Sensitive));
        }

        return GraphErrorClassifier.Create(response.StatusCode, GraphErrorClassifier.ToGraphError(error, request.Sensitive, response.Headers), response.Headers, timeProvider);
    }

    /// <summary>
    /// Graph's error payload, or null when the body is not the error envelope. An envelope needs a <c>code</c>, a
    /// <c>type</c> or a <c>message</c> (<see cref="ErrorPayload.IsEnvelope"/>); without a code, its code is 0.
    /// </summary>
    public static ErrorPayload? TryParseError(ReadOnlySpan<byte> body)
    {
        if (body.IsEmpty)
        {
            return null;
        }

        try
        {
            return JsonSerializer.Deserialize(body, GraphJsonContext.Default.ErrorEnvelope)?.Error is { IsEnvelope: true } error ? error : null;
        }
        catch (JsonException)
        {
            return null;
        }
    }

    private static string Describe(HttpResponseMessage response) =>
        string.Create(CultureInfo.InvariantCulture, $"HTTP {(int)response.StatusCode}, {ParsedBodyContent.MediaTypeOf(response) ?? "no content type"}");
}
