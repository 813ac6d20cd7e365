namespace FbTokens.EntityFrameworkCore.Internal;

/// <summary>Maps a <see cref="StoredToken"/> to the EF Core row and back.</summary>
internal static class StoredTokenRows
{
    internal static StoredTokenEntity ToRow(StoredToken token) => new()
    {
        Key = token.Key.ToString(),
        Kind = token.Key.Kind,
        SubjectId = token.Key.SubjectId,
        AppId = token.Key.AppId,
        Value = token.Value,

        // PostgreSQL's timestamptz takes UTC only; every provider round-trips the instant.
        ExpiresAt = token.ExpiresAt?.ToUniversalTime(),
        DataAccessExpiresAt = token.DataAccessExpiresAt?.ToUniversalTime(),
        Scopes = string.Join(' ', token.Scopes),
        Status = token.Status,
        InvalidReason = token.InvalidReason,
        IssuedAt = token.IssuedAt.ToUniversalTime(),
        UpdatedAt = token.UpdatedAt.ToUniversalTime(),
        MachineId = token.MachineId,
        OwnerUserId = token.OwnerUserId,
        RenewalNeedsPerson = token.RenewalNeedsPerson,
        ExpiryNoticeSentFor = token.ExpiryNoticeSentFor?.ToUniversalTime(),
        DataAccessNoticeSentFor = token.DataAccessNoticeSentFor?.ToUniversalTime(),
        MissingPermissionsNoticed = string.Join(' ', token.MissingPermissionsNoticed),

        // Used when the row is inserted (a new key is due from UpdatedAt); rewriting a row leaves the column as it is.
        NextCheckAtUnixMs = FirstCheckOf(token),
    };

    /// <summary>When a newly stored token is first due for the sweep: from <see cref="StoredToken.UpdatedAt"/>; never for an app token.</summary>
    internal static long? FirstCheckOf(StoredToken token) =>
        token.Key.Kind == TokenKind.App ? null : token.UpdatedAt.ToUnixTimeMilliseconds();

    internal static StoredToken ToToken(StoredTokenEntity row) => new()
    {
        Key = new TokenKey(row.Kind, row.SubjectId, row.AppId),
        Value = row.Value,
        ExpiresAt = row.ExpiresAt,
        DataAccessExpiresAt = row.DataAccessExpiresAt,
        Scopes = row.Scopes.Length == 0 ? [] : row.Scopes.Split(' ', StringSplitOptions.RemoveEmptyEntries),
        Status = row.Status,
        InvalidReason = row.InvalidReason,
        IssuedAt = row.IssuedAt,
        UpdatedAt = row.UpdatedAt,
        MachineId = row.MachineId,
        OwnerUserId = row.OwnerUserId,
        RenewalNeedsPerson = row.RenewalNeedsPerson,
        ExpiryNoticeSentFor = row.ExpiryNoticeSentFor,
        DataAccessNoticeSentFor = row.DataAccessNoticeSentFor,
        MissingPermissionsNoticed = row.MissingPermissionsNoticed.Length == 0 ? [] : row.MissingPermissionsNoticed.Split(' ', StringSplitOptions.RemoveEmptyEntries),
        Version = row.Version,
    };
}
