namespace FbTokens.Internal;

/// <summary>
/// What follows when Graph rejects a token (190, 102 or a token subcode) that was handed out: a replacement to retry with
/// when one can be had (another writer stored a newer token, a page token can be fetched again, a client-credentials app
/// token can be fetched again); otherwise the token is marked invalid and the person notified.
/// </summary>
internal sealed class RejectedTokenRecovery
{
    private readonly ITokenStore _store;
    private readonly TokenRefresher _refresher;
    private readonly TokenInvalidator _invalidator;
    private readonly AppTokenProvider _appTokens;
    private readonly TimeProvider _timeProvider;

    public RejectedTokenRecovery(ITokenStore store, TokenRefresher refresher, TokenInvalidator invalidator, AppTokenProvider appTokens, TimeProvider timeProvider)
    {
        _store = store;
        _refresher = refresher;
        _invalidator = invalidator;
        _appTokens = appTokens;
        _timeProvider = timeProvider;
    }

    /// <summary>
    /// Graph rejected <paramref name="key"/> at <paramref name="rejectedVersion"/>: returns a replacement to retry with, or
    /// null when there is none (the token is then marked invalid for <paramref name="reason"/> and the person notified).
    /// </summary>
    public async Task<StoredToken?> RecoverAsync(TokenKey key, long rejectedVersion, TokenErrorReason reason, CancellationToken cancellationToken)
    {
        if (key.Kind == TokenKind.App)
        {
            return await _appTokens.ReplaceRejectedAsync(key, cancellationToken).ConfigureAwait(false);
        }

        var current = await _store.GetAsync(key, cancellationToken).ConfigureAwait(false);
        if (current is null)
        {
            return null;
        }

        if (current.Version != rejectedVersion)
        {
            return current.IsUsableAt(_timeProvider.GetUtcNow()) ? current : null;
        }

        // A person who must act on facebook.com (checkpoint, unconfirmed account) is not helped by a page token fetched
        // again with their user token: record it and notify (the token stays valid), no replacement.
        if (current.Key.Kind == TokenKind.Page && current.OwnerUserId is not null && !GraphErrorClassifier.RequiresUserAction(reason))
        {
            try
            {
                return await _refresher.ReplaceRejectedAsync(key, rejectedVersion, cancellationToken).ConfigureAwait(false);
            }
            catch (ReauthenticationRequiredException)
            {
                return null;
            }
            catch (Exception ex) when (ex is not OperationCanceledException)
            {
                // Could not fetch it again now; the rejection below still stands.
            }
        }

        // A rejected user or system-user token cannot be exchanged: only a new login helps (or, for a checkpoint or an
        // unconfirmed account, the person acting on facebook.com: the invalidator then keeps the token).
        await _invalidator.MarkInvalidAsync(key, reason, rejectedVersion, cancellationToken).ConfigureAwait(false);
        return null;
    }
}
