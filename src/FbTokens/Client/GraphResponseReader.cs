using System.Globalization;
using System.Net;
using System.Text.Json;
using System.Text.Json.Serialization.Metadata;
using Polly.Timeout;

namespace FbTokens.Internal;

/// <summary>Turns an HTTP response into a payload, or into the typed exception that explains it.</summary>
internal static class GraphResponseReader
{
    public static async Task<T> ReadAsync<T>(HttpResponseMessage response, JsonTypeInfo<T> typeInfo, GraphRequest request, TimeProvider timeProvider, CancellationToken cancellationToken)
        where T : class
    {
        // The default pipeline's attempt timeout, still running: the body must arrive within it too. One method, not
        // a wrapper around another, so the common path keeps a single async state machine.
        var timeout = request.TakeBodyTimeout(out var limit, out var isTotal);
        var token = timeout?.Token ?? cancellationToken;
        var link = timeout is null ? default : cancellationToken.UnsafeRegister(static state => ((CancellationTokenSource)state!).Cancel(), timeout);
        try
        {
            if (!response.IsSuccessStatusCode)
            {
                throw await ReadErrorAsync(response, request, timeProvider, token).ConfigureAwait(false);
            }

            var stream = await response.Content.ReadAsStreamAsync(token).ConfigureAwait(false);
            await using (stream.ConfigureAwait(false))
            {
                var payload = await JsonSerializer.DeserializeAsync(ResponseBody.Bound(stream, response, request), typeInfo, token).ConfigureAwait(false)
                    ?? throw new GraphProtocolException($"Graph answered {request.Operation} with a JSON null instead of an object.", response.StatusCode, fbTraceId: GraphTraceId.Of(response, request.Sensitive));
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
        }
        catch (JsonException ex)
        {
            // System.Text.Json names a position, not the data; masked all the same, as any text about the response is.
            throw new GraphProtocolException(
                $"Graph's {request.Operation} response is not the JSON Graph sends ({Describe(response)}): {request.Sensitive.Scrub(ex.Message)}", response.StatusCode, ex, GraphTraceId.Of(response, request.Sensitive));
        }
        catch (ResponseBodyTooLargeException)
        {
            throw ResponseBody.TooLarge(response, request, string.Empty, "MaxResponseBodyBytes", ResponseBody.LimitsOf(request).MaxResponseBodyBytes, null);
        }
        catch (Exception ex) when (ResponseBody.IsDecodeFailure(ex))
        {
            throw ResponseBody.Undecodable(response, request, string.Empty, ex);
        }
        catch (IOException ex)
        {
            throw new GraphProtocolException($"Graph's {request.Operation} response ended before it was complete ({Describe(response)}).", response.StatusCode, ex, GraphTraceId.Of(response, request.Sensitive));
        }
        catch (OperationCanceledException ex) when (timeout is not null && cancellationToken.IsCancellationRequested)
        {
            // What HttpClient itself throws for a cancelled read, with the caller's own token.
            throw new TaskCanceledException(ex.Message, ex, cancellationToken);
        }
        catch (OperationCanceledException ex) when (timeout is not null && timeout.IsCancellationRequested)
        {
            var which = isTotal ? "the operation's total timeout" : "the attempt timeout";
            throw new TimeoutRejectedException($"Graph's {request.Operation} response did not arrive in full within {which} of {limit}.", limit, ex);
        }
        finally
        {
            link.Dispose();
            timeout?.Dispose();
        }
    }

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
            return new GraphProtocolException($"Graph's {request.Operation} error response ended before it was complete ({Describe(response)}).", response.StatusCode, ex, GraphTraceId.Of(response, request.Sensitive));
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
        string.Create(CultureInfo.InvariantCulture, $"HTTP {(int)response.StatusCode}, {response.Content.Headers.ContentType?.MediaType ?? "no content type"}");

    public static bool IsSuccess(HttpStatusCode status) => (int)status is >= 200 and <= 299;
}
