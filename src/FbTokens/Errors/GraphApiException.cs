using System.Globalization;
using System.Net;

namespace FbTokens;

/// <summary>
/// Graph answered with its error envelope (<c>{"error":{…}}</c>). Subclasses name the cases a caller handles
/// differently: <see cref="GraphAuthException"/> (the token is unusable) and <see cref="GraphRateLimitException"/>.
/// </summary>
/// <remarks>The message, <see cref="object.ToString"/> and every text property never contain the app secret, a token, a
/// code or an <c>appsecret_proof</c>: any value the request carried is replaced by <c>***</c> should the response echo
/// it, verbatim, URL-encoded or JSON-escaped. <see cref="Code"/> is 0 when Graph's envelope has no <c>code</c>; Graph
/// sends its error envelope with HTTP 200 at times, and that is a <see cref="GraphApiException"/> too.</remarks>
public class GraphApiException : Exception
{
    /// <summary>Creates the exception from the parts of Graph's error envelope.</summary>
    /// <param name="statusCode">The HTTP status of the response.</param>
    /// <param name="error">The error Graph sent.</param>
    /// <param name="innerException">The cause, if any.</param>
    public GraphApiException(HttpStatusCode statusCode, GraphError error, Exception? innerException = null)
        : base(Describe(statusCode, error ?? throw new ArgumentNullException(nameof(error))), innerException)
    {
        StatusCode = statusCode;
        Error = error;
    }

    /// <summary>The HTTP status of the response.</summary>
    public HttpStatusCode StatusCode { get; }

    /// <summary>The whole error Graph sent.</summary>
    public GraphError Error { get; }

    /// <summary>Graph's error <c>code</c>, e.g. 190 (invalid token), 4 (app rate limit), 100 (invalid parameter).</summary>
    public int Code => Error.Code;

    /// <summary>Graph's <c>error_subcode</c>, if any.</summary>
    public int? Subcode => Error.Subcode;

    /// <summary>Graph's error <c>type</c>, e.g. <c>OAuthException</c>.</summary>
    public string? ErrorType => Error.Type;

    /// <summary>Graph's <c>fbtrace_id</c>: quote it when reporting a problem to Meta. From the body, else from the
    /// <c>x-fb-trace-id</c> header when that has the shape of a trace id (at most 64 ASCII letters, digits or <c>_-+/=</c>); masked.</summary>
    public string? FbTraceId => Error.FbTraceId;

    /// <summary>Whether the error is temporary: Graph's <c>is_transient</c>, or a code Graph documents as temporary
    /// (2, 341, and 1 when the HTTP status is 5xx).</summary>
    public bool IsTransient => Error.IsTransient || Internal.GraphErrorClassifier.IsTransientCode(Error.Code, StatusCode);

    /// <summary>
    /// True when the person must act on facebook.com before this works again, and logging into the app would not help:
    /// subcode 459 (checkpoint: log in at facebook.com and follow the instructions), 464 (confirm the account) or code 368
    /// (temporarily blocked for policy violations: wait, do not retry in a loop). Meta does not say that the token is gone,
    /// so keep it and check it again (<c>debug_token</c>) once the person has acted; show <see cref="UserMessage"/> when Graph
    /// sent one. <see cref="GraphAuthException.RequiresReauthentication"/> is false for these.
    /// </summary>
    public bool RequiresUserAction => Internal.GraphErrorClassifier.RequiresUserAction(Error.Code, Error.Subcode);

    /// <summary>Graph's <c>error_user_title</c>: a title meant for the person using the app.</summary>
    public string? UserTitle => Error.UserTitle;

    /// <summary>Graph's <c>error_user_msg</c>: a message meant for the person using the app.</summary>
    public string? UserMessage => Error.UserMessage;

    /// <summary>Graph's <c>error_data</c> as raw JSON text (a JSON string with its quotes, or an object), masked;
    /// null when Graph sent none.</summary>
    public string? ErrorData => Error.ErrorData;

    /// <summary>The response's <c>WWW-Authenticate</c> header (Graph sends it with token errors), masked; null when absent.</summary>
    public string? WwwAuthenticate => Error.WwwAuthenticate;

    private static string Describe(HttpStatusCode statusCode, GraphError error)
    {
        var subcode = error.Subcode is { } s ? string.Create(CultureInfo.InvariantCulture, $"/{s}") : string.Empty;
        var trace = error.FbTraceId is null ? string.Empty : $" (fbtrace_id {error.FbTraceId})";
        return string.Create(CultureInfo.InvariantCulture,
            $"Graph error {error.Code}{subcode} ({error.Type ?? "unknown type"}, HTTP {(int)statusCode}): {error.Message}{trace}");
    }
}
