namespace FbTokens;

/// <summary>A token is unusable and the person must go through Facebook Login again.</summary>
/// <param name="Key">The token's key.</param>
/// <param name="UserId">The app-scoped user to send back through login: the subject of a user token, the owner of a page token; null when unknown.</param>
/// <param name="Reason">Why the token is unusable.</param>
/// <param name="Scopes">The permissions the token had, to request again at login.</param>
/// <param name="DetectedAt">When the manager found out.</param>
public sealed record ReauthenticationRequiredNotice(TokenKey Key, string? UserId, TokenErrorReason Reason, IReadOnlyList<string> Scopes, DateTimeOffset DetectedAt);
