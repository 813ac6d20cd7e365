using System.Text.Json;
using System.Text.Json.Serialization;

namespace FbTokens.Internal;

/// <summary>
/// A top-level Graph payload. Graph may answer with its error envelope instead, even with HTTP 200: the response
/// reader classifies a payload whose <see cref="Error"/> is set (see <see cref="ErrorPayload.IsEnvelope"/>) as it
/// classifies an error response.
/// </summary>
internal abstract class GraphPayloadBase
{
    [JsonPropertyName("error")] public ErrorPayload? Error { get; set; }
}

/// <summary>What the error envelope carries besides the fields in GraphWireModels.cs.</summary>
internal sealed partial class ErrorPayload
{
    /// <summary>Graph's <c>error_data</c>: a string or an object in the wild, kept as JSON.</summary>
    [JsonPropertyName("error_data")] public JsonElement? ErrorData { get; set; }

    /// <summary>
    /// Whether this is Graph's error envelope: it has a <c>code</c>, a <c>type</c> or a <c>message</c>. Some OAuth errors
    /// carry no code (<c>{"error":{"type":"OAuthException","message":"…"}}</c>); an empty <c>{}</c> says nothing.
    /// </summary>
    public bool IsEnvelope => CodeField is not null || Type is not null || Message is not null;

    /// <summary><see cref="ErrorData"/> as raw JSON text; null when absent or JSON null.</summary>
    public string? ErrorDataText => ErrorData is { ValueKind: not (JsonValueKind.Null or JsonValueKind.Undefined) } data ? data.GetRawText() : null;
}
