namespace FbTokens.Internal;

/// <summary>Maps Graph's payloads to the public records.</summary>
internal static class PayloadMapper
{
    public static PageTokenResponse ToResponse(PagePayload entry) => new(
        entry.Id ?? throw Missing("id"),
        entry.Name ?? throw Missing("name"),
        entry.AccessToken ?? throw Missing("access_token"),
        entry.Category,
        entry.CategoryList is { Count: > 0 } categories ? categories.ConvertAll(ToCategory) : [],
        entry.Tasks is { Count: > 0 } tasks ? tasks : []);

    private static PageCategory ToCategory(CategoryPayload c) =>
        new(c.Id ?? throw Missing("category_list.id"), c.Name ?? throw Missing("category_list.name"));

    private static GraphProtocolException Missing(string field) =>
        new($"Graph's /accounts response has a page without the required field '{field}'.", System.Net.HttpStatusCode.OK);

    public static LongLivedTokenResponse ToLongLived(TokenPayload payload, TimeSpan? expiresIn, DateTimeOffset? expiresAt) =>
        new(payload.AccessToken, payload.TokenType ?? "bearer", expiresIn, expiresAt, payload.MachineId);

    public static DebugTokenResponse ToResponse(DebugTokenPayload data, SensitiveValues sensitive) => new(
        data.AppId ?? string.Empty,
        data.Type,
        data.Application,
        data.IsValid,
        FromUnixSeconds(data.ExpiresAt),
        FromUnixSeconds(data.DataAccessExpiresAt),
        FromUnixSeconds(data.IssuedAt),
        data.Scopes is { Count: > 0 } scopes ? scopes : [],
        data.GranularScopes is { Count: > 0 } granular
            ? granular.ConvertAll(g => new GranularScope(g.Scope, g.TargetIds is { Count: > 0 } ids ? ids : []))
            : [],
        data.UserId,
        data.ProfileId,
        data.Error is { } error ? new DebugTokenError(error.Code, sensitive.Scrub(error.Message) ?? string.Empty, error.Subcode) : null);

    /// <summary>Graph's Unix seconds as UTC; 0 (Graph's "never") and absent are null.</summary>
    public static DateTimeOffset? FromUnixSeconds(long? seconds) =>
        seconds is > 0 ? DateTimeOffset.FromUnixTimeSeconds(seconds.Value) : null;
}
