namespace FbTokens;

/// <summary>A token that could not be refreshed expires soon.</summary>
/// <param name="Key">The token's key.</param>
/// <param name="UserId">The app-scoped user concerned, when known.</param>
/// <param name="ExpiresAt">When it expires.</param>
public sealed record TokenExpiringNotice(TokenKey Key, string? UserId, DateTimeOffset ExpiresAt);
