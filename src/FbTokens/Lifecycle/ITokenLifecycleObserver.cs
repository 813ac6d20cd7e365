namespace FbTokens;

/// <summary>
/// Receives token lifecycle notifications, e.g. to email a person whose token died or to flag their account so the
/// next visit goes through Facebook Login. Register any number with
/// <c>AddTokenLifecycleObserver&lt;T&gt;()</c> (or as <c>ITokenLifecycleObserver</c> singletons); implement only the
/// methods you need. An observer that throws is logged and does not affect the manager or other observers.
/// </summary>
public interface ITokenLifecycleObserver
{
    /// <summary>A token was found invalid (Graph rejected it, or it expired): the person must log in again.
    /// Raised once, when the stored token turns invalid.</summary>
    /// <param name="notification">Which token, whose, why, and the permissions it had.</param>
    /// <param name="cancellationToken">Signalled when the host stops.</param>
    /// <returns>A task that completes when the observer is done.</returns>
    ValueTask OnReauthenticationRequiredAsync(ReauthenticationRequired notification, CancellationToken cancellationToken = default) => ValueTask.CompletedTask;

    /// <summary>A token was replaced by a fresh one.</summary>
    /// <param name="notification">Which token, and its old and new expiry.</param>
    /// <param name="cancellationToken">Signalled when the host stops.</param>
    /// <returns>A task that completes when the observer is done.</returns>
    ValueTask OnTokenRefreshedAsync(TokenRefreshed notification, CancellationToken cancellationToken = default) => ValueTask.CompletedTask;

    /// <summary>A token that could not be refreshed will expire soon (raised by each sweep while inside
    /// <see cref="TokenManagerOptions.ExpiringNoticeBefore"/>).</summary>
    /// <param name="notification">Which token and when it expires.</param>
    /// <param name="cancellationToken">Signalled when the host stops.</param>
    /// <returns>A task that completes when the observer is done.</returns>
    ValueTask OnTokenExpiringAsync(TokenExpiring notification, CancellationToken cancellationToken = default) => ValueTask.CompletedTask;

    /// <summary>The person's 90-day data-access window ends soon (raised by each sweep while inside
    /// <see cref="TokenManagerOptions.DataAccessNoticeBefore"/>); a new login renews it.</summary>
    /// <param name="notification">Which token, whose, and when data access ends.</param>
    /// <param name="cancellationToken">Signalled when the host stops.</param>
    /// <returns>A task that completes when the observer is done.</returns>
    ValueTask OnDataAccessExpiringAsync(DataAccessExpiring notification, CancellationToken cancellationToken = default) => ValueTask.CompletedTask;
}

/// <summary>A token is unusable and the person must go through Facebook Login again.</summary>
/// <param name="Key">The token's key.</param>
/// <param name="UserId">The app-scoped user to send back through login: the subject of a user token, the owner of a page token; null when unknown.</param>
/// <param name="Reason">Why the token is unusable.</param>
/// <param name="Scopes">The permissions the token had, to request again at login.</param>
/// <param name="DetectedAt">When the manager found out.</param>
public sealed record ReauthenticationRequired(TokenKey Key, string? UserId, TokenErrorReason Reason, IReadOnlyList<string> Scopes, DateTimeOffset DetectedAt);

/// <summary>A token was replaced by a fresh one.</summary>
/// <param name="Key">The token's key.</param>
/// <param name="PreviousExpiresAt">When the old token would have expired.</param>
/// <param name="ExpiresAt">When the new token expires; null when it does not.</param>
public sealed record TokenRefreshed(TokenKey Key, DateTimeOffset? PreviousExpiresAt, DateTimeOffset? ExpiresAt);

/// <summary>A token that could not be refreshed expires soon.</summary>
/// <param name="Key">The token's key.</param>
/// <param name="UserId">The app-scoped user concerned, when known.</param>
/// <param name="ExpiresAt">When it expires.</param>
public sealed record TokenExpiring(TokenKey Key, string? UserId, DateTimeOffset ExpiresAt);

/// <summary>The person's data-access window ends soon; a new login renews it.</summary>
/// <param name="Key">The token's key.</param>
/// <param name="UserId">The app-scoped user concerned, when known.</param>
/// <param name="DataAccessExpiresAt">When data access ends.</param>
/// <param name="Scopes">The permissions the token has.</param>
public sealed record DataAccessExpiring(TokenKey Key, string? UserId, DateTimeOffset DataAccessExpiresAt, IReadOnlyList<string> Scopes);
