using System.Text.Json.Serialization;

namespace FbTokens.Redis.Internal;

/// <summary>A <see cref="StoredToken"/> as the Redis store serialises it; the version lives beside it in the hash.</summary>
internal sealed record RedisTokenDocument(
    TokenKind Kind,
    string SubjectId,
    string? AppId,
    string Value,
    DateTimeOffset? ExpiresAt,
    DateTimeOffset? DataAccessExpiresAt,
    IReadOnlyList<string> Scopes,
    TokenStatus Status,
    TokenErrorReason? InvalidReason,
    DateTimeOffset IssuedAt,
    DateTimeOffset UpdatedAt,
    string? MachineId,
    string? OwnerUserId,
    bool RenewalNeedsPerson = false,
    DateTimeOffset? ExpiryNoticeSentFor = null,
    DateTimeOffset? DataAccessNoticeSentFor = null,
    IReadOnlyList<string>? MissingPermissionsNoticed = null)
{
    public static RedisTokenDocument From(StoredToken token) => new(
        token.Key.Kind, token.Key.SubjectId, token.Key.AppId, token.Value, token.ExpiresAt, token.DataAccessExpiresAt,
        token.Scopes, token.Status, token.InvalidReason, token.IssuedAt, token.UpdatedAt, token.MachineId, token.OwnerUserId,
        token.RenewalNeedsPerson, token.ExpiryNoticeSentFor, token.DataAccessNoticeSentFor,
        token.MissingPermissionsNoticed.Count == 0 ? null : token.MissingPermissionsNoticed);

    public StoredToken ToStoredToken(long version) => new()
    {
        Key = new TokenKey(Kind, SubjectId, AppId),
        Value = Value,
        ExpiresAt = ExpiresAt,
        DataAccessExpiresAt = DataAccessExpiresAt,
        Scopes = Scopes,
        Status = Status,
        InvalidReason = InvalidReason,
        IssuedAt = IssuedAt,
        UpdatedAt = UpdatedAt,
        MachineId = MachineId,
        OwnerUserId = OwnerUserId,
        RenewalNeedsPerson = RenewalNeedsPerson,
        ExpiryNoticeSentFor = ExpiryNoticeSentFor,
        DataAccessNoticeSentFor = DataAccessNoticeSentFor,
        MissingPermissionsNoticed = MissingPermissionsNoticed ?? [],
        Version = version,
    };
}

[JsonSourceGenerationOptions(PropertyNamingPolicy = JsonKnownNamingPolicy.CamelCase, DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull, UseStringEnumConverter = true)]
[JsonSerializable(typeof(RedisTokenDocument))]
internal sealed partial class RedisTokenJsonContext : JsonSerializerContext;
