using System.Text.Json.Serialization;

namespace FbTokens.Internal;

// Graph's payloads field for field. Plain settable properties keep System.Text.Json on its fast path (`required`
// or init-only members send it down the slower constructor-argument path); instead each payload names the required
// field it lacks (IGraphPayload), and the response reader turns that into a GraphProtocolException. Unknown fields
// are ignored.

/// <summary>A payload that can say which required field Graph left out.</summary>
internal interface IGraphPayload
{
    /// <summary>The JSON name of a required field that is missing, or null when the payload is complete.</summary>
    string? MissingField { get; }
}

/// <summary>
/// The answer of an operation that spends nothing (<c>fb_exchange_token</c>, <c>client_credentials</c>): strict, so an
/// unusable <c>access_token</c> or an <c>expires_in</c> outside 1 to <see cref="WireRanges.MaxExpiresInSeconds"/> is a
/// <see cref="GraphProtocolException"/> that keeps the status (the converters throw, the reader wraps).
/// </summary>
internal sealed class TokenPayload : GraphPayloadBase, IGraphPayload
{
    [JsonPropertyName("access_token"), JsonConverter(typeof(AccessTokenConverter))] public string AccessToken { get; set; } = null!;
    [JsonPropertyName("token_type")] public string? TokenType { get; set; }
    [JsonPropertyName("expires_in"), JsonConverter(typeof(ExpiresInConverter))] public long? ExpiresIn { get; set; }
    [JsonPropertyName("machine_id")] public string? MachineId { get; set; }

    public string? MissingField => AccessToken is null ? "access_token" : null;
}

/// <summary>
/// The answer of an operation that spent a single-use code (<c>ExchangeCode</c>, <c>RedeemClientCode</c>): the code is gone,
/// so only an unusable <c>access_token</c> fails; every other field is read as whatever Graph sent and normalised by the
/// client, which logs what it changed.
/// </summary>
internal sealed class SingleUseTokenPayload : GraphPayloadBase, IGraphPayload
{
    [JsonPropertyName("access_token"), JsonConverter(typeof(AccessTokenConverter))] public string AccessToken { get; set; } = null!;
    [JsonPropertyName("token_type")] public WireString TokenType { get; set; }
    [JsonPropertyName("expires_in")] public WireInteger ExpiresIn { get; set; }
    [JsonPropertyName("machine_id")] public WireString MachineId { get; set; }

    public string? MissingField => AccessToken is null ? "access_token" : null;
}

internal sealed class ClientCodePayload : GraphPayloadBase, IGraphPayload
{
    [JsonPropertyName("code"), JsonConverter(typeof(CodeConverter))] public string Code { get; set; } = null!;
    [JsonPropertyName("machine_id")] public string? MachineId { get; set; }

    public string? MissingField => Code is null ? "code" : null;
}

internal sealed class AccountsPayload : GraphPayloadBase, IGraphPayload
{
    /// <summary>The pages; Graph has been seen to send <c>null</c> entries, which the client skips.</summary>
    [JsonPropertyName("data")] public List<PagePayload?> Data { get; set; } = null!;
    [JsonPropertyName("paging")] public PagingPayload? Paging { get; set; }

    public string? MissingField => Data is null ? "data" : null;
}

internal sealed class PagePayload
{
    // Not `required`: checked by PayloadMapper, which skips an entry it cannot use instead of failing the whole list.
    [JsonPropertyName("id"), JsonConverter(typeof(GraphIdConverter))] public string? Id { get; set; }
    [JsonPropertyName("name")] public string? Name { get; set; }
    [JsonPropertyName("access_token")] public string? AccessToken { get; set; }
    [JsonPropertyName("category")] public string? Category { get; set; }
    [JsonPropertyName("category_list")] public List<CategoryPayload?>? CategoryList { get; set; }
    [JsonPropertyName("tasks")] public List<string?>? Tasks { get; set; }
}

internal sealed class CategoryPayload
{
    [JsonPropertyName("id"), JsonConverter(typeof(GraphIdConverter))] public string? Id { get; set; }
    [JsonPropertyName("name")] public string? Name { get; set; }
}

internal sealed class PagingPayload
{
    [JsonPropertyName("cursors")] public CursorsPayload? Cursors { get; set; }
    [JsonPropertyName("next")] public string? Next { get; set; }
    [JsonPropertyName("previous")] public string? Previous { get; set; }
}

