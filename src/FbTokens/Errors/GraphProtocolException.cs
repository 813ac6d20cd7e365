using System.Net;

namespace FbTokens;

/// <summary>
/// The response was not what Graph sends: HTML from a proxy, an empty or truncated body, missing or mistyped
/// fields, or a paging link to another host.
/// </summary>
/// <remarks>It keeps the HTTP status and, when the response named one, Graph's trace id (<see cref="FbTraceId"/>):
/// quote it when reporting a problem to Meta. The message never contains a token or secret.</remarks>
public sealed class GraphProtocolException : Exception
{
    /// <summary>Creates the exception.</summary>
    /// <param name="message">What was wrong (never contains a token or secret).</param>
    /// <param name="statusCode">The HTTP status of the response, when there was one.</param>
    /// <param name="innerException">The cause, e.g. a <see cref="System.Text.Json.JsonException"/>.</param>
    /// <param name="fbTraceId">Graph's trace id for the response, when it named one; appended to the message as
    /// <c>(fbtrace_id …)</c>. It must already be masked.</param>
    public GraphProtocolException(string message, HttpStatusCode? statusCode = null, Exception? innerException = null, string? fbTraceId = null)
        : base(fbTraceId is null ? message : $"{message} (fbtrace_id {fbTraceId})", innerException)
    {
        StatusCode = statusCode;
        FbTraceId = fbTraceId;
    }

    /// <summary>The HTTP status of the response, when there was one.</summary>
    public HttpStatusCode? StatusCode { get; }

    /// <summary>
    /// Graph's trace id for the response, from its <c>x-fb-trace-id</c> header; null when the response had none, or
    /// one that is not a trace id (longer than 64 characters, or other than ASCII letters, digits and <c>_-+/=</c>).
    /// Masked like every string from the network: a value the request carried reads <c>***</c>.
    /// </summary>
    public string? FbTraceId { get; }
}
