namespace FbTokens;

/// <summary>Graph's error envelope, field for field.</summary>
/// <remarks>Every text field that came from the response is masked: no value the request carried (app secret, token,
/// code, <c>appsecret_proof</c>) appears in it, raw, URL-encoded or JSON-escaped.</remarks>
/// <param name="Code">The error <c>code</c>; 0 when Graph's envelope has none (some OAuth errors carry only a
/// <c>type</c> and a <c>message</c>).</param>
/// <param name="Message">The error <c>message</c> (any value the request carried is masked).</param>
/// <param name="Subcode">The <c>error_subcode</c>, if any.</param>
/// <param name="Type">The error <c>type</c>, e.g. <c>OAuthException</c>.</param>
/// <param name="FbTraceId">The <c>fbtrace_id</c>.</param>
/// <param name="IsTransient">Graph's <c>is_transient</c> flag.</param>
/// <param name="UserTitle">The <c>error_user_title</c>, if any.</param>
/// <param name="UserMessage">The <c>error_user_msg</c>, if any.</param>
public sealed record GraphError(
    int Code,
    string Message,
    int? Subcode = null,
    string? Type = null,
    string? FbTraceId = null,
    bool IsTransient = false,
    string? UserTitle = null,
    string? UserMessage = null)
{
    /// <summary>Graph's <c>error_data</c> as raw JSON text (a JSON string with its quotes, or an object); null when absent.</summary>
    public string? ErrorData { get; init; }

    /// <summary>The response's <c>WWW-Authenticate</c> header, when present.</summary>
    public string? WwwAuthenticate { get; init; }
}