internal sealed class CursorsPayload
{
    [JsonPropertyName("before")] public string? Before { get; set; }
    [JsonPropertyName("after")] public string? After { get; set; }
}

internal sealed class DebugTokenEnvelope : GraphPayloadBase, IGraphPayload
{
    [JsonPropertyName("data")] public DebugTokenPayload Data { get; set; } = null!;

    public string? MissingField => Data is null ? "data" : Data.IsValidField is null ? "data.is_valid" : null;
}

internal sealed class DebugTokenPayload
{
    [JsonPropertyName("app_id"), JsonConverter(typeof(GraphIdConverter))] public string? AppId { get; set; }
    [JsonPropertyName("type")] public string? Type { get; set; }
    [JsonPropertyName("application")] public string? Application { get; set; }
    [JsonPropertyName("data_access_expires_at"), JsonConverter(typeof(UnixSecondsConverter))] public long? DataAccessExpiresAt { get; set; }
    [JsonPropertyName("expires_at"), JsonConverter(typeof(UnixSecondsConverter))] public long? ExpiresAt { get; set; }
    [JsonPropertyName("is_valid")] public bool? IsValidField { get; set; }

    public bool IsValid => IsValidField == true;
    [JsonPropertyName("issued_at"), JsonConverter(typeof(UnixSecondsConverter))] public long? IssuedAt { get; set; }
    [JsonPropertyName("metadata")] public DebugMetadataPayload? Metadata { get; set; }
    [JsonPropertyName("scopes")] public List<string?>? Scopes { get; set; }
    [JsonPropertyName("granular_scopes")] public List<GranularScopePayload?>? GranularScopes { get; set; }
    [JsonPropertyName("user_id"), JsonConverter(typeof(GraphIdConverter))] public string? UserId { get; set; }
    [JsonPropertyName("profile_id"), JsonConverter(typeof(GraphIdConverter))] public string? ProfileId { get; set; }
    [JsonPropertyName("error")] public DebugErrorPayload? Error { get; set; }
}

/// <summary><c>debug_token</c>'s <c>metadata</c>; other fields are ignored, and a value that is not a string reads as absent.</summary>
internal sealed class DebugMetadataPayload
{
    [JsonPropertyName("auth_type")] public WireString AuthType { get; set; }
    [JsonPropertyName("sso")] public WireString Sso { get; set; }
}

internal sealed class GranularScopePayload
{
    [JsonPropertyName("scope")] public string? Scope { get; set; }
    [JsonPropertyName("target_ids")] public List<string?>? TargetIds { get; set; }
}

internal sealed class DebugErrorPayload
{
    [JsonPropertyName("code")] public int Code { get; set; }
    [JsonPropertyName("message")] public string? Message { get; set; }
    [JsonPropertyName("subcode")] public int? Subcode { get; set; }
}

internal sealed class ErrorEnvelope
{
    [JsonPropertyName("error")] public ErrorPayload? Error { get; set; }
}

internal sealed partial class ErrorPayload
{
    [JsonPropertyName("message")] public string? Message { get; set; }
    [JsonPropertyName("type")] public string? Type { get; set; }
    [JsonPropertyName("code")] public int? CodeField { get; set; }

    public int Code => CodeField ?? 0;
    [JsonPropertyName("error_subcode")] public int? ErrorSubcode { get; set; }
    [JsonPropertyName("error_user_title")] public string? ErrorUserTitle { get; set; }
    [JsonPropertyName("error_user_msg")] public string? ErrorUserMsg { get; set; }
    [JsonPropertyName("is_transient")] public bool? IsTransient { get; set; }
    [JsonPropertyName("fbtrace_id")] public string? FbTraceId { get; set; }
}

[JsonSourceGenerationOptions(NumberHandling = JsonNumberHandling.AllowReadingFromString)]
[JsonSerializable(typeof(TokenPayload))]
[JsonSerializable(typeof(SingleUseTokenPayload))]
[JsonSerializable(typeof(ClientCodePayload))]
[JsonSerializable(typeof(AccountsPayload))]
[JsonSerializable(typeof(DebugTokenEnvelope))]
[JsonSerializable(typeof(ErrorEnvelope))]
internal sealed partial class GraphJsonContext : JsonSerializerContext;
