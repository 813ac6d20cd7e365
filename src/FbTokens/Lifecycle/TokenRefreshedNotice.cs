namespace FbTokens;

/// <summary>A token was replaced by a fresh one.</summary>
/// <param name="Key">The token's key.</param>
/// <param name="PreviousExpiresAt">When the old token would have expired.</param>
/// <param name="ExpiresAt">When the new token expires; null when it does not.</param>
public sealed record TokenRefreshedNotice(TokenKey Key, DateTimeOffset? PreviousExpiresAt, DateTimeOffset? ExpiresAt);
