using System.Text.Json;
using System.Text.Json.Serialization;

namespace FbTokens.Cli;

// The --json shapes: camelCase, nulls left out, dates in ISO 8601 (UTC), one object per line.

internal sealed record DebugOutput(
    string Token,
    bool IsValid,
    string AppId,
    string? Application,
    string? Type,
    string? UserId,
    string? ProfileId,
    DateTimeOffset? IssuedAt,
    DateTimeOffset? ExpiresAt,
    bool NeverExpires,
    DateTimeOffset? DataAccessExpiresAt,
    IReadOnlyList<string> Scopes,
    IReadOnlyList<GranularScopeOutput> GranularScopes,
    DebugErrorOutput? Error);

internal sealed record GranularScopeOutput(string Scope, IReadOnlyList<string> TargetIds);

internal sealed record DebugErrorOutput(int Code, int? Subcode, string Reason, string Message);

internal sealed record StatusOutput(
    string Token,
    bool IsValid,
    string? Kind,
    string? SubjectId,
    string AppId,
    DateTimeOffset? ExpiresAt,
    DateTimeOffset? DataAccessExpiresAt,
    TokenRenewedBy RenewedBy,
    TokenNextAction NextAction,
    DateTimeOffset? NextActionAt,
    DateTimeOffset? Deadline,
    IReadOnlyList<string> MissingPermissions,
    string? Reason);

internal sealed record TokenOutput(string AccessToken, string TokenType, long? ExpiresIn, DateTimeOffset? ExpiresAt, string? MachineId);

internal sealed record PageOutput(string Id, string Name, string? Category, IReadOnlyList<string> Tasks, string AccessToken);

internal sealed record PagesOutput(string UserId, int Count, IReadOnlyList<PageOutput> Pages);

internal sealed record ClientCodeOutput(string Code, string? MachineId);

internal sealed record LoginUrlOutput(Uri Url, string State, Uri RedirectUri, DateTimeOffset CreatedAt, DateTimeOffset ExpiresAt);

internal sealed record EmulatorOutput(
    Uri BaseAddress,
    string AppId,
    string AppSecret,
    string UserId,
    string UserName,
    string UserToken,
    string LongLivedUserToken,
    IReadOnlyList<string> PageIds,
    Uri LoginDialog,
    Uri AdminRoutes,
    string? Code);

internal sealed record ErrorOutput(ErrorDetail Error);

internal sealed record ErrorDetail(int ExitCode, string Kind, string Message, int? Code, int? Subcode, string? Reason, double? RetryAfterSeconds, string? FbTraceId);

[JsonSourceGenerationOptions(JsonSerializerDefaults.Web, DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull, UseStringEnumConverter = true)]
[JsonSerializable(typeof(DebugOutput))]
[JsonSerializable(typeof(StatusOutput))]
[JsonSerializable(typeof(TokenOutput))]
[JsonSerializable(typeof(PagesOutput))]
[JsonSerializable(typeof(ClientCodeOutput))]
[JsonSerializable(typeof(LoginUrlOutput))]
[JsonSerializable(typeof(EmulatorOutput))]
[JsonSerializable(typeof(ErrorOutput))]
internal sealed partial class CliJsonContext : JsonSerializerContext;
