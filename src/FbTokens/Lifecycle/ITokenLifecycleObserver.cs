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
    ValueTask OnReauthenticationRequiredAsync(ReauthenticationRequiredNotice notification, CancellationToken cancellationToken = default) => ValueTask.CompletedTask;

    /// <summary>A token was replaced by a fresh one.</summary>
    /// <param name="notification">Which token, and its old and new expiry.</param>
    /// <param name="cancellationToken">Signalled when the host stops.</param>
    /// <returns>A task that completes when the observer is done.</returns>
    ValueTask OnTokenRefreshedAsync(TokenRefreshedNotice notification, CancellationToken cancellationToken = default) => ValueTask.CompletedTask;

    /// <summary>A token that could not be refreshed will expire soon (raised by each sweep while inside
    /// <see cref="TokenManagerOptions.ExpiringNoticeBefore"/>).</summary>
    /// <param name="notification">Which token and when it expires.</param>
    /// <param name="cancellationToken">Signalled when the host stops.</param>
    /// <returns>A task that completes when the observer is done.</returns>
    ValueTask OnTokenExpiringAsync(TokenExpiringNotice notification, CancellationToken cancellationToken = default) => ValueTask.CompletedTask;

    /// <summary>The person's 90-day data-access window ends soon (raised by each sweep while inside
    /// <see cref="TokenManagerOptions.DataAccessNoticeBefore"/>); a new login renews it.</summary>
    /// <param name="notification">Which token, whose, and when data access ends.</param>
    /// <param name="cancellationToken">Signalled when the host stops.</param>
    /// <returns>A task that completes when the observer is done.</returns>
    ValueTask OnDataAccessExpiringAsync(DataAccessExpiringNotice notification, CancellationToken cancellationToken = default) => ValueTask.CompletedTask;
}
