using System.Net;

namespace FbTokens;

/// <summary>
/// The response was not what Graph sends: HTML from a proxy, an empty or truncated body, missing or mistyped
/// fields, or a paging link to another host.
/// </summary>
public sealed class GraphProtocolException : Exception
{
    /// <summary>Creates the exception.</summary>
    /// <param name="message">What was wrong (never contains a token or secret).</param>
    /// <param name="statusCode">The HTTP status of the response, when there was one.</param>
    /// <param name="innerException">The cause, e.g. a <see cref="System.Text.Json.JsonException"/>.</param>
    public GraphProtocolException(string message, HttpStatusCode? statusCode = null, Exception? innerException = null)
        : base(message, innerException)
    {
        StatusCode = statusCode;
    }

    /// <summary>The HTTP status of the response, when there was one.</summary>
    public HttpStatusCode? StatusCode { get; }
}
