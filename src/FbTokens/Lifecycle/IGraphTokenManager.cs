namespace FbTokens;

/// <summary>
/// Keeps tokens valid: saves user tokens (exchanged to long-lived), hands out valid user, page, app and
/// system-user tokens, refreshes user tokens ahead of expiry with one Graph call per token however many callers
/// wait, and marks and reports tokens Graph rejects. Register it with <c>AddTokenManager()</c>.
/// </summary>
public interface IGraphTokenManager
{
    /// <summary>
    /// Inspects a user token with <c>debug_token</c>, exchanges it for a long-lived one when it has less than
    /// <see cref="TokenManagerOptions.LongLivedThreshold"/> left, and stores it under <see cref="TokenKey.ForUser"/>;
    /// optionally fetches and stores the tokens of every page the person manages. A fresh save replaces whatever was stored.
    /// </summary>
    /// <param name="userAccessToken">The token from Facebook Login (short- or long-lived).</param>
    /// <param name="includePageTokens">Also fetch <c>/{user-id}/accounts</c> and store each page token under <see cref="TokenKey.ForPage"/>.</param>
    /// <param name="cancellationToken">Cancels the operation.</param>
    /// <returns>The stored user token.</returns>
    /// <exception cref="ArgumentException">The token is empty or malformed.</exception>
    /// <exception cref="ReauthenticationRequiredException">Graph reports the token invalid, or it belongs to another app.</exception>
    /// <exception cref="GraphApiException">Graph failed the exchange or the inspection.</exception>
    Task<StoredToken> SaveUserTokenAsync(string userAccessToken, bool includePageTokens = false, CancellationToken cancellationToken = default);

    /// <summary>
    /// Fetches the tokens of every page the user manages with the user's stored token and stores each one.
    /// </summary>
    /// <param name="userId">The app-scoped user id whose token is stored.</param>
    /// <param name="cancellationToken">Cancels the operation.</param>
    /// <returns>The stored page tokens.</returns>
    /// <exception cref="ReauthenticationRequiredException">No usable user token is stored.</exception>
    Task<IReadOnlyList<StoredToken>> SavePageTokensAsync(string userId, CancellationToken cancellationToken = default);

    /// <summary>
    /// Gets a usable token for <paramref name="key"/>. A still-valid token inside its refresh window is returned at once
    /// and refreshed in the background (<see cref="TokenManagerOptions.RefreshInBackground"/>; with it off, the caller
    /// waits for the refresh): one Graph call however many callers ask. If the refresh fails for a reason other than the
    /// token being invalid, the still-valid token stays and the refresh is tried again after
    /// <see cref="TokenManagerOptions.RefreshRetryDelay"/>.
    /// App tokens are built or fetched as <see cref="TokenManagerOptions.AppTokenSource"/> says and never stored.
    /// </summary>
    /// <param name="key">The token to get.</param>
    /// <param name="cancellationToken">Cancels this caller's wait; a refresh other callers share goes on.</param>
    /// <returns>A token that was valid when returned. A <see cref="ValueTask{TResult}"/>: when the stored token is valid and
    /// not due for refresh and the store answers synchronously (as the default in-memory store does), it completes at
    /// once without allocating. Await it once; call <see cref="ValueTask{TResult}.AsTask"/> to combine it with other tasks.</returns>
    /// <exception cref="ReauthenticationRequiredException">No token is stored, or it is invalid or expired.</exception>
    ValueTask<StoredToken> GetTokenAsync(TokenKey key, CancellationToken cancellationToken = default);

    /// <summary>
    /// Replaces the token now, whatever its expiry: a user token is re-exchanged, a 60-day system-user token renewed
    /// (<c>set_token_expires_in_60_days</c>; a non-expiring one is returned as it is), a page token is fetched again with its
    /// owner's user token. Callers that ask at the same time share one Graph call. A renewal counts only when the expiry
    /// moves forward: when Graph returns no later expiry, the stored token is kept, marked
    /// <see cref="StoredToken.RenewalNeedsPerson"/> and returned (no "refreshed" notice), and the manager stops trying.
    /// </summary>
    /// <param name="key">The token to refresh (user or page).</param>
    /// <param name="cancellationToken">Cancels this caller's wait.</param>
    /// <returns>The stored fresh token.</returns>
    /// <exception cref="ReauthenticationRequiredException">No usable token is stored, or Graph rejected it.</exception>
    /// <exception cref="NotSupportedException">The key is an app token, which is rebuilt rather than refreshed.</exception>
    Task<StoredToken> RefreshAsync(TokenKey key, CancellationToken cancellationToken = default);

