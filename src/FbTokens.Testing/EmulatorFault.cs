namespace FbTokens.Testing;

/// <summary>A fault the emulator can inject into the next calls (see <see cref="EmulatorFaults.FailNext"/>).</summary>
public enum EmulatorFault
{
    /// <summary>HTTP 500 with Graph's error code 2 ("Service temporarily unavailable") and <c>is_transient: true</c>. The call is not processed.</summary>
    TransientError,

    /// <summary>HTTP 500 with Graph's error code 1 ("An unknown error has occurred.") and <c>is_transient: true</c>. The call is not processed.</summary>
    InternalServerError,

    /// <summary>HTTP 503 with an HTML body, as a front-end proxy sends. The call is not processed.</summary>
    ServiceUnavailable,

    /// <summary>HTTP 200 with the real answer cut in half (the call is processed: codes are spent).</summary>
    TruncatedBody,

    /// <summary>HTTP 200 with an HTML page instead of JSON, as a captive portal sends. The call is not processed.</summary>
    HtmlBody,

    /// <summary>HTTP 200 with an empty body. The call is not processed.</summary>
    EmptyBody,

    /// <summary>The connection is reset before any answer: in memory an <see cref="HttpRequestException"/>, on Kestrel an aborted connection. The call is not processed.</summary>
    ConnectionReset,
}
