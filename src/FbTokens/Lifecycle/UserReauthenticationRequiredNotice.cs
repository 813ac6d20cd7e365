namespace FbTokens;

/// <summary>
/// A person must go through Facebook Login again: one notice per person and event (a password change, a logout, the app
/// removed, the token expired, the data-access window closed), however many of their tokens it made unusable.
/// </summary>
/// <param name="UserId">The app-scoped user to send back through login.</param>
/// <param name="AppId">The <see cref="TokenKey.AppId"/> of the affected tokens (null for the configured app's keys that name no app).</param>
/// <param name="Reason">Why the tokens are unusable.</param>
/// <param name="AffectedKeys">Every token of the person this event made unusable: their user token and the page tokens obtained with it.</param>
/// <param name="Scopes">The permissions the person's user token had (else the first affected token's), to request again at login.</param>
/// <param name="DetectedAt">When the manager found out.</param>
public sealed record UserReauthenticationRequiredNotice(
    string UserId,
    string? AppId,
    TokenErrorReason Reason,
    IReadOnlyList<TokenKey> AffectedKeys,
    IReadOnlyList<string> Scopes,
    DateTimeOffset DetectedAt);