    /// <summary>
    /// Marks a stored token invalid, e.g. after your own Graph call failed with a <see cref="GraphAuthException"/>, and
    /// raises <see cref="ITokenLifecycleObserver.OnReauthenticationRequiredAsync"/> if it was valid. For a reason where
    /// the person must act on facebook.com and the token stays valid (<see cref="TokenErrorReason.UserCheckpointed"/>,
    /// <see cref="TokenErrorReason.UnconfirmedUser"/>), the token is kept valid, the reason is recorded on it and the
    /// observer hears it once; the method then returns false.
    /// </summary>
    /// <param name="key">The token's key.</param>
    /// <param name="reason">Why it is invalid (<see cref="GraphAuthException.Reason"/>).</param>
    /// <param name="expectedVersion">The <see cref="StoredToken.Version"/> that failed, so that a token refreshed since is
    /// left alone; null to mark whatever is stored.</param>
    /// <param name="cancellationToken">Cancels the operation.</param>
    /// <returns>True when the token was valid and is now marked invalid.</returns>
    Task<bool> MarkInvalidAsync(TokenKey key, TokenErrorReason reason, long? expectedVersion = null, CancellationToken cancellationToken = default);

    /// <summary>
    /// Marks every valid token of a person invalid (their user token and the page tokens obtained with it), e.g. when
    /// Facebook's deauthorize callback says they removed the app (<see cref="TokenErrorReason.AppNotInstalled"/>). Raises
    /// <see cref="ITokenLifecycleObserver.OnReauthenticationRequiredAsync"/> for each token that turned invalid and one
    /// <see cref="ITokenLifecycleObserver.OnUserReauthenticationRequiredAsync"/> with all of them; calling it again changes
    /// and raises nothing.
    /// </summary>
    /// <param name="userId">The app-scoped user id.</param>
    /// <param name="reason">Why the tokens are unusable.</param>
    /// <param name="appId">The app, on multi-app hosts; null for this manager's app.</param>
    /// <param name="cancellationToken">Cancels the operation.</param>
    /// <returns>The keys that this call turned invalid; empty when none was valid.</returns>
    /// <exception cref="ArgumentException"><paramref name="userId"/> is not a valid id, <paramref name="appId"/> names
    /// another app, or <paramref name="reason"/> is one that keeps tokens valid (<see cref="TokenErrorReason.UserCheckpointed"/>,
    /// <see cref="TokenErrorReason.UnconfirmedUser"/>).</exception>
    Task<IReadOnlyList<TokenKey>> InvalidateUserAsync(string userId, TokenErrorReason reason, string? appId = null, CancellationToken cancellationToken = default);

    /// <summary>
    /// Removes every stored token of a person (their user token and the page tokens obtained with it), e.g. for Facebook's
    /// data-deletion callback. Raises no notice.
    /// </summary>
    /// <param name="userId">The app-scoped user id.</param>
    /// <param name="appId">The app, on multi-app hosts; null for this manager's app.</param>
    /// <param name="cancellationToken">Cancels the operation.</param>
    /// <returns>The keys removed; empty when nothing was stored.</returns>
    /// <exception cref="ArgumentException"><paramref name="userId"/> is not a valid id, or <paramref name="appId"/> names another app.</exception>
    Task<IReadOnlyList<TokenKey>> RemoveUserTokensAsync(string userId, string? appId = null, CancellationToken cancellationToken = default);

    /// <summary>
    /// Reports the truth about a stored token, from the store and the manager's rules (no Graph call): kind, expiry,
    /// data-access expiry, who renews it (the server, the person, or nobody because it does not expire), what happens next
    /// and when, and the deadline by which the person must log in again when that is theirs to do.
    /// </summary>
    /// <param name="key">The token's key.</param>
    /// <param name="cancellationToken">Cancels the read.</param>
    /// <returns>The status; null when no token is stored under <paramref name="key"/> (an app key always has one).</returns>
    /// <exception cref="ArgumentException">The key names another app.</exception>
    Task<TokenLifecycleStatus?> GetStatusAsync(TokenKey key, CancellationToken cancellationToken = default);
}
