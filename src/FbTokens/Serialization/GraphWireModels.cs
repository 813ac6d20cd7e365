using System.Text.Json.Serialization;

namespace FbTokens.Internal;

// Graph's payloads field for field. `required` members make a missing field a JsonException,
// which the response reader turns into GraphProtocolException; unknown fields are ignored.

internal sealed class TokenPayload
{
    [JsonPropertyName("access_token")] public required string AccessToken { get; init; }
    [JsonPropertyName("token_type")] public string? TokenType { get; init; }
    [JsonPropertyName("expires_in")] public long? ExpiresIn { get; init; }
    [JsonPropertyName("machine_id")] public string? MachineId { get; init; }
}

internal sealed class ClientCodePayload
{
    [JsonPropertyName("code")] public required string Code { get; init; }
    [JsonPropertyName("machine_id")] public string? MachineId { get; init; }
}

internal sealed class AccountsPayload
{
    [JsonPropertyName("data")] public required List<PagePayload> Data { get; init; }
    [JsonPropertyName("paging")] public PagingPayload? Paging { get; init; }
}

internal sealed class PagePayload
{
    // Not `required`: checked by PayloadMapper, which keeps the hot 100-pages-per-response path lean.
    [JsonPropertyName("id")] public string? Id { get; set; }
    [JsonPropertyName("name")] public string? Name { get; set; }
    [JsonPropertyName("access_token")] public string? AccessToken { get; set; }
    [JsonPropertyName("category")] public string? Category { get; set; }
    [JsonPropertyName("category_list")] public List<CategoryPayload>? CategoryList { get; set; }
    [JsonPropertyName("tasks")] public List<string>? Tasks { get; set; }
}

internal sealed class CategoryPayload
{
    [JsonPropertyName("id")] public string? Id { get; set; }
    [JsonPropertyName("name")] public string? Name { get; set; }
}

internal sealed class PagingPayload
{
    [JsonPropertyName("cursors")] public CursorsPayload? Cursors { get; init; }
    [JsonPropertyName("next")] public string? Next { get; init; }
    [JsonPropertyName("previous")] public string? Previous { get; init; }
}

internal sealed class CursorsPayload
{
    [JsonPropertyName("before")] public string? Before { get; init; }
    [JsonPropertyName("after")] public string? After { get; init; }
}

internal sealed class DebugTokenEnvelope
{
    [JsonPropertyName("data")] public required DebugTokenPayload Data { get; init; }
}

internal sealed class DebugTokenPayload
{
    [JsonPropertyName("app_id")] public string? AppId { get; init; }
    [JsonPropertyName("type")] public string? Type { get; init; }
    [JsonPropertyName("application")] public string? Application { get; init; }
    [JsonPropertyName("data_access_expires_at")] public long? DataAccessExpiresAt { get; init; }
    [JsonPropertyName("expires_at")] public long? ExpiresAt { get; init; }
    [JsonPropertyName("is_valid")] public required bool IsValid { get; init; }
    [JsonPropertyName("issued_at")] public long? IssuedAt { get; init; }
    [JsonPropertyName("scopes")] public List<string>? Scopes { get; init; }
    [JsonPropertyName("granular_scopes")] public List<GranularScopePayload>? GranularScopes { get; init; }
    [JsonPropertyName("user_id")] public string? UserId { get; init; }
    [JsonPropertyName("profile_id")] public string? ProfileId { get; init; }
    [JsonPropertyName("error")] public DebugErrorPayload? Error { get; init; }
}

internal sealed class GranularScopePayload
{
    [JsonPropertyName("scope")] public required string Scope { get; init; }
    [JsonPropertyName("target_ids")] public List<string>? TargetIds { get; init; }
}

internal sealed class DebugErrorPayload
{
    [JsonPropertyName("code")] public int Code { get; init; }
    [JsonPropertyName("message")] public string? Message { get; init; }
    [JsonPropertyName("subcode")] public int? Subcode { get; init; }
}

internal sealed class ErrorEnvelope
{
    [JsonPropertyName("error")] public required ErrorPayload Error { get; init; }
}

internal sealed class ErrorPayload
{
    [JsonPropertyName("message")] public string? Message { get; init; }
    [JsonPropertyName("type")] public string? Type { get; init; }
    [JsonPropertyName("code")] public required int Code { get; init; }
    [JsonPropertyName("error_subcode")] public int? ErrorSubcode { get; init; }
    [JsonPropertyName("error_user_title")] public string? ErrorUserTitle { get; init; }
    [JsonPropertyName("error_user_msg")] public string? ErrorUserMsg { get; init; }
    [JsonPropertyName("is_transient")] public bool? IsTransient { get; init; }
    [JsonPropertyName("fbtrace_id")] public string? FbTraceId { get; init; }
}

internal sealed class AppUsagePayload
{
    [JsonPropertyName("call_count")] public double CallCount { get; init; }
    [JsonPropertyName("total_time")] public double TotalTime { get; init; }
    [JsonPropertyName("total_cputime")] public double TotalCpuTime { get; init; }
}

internal sealed class BusinessUseCasePayload
{
    [JsonPropertyName("type")] public string? Type { get; init; }
    [JsonPropertyName("call_count")] public double CallCount { get; init; }
    [JsonPropertyName("total_time")] public double TotalTime { get; init; }
    [JsonPropertyName("total_cputime")] public double TotalCpuTime { get; init; }
    [JsonPropertyName("estimated_time_to_regain_access")] public double? EstimatedTimeToRegainAccess { get; init; }
}

internal sealed class AdAccountUsagePayload
{
    [JsonPropertyName("acc_id_util_pct")] public double UtilizationPercent { get; init; }
    [JsonPropertyName("reset_time_duration")] public double ResetTimeDuration { get; init; }
    [JsonPropertyName("ads_api_access_tier")] public string? AccessTier { get; init; }
}

[JsonSourceGenerationOptions(NumberHandling = JsonNumberHandling.AllowReadingFromString)]
[JsonSerializable(typeof(TokenPayload))]
[JsonSerializable(typeof(ClientCodePayload))]
[JsonSerializable(typeof(AccountsPayload))]
[JsonSerializable(typeof(DebugTokenEnvelope))]
[JsonSerializable(typeof(ErrorEnvelope))]
[JsonSerializable(typeof(AppUsagePayload))]
[JsonSerializable(typeof(Dictionary<string, List<BusinessUseCasePayload>>))]
[JsonSerializable(typeof(AdAccountUsagePayload))]
internal sealed partial class GraphJsonContext : JsonSerializerContext;
