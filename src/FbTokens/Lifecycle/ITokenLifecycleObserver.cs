namespace FbTokens;

/// <summary>
/// Receives token lifecycle notifications, e.g. to email a person whose token died or to flag their account so the
/// next visit goes through Facebook Login. Register any number with
/// <c>AddTokenLifecycleObserver&lt;T&gt;()</c> (or as <c>ITokenLifecycleObserver</c> singletons); implement only the
/// methods you need. An observer that throws is logged and does not affect the manager or other observers.
/// </summary>
public interface ITokenLifecycleObserver
{
    /// <summary>A token was found invalid (Graph rejected it, or it expired): the person must log in again. Raised once,
    /// when the stored token turns invalid. Also raised once, with the token still valid, when the person must act on
    /// facebook.com (<see cref="TokenErrorReason.UserCheckpointed"/>, <see cref="TokenErrorReason.UnconfirmedUser"/>).</summary>
    /// <param name="notification">Which token, whose, why, and the permissions it had.</param>
    /// <param name="cancellationToken">Signalled when the host stops.</param>
    /// <returns>A task that completes when the observer is done.</returns>
    ValueTask OnReauthenticationRequiredAsync(ReauthenticationRequiredNotice notification, CancellationToken cancellationToken = default) => ValueTask.CompletedTask;

    /// <summary>A person must log in again: raised once per person and event, with every key the event made unusable,
    /// after the per-token <see cref="OnReauthenticationRequiredAsync"/> calls. When a user token turns invalid, or a page
    /// token for a reason that concerns the person (password changed, logged out, app removed, data access expired), the
    /// person's other tokens are marked invalid with it; a page-only cause (<see cref="TokenErrorReason.InvalidSession"/>,
    /// the person's role on the page lost) raises no per-user notice. Send the person one e-mail from here.</summary>
    /// <param name="notice">Whose, why, and every affected key.</param>
    /// <param name="cancellationToken">Signalled when the host stops.</param>
    /// <returns>A task that completes when the observer is done.</returns>
    ValueTask OnUserReauthenticationRequiredAsync(UserReauthenticationRequiredNotice notice, CancellationToken cancellationToken = default) => ValueTask.CompletedTask;

    /// <summary>A token was renewed: its stored expiry moved later (an exchange that returns no later expiry is not a
    /// renewal and raises nothing here; see <see cref="StoredToken.RenewalNeedsPerson"/>).</summary>
    /// <param name="notification">Which token, and its old and new expiry.</param>
    /// <param name="cancellationToken">Signalled when the host stops.</param>
    /// <returns>A task that completes when the observer is done.</returns>
    ValueTask OnTokenRefreshedAsync(TokenRefreshedNotice notification, CancellationToken cancellationToken = default) => ValueTask.CompletedTask;

    /// <summary>A token the manager cannot renew will expire soon: the person must log in again before it does. Raised by
    /// the sweep once per token and expiry, <see cref="TokenManagerOptions.ExpiringNoticeBefore"/> ahead, across restarts
    /// and instances.</summary>
    /// <param name="notification">Which token, whose, the deadline and the login to send the person through.</param>
    /// <param name="cancellationToken">Signalled when the host stops.</param>
    /// <returns>A task that completes when the observer is done.</returns>
    ValueTask OnTokenExpiringAsync(TokenExpiringNotice notification, CancellationToken cancellationToken = default) => ValueTask.CompletedTask;

    /// <summary>The person's 90-day data-access window ends soon; a new login with <c>auth_type=reauthorize</c> renews it.
    /// Raised by the sweep once per user and window, <see cref="TokenManagerOptions.DataAccessNoticeBefore"/> ahead.</summary>
    /// <param name="notification">Which token, whose, the deadline and the login to send the person through.</param>
    /// <param name="cancellationToken">Signalled when the host stops.</param>
    /// <returns>A task that completes when the observer is done.</returns>
    ValueTask OnDataAccessExpiringAsync(DataAccessExpiringNotice notification, CancellationToken cancellationToken = default) => ValueTask.CompletedTask;

    /// <summary>A user token lacks permissions of <see cref="TokenManagerOptions.RequiredPermissions"/>. Raised once per user
    /// and missing set, when the token is saved or swept.</summary>
    /// <param name="notification">Which token, whose, what is missing and the login that asks for it again.</param>
    /// <param name="cancellationToken">Signalled when the host stops.</param>
    /// <returns>A task that completes when the observer is done.</returns>
    ValueTask OnPermissionsMissingAsync(PermissionsMissingNotice notification, CancellationToken cancellationToken = default) => ValueTask.CompletedTask;
}
