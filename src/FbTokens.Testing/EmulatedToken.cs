namespace FbTokens.Testing;

/// <summary>What the emulator knows about a token it issued, for assertions in tests.</summary>
/// <param name="Kind">User, page, app or system-user token.</param>
/// <param name="AppId">The app the token belongs to.</param>
/// <param name="UserId">The user or system user it acts for (user, system-user and page tokens).</param>
/// <param name="PageId">The page it acts for (page tokens).</param>
/// <param name="IsLongLived">Whether it is a long-lived user token, a system-user token, or a page token derived from either.</param>
/// <param name="IssuedAt">When it was issued.</param>
/// <param name="ExpiresAt">When it expires; null when it never does.</param>
/// <param name="DataAccessExpiresAt">When the person's data-access window ends (the same for all their tokens; a new login moves it); null for app and system-user tokens.</param>
/// <param name="Scopes">The permissions it carries.</param>
/// <param name="InvalidatedBecause">Why it was invalidated, or null while it has not been.</param>
/// <param name="MachineId">The <c>machine_id</c> it was redeemed for (client-code redemption), if any.</param>
public sealed record EmulatedToken(
    EmulatedTokenKind Kind,
    string AppId,
    string? UserId,
    string? PageId,
    bool IsLongLived,
    DateTimeOffset IssuedAt,
    DateTimeOffset? ExpiresAt,
    DateTimeOffset? DataAccessExpiresAt,
    IReadOnlyList<string> Scopes,
    TokenInvalidationReason? InvalidatedBecause,
    string? MachineId);
