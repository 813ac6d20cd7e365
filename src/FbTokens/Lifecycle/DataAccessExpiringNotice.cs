namespace FbTokens;

/// <summary>The person's data-access window ends soon; a new login renews it.</summary>
/// <param name="Key">The token's key.</param>
/// <param name="UserId">The app-scoped user concerned, when known.</param>
/// <param name="DataAccessExpiresAt">When data access ends.</param>
/// <param name="Scopes">The permissions the token has.</param>
public sealed record DataAccessExpiringNotice(TokenKey Key, string? UserId, DateTimeOffset DataAccessExpiresAt, IReadOnlyList<string> Scopes);
