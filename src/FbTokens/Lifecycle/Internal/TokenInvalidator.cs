using System.Runtime.ExceptionServices;
using Microsoft.Extensions.Logging;

namespace FbTokens.Internal;

/// <summary>
/// Marks a stored token invalid (compare-and-set, so a token replaced since it failed is left alone) and raises
/// <see cref="ITokenLifecycleObserver.OnReauthenticationRequiredAsync"/> once, when it was valid. A reason the person must
/// clear on facebook.com (<see cref="TokenErrorReason.UserCheckpointed"/>, <see cref="TokenErrorReason.UnconfirmedUser"/>)
/// does not invalidate the token: Meta does not say it is gone, so it stays <see cref="TokenStatus.Valid"/> and usable once
/// the person has acted; the reason is recorded in <see cref="StoredToken.InvalidReason"/> and the person notified once.
/// </summary>
internal sealed partial class TokenInvalidator
{
    private const int Attempts = 3;

    private readonly ITokenStore _store;
    private readonly TokenLifecycleNotifier _notifier;
    private readonly LifecycleStopping _stopping;
    private readonly TimeProvider _timeProvider;
    private readonly ILogger _logger;

    public TokenInvalidator(ITokenStore store, TokenLifecycleNotifier notifier, LifecycleStopping stopping, TimeProvider timeProvider, ILogger<TokenInvalidator> logger)
    {
        _store = store;
        _notifier = notifier;
        _stopping = stopping;
        _timeProvider = timeProvider;
        _logger = logger;
    }

    /// <summary>
    /// Marks <paramref name="key"/> invalid for <paramref name="reason"/>, if it is stored, still valid and (when
    /// <paramref name="expectedVersion"/> is given) still that version. True when this call marked it.
    /// </summary>
    public async Task<bool> MarkInvalidAsync(TokenKey key, TokenErrorReason reason, long? expectedVersion, CancellationToken cancellationToken)
    {
        if (GraphErrorClassifier.RequiresUserAction(reason))
        {
            await RecordUserActionAsync(key, reason, expectedVersion, cancellationToken).ConfigureAwait(false);
            return false;
        }

        var now = _timeProvider.GetUtcNow();
        var before = await TryMarkAsync(key, reason, expectedVersion, retry: expectedVersion is null, now, cancellationToken).ConfigureAwait(false);
        if (before is null)
        {
            return false;
        }

        // On the parts' own token, not the caller's: a caller that gives up must not swallow the person's notice.
        await _notifier.ReauthenticationRequiredAsync(
            new ReauthenticationRequiredNotice(key, LifecycleRules.UserIdOf(key, before), reason, before.Scopes, now), _stopping.Token).ConfigureAwait(false);

        if (LifecycleRules.UserIdOf(key, before) is { } userId && StartsPersonEvent(key.Kind, reason))
        {
            await CascadeAsync(userId, key.AppId, reason, before, explicitRequest: false, now).ConfigureAwait(false);
        }

        return true;
    }

    /// <summary>
    /// As <see cref="IGraphTokenManager.InvalidateUserAsync"/>, for the tokens of <paramref name="userId"/> with
    /// <see cref="TokenKey.AppId"/> <paramref name="appId"/>: marks every valid one invalid, raises a per-token notice for
    /// each and one per-user notice (when this call turned the user token, or no user token is stored).
    /// </summary>
    public async Task<IReadOnlyList<TokenKey>> InvalidateUserAsync(string userId, string? appId, TokenErrorReason reason, CancellationToken cancellationToken)
    {
        if (GraphErrorClassifier.RequiresUserAction(reason))
        {
            throw new ArgumentException("The person must act on facebook.com for this reason; their tokens stay valid. Use MarkInvalidAsync to record it on a token.", nameof(reason));
        }

        cancellationToken.ThrowIfCancellationRequested();
        return await CascadeAsync(userId, appId, reason, first: null, explicitRequest: true, _timeProvider.GetUtcNow()).ConfigureAwait(false);
    }

    /// <summary>
    /// Whether a token turning invalid for <paramref name="reason"/> is the person's event (they must log in again): any
    /// reason on their user token but a page-only one; on a page token, a reason that concerns the person, not the page.
    /// </summary>
    internal static bool StartsPersonEvent(TokenKind kind, TokenErrorReason reason) =>
        kind == TokenKind.User ? reason != TokenErrorReason.InvalidSession : kind == TokenKind.Page && IsPersonWide(reason);

    /// <summary>
    /// The reasons that make every token of the person unusable: Meta ties them to the person's session with the app, not
    /// to one token (password changed, logged out or revoked, app removed, data-access window closed, expired). 492 (the
    /// person's role on a page lost) and reasons this library does not know concern one token only.
    /// </summary>
    internal static bool IsPersonWide(TokenErrorReason reason) => reason is TokenErrorReason.PasswordChanged
        or TokenErrorReason.InvalidAccessToken or TokenErrorReason.AppNotInstalled or TokenErrorReason.DataAccessExpired
        or TokenErrorReason.Expired;

    /// <summary>Whether the person's event for <paramref name="reason"/> makes <paramref name="token"/> unusable too. An
    /// expiry takes only the tokens that have expired as well: a page token from a long-lived user token does not expire.</summary>
    private static bool CascadesTo(StoredToken token, TokenErrorReason reason, bool explicitRequest, DateTimeOffset now) =>
        explicitRequest || (reason == TokenErrorReason.Expired ? !token.IsUsableAt(now) : IsPersonWide(reason));

    /// <summary>
    /// Marks the person's other valid tokens invalid for <paramref name="reason"/> (their user token first: whoever turns
    /// it by compare-and-set owns the per-user notice, so racing instances and repeated sweeps raise it once), raises a
    /// per-token notice for each token marked, then the one per-user notice. Runs on the parts' own token: once the first
    /// token is marked, the person's event is finished even if the caller gives up.
    /// </summary>
    private async Task<IReadOnlyList<TokenKey>> CascadeAsync(string userId, string? appId, TokenErrorReason reason, StoredToken? first, bool explicitRequest, DateTimeOffset now)
    {
        var cancellationToken = _stopping.Token;
        var marked = new List<TokenKey>();
        var notified = new List<TokenKey>();
        ExceptionDispatchInfo? failure = null;
        StoredToken? user = first?.Key.Kind == TokenKind.User ? first : null;
        var raisesUserNotice = user is not null;
        var userStored = user is not null;
        DateTimeOffset? userWrittenAt = user?.UpdatedAt;
        if (first is not null)
        {
            notified.Add(first.Key);
        }

        try
        {
            var tokens = new List<StoredToken>();
            await foreach (var token in _store.ListForUserAsync(userId, appId, cancellationToken).ConfigureAwait(false))
            {
                if (first is null || token.Key != first.Key)
                {
                    tokens.Add(token);
                }
            }

            // The user token first: its compare-and-set decides who raises the per-user notice.
            tokens.Sort(static (a, b) => (a.Key.Kind == TokenKind.User ? 0 : 1).CompareTo(b.Key.Kind == TokenKind.User ? 0 : 1));
            var others = new List<StoredToken>();
            foreach (var token in tokens)
            {
                if (token.Key.Kind == TokenKind.User)
                {
                    userStored = true;
                    userWrittenAt ??= token.UpdatedAt;
                }

                if (token.Status == TokenStatus.Invalid)
                {
                    others.Add(token);
                    continue;
                }

                if (!CascadesTo(token, reason, explicitRequest, now))
                {
                    continue;
                }

                var before = await TryMarkAsync(token.Key, reason, token.Version, retry: true, now, cancellationToken).ConfigureAwait(false);
                if (before is null)
                {
                    continue;
                }

                marked.Add(token.Key);
                notified.Add(token.Key);
                if (token.Key.Kind == TokenKind.User)
                {
                    user = before;
                    raisesUserNotice = true;
                    userWrittenAt = before.UpdatedAt;
                }

                await _notifier.ReauthenticationRequiredAsync(
                    new ReauthenticationRequiredNotice(token.Key, userId, reason, before.Scopes, now), cancellationToken).ConfigureAwait(false);
            }

            // Tokens another instance marked for the same event (since the person's user token was last written) belong in
            // the one notice too.
            if (raisesUserNotice && userWrittenAt is { } since)
            {
                foreach (var token in others)
                {
                    if (token.InvalidReason == reason && token.UpdatedAt >= since && !notified.Contains(token.Key))
                    {
                        notified.Add(token.Key);
                    }
                }
            }
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            // The first token is marked and its notice sent; the others are found again by the next sweep or request. An
            // explicit request (a deauthorize callback) must not report success, so it gets the failure after the notice.
            CascadeFailed(_logger, userId, appId, reason, ex);
            failure = explicitRequest ? ExceptionDispatchInfo.Capture(ex) : null;
        }

        // Without a stored user token there is nothing to decide on: whoever turned a token tells the person.
        raisesUserNotice |= !userStored && notified.Count > 0;
        if (raisesUserNotice)
        {
            PersonMarkedInvalid(_logger, userId, appId, reason, notified.Count);
            await _notifier.UserReauthenticationRequiredAsync(
                new UserReauthenticationRequiredNotice(userId, appId, reason, notified, (user ?? first)?.Scopes ?? [], now), cancellationToken).ConfigureAwait(false);
        }

        failure?.Throw();
        return marked;
    }

    /// <summary>
    /// Marks <paramref name="key"/> invalid by compare-and-set, if it is stored, valid and (when given) still
    /// <paramref name="expectedVersion"/>; with <paramref name="retry"/>, a write lost to another writer is tried again on
    /// the newer token. Returns the token as it was before, or null when this call did not mark it.
    /// </summary>
    private async Task<StoredToken?> TryMarkAsync(TokenKey key, TokenErrorReason reason, long? expectedVersion, bool retry, DateTimeOffset now, CancellationToken cancellationToken)
    {
        for (var attempt = 0; attempt < Attempts; attempt++)
        {
            var current = await _store.GetAsync(key, cancellationToken).ConfigureAwait(false);
            if (current is null || current.Status == TokenStatus.Invalid || (expectedVersion is { } expected && current.Version != expected))
            {
                return null;
            }

            try
            {
                await _store.SetAsync(current with { Status = TokenStatus.Invalid, InvalidReason = reason, UpdatedAt = now }, current.Version, cancellationToken).ConfigureAwait(false);
            }
            catch (TokenStoreConcurrencyException) when (retry)
            {
                // Written meanwhile: look again (a newer valid token is still the person's, and still dead for this reason).
                expectedVersion = null;
                continue;
            }
            catch (TokenStoreConcurrencyException)
            {
                // The token changed since it failed: the new one has not been rejected.
                return null;
            }

            LifecycleLog.TokenMarkedInvalid(_logger, key, reason);
            return current;
        }

        return null;
    }

    /// <summary>
    /// The person must act on facebook.com (checkpoint, unconfirmed account): the token is kept valid, the reason recorded
    /// on it once (compare-and-set) and the person notified once, with that reason, so the host can tell them what to do.
    /// </summary>
    private async Task RecordUserActionAsync(TokenKey key, TokenErrorReason reason, long? expectedVersion, CancellationToken cancellationToken)
    {
        for (var attempt = 0; attempt < Attempts; attempt++)
        {
            var current = await _store.GetAsync(key, cancellationToken).ConfigureAwait(false);
            if (current is null || current.Status == TokenStatus.Invalid || current.InvalidReason == reason
                || (expectedVersion is { } expected && current.Version != expected))
            {
                return;
            }

            var now = _timeProvider.GetUtcNow();
            try
            {
                await _store.SetAsync(current with { InvalidReason = reason, UpdatedAt = now }, current.Version, cancellationToken).ConfigureAwait(false);
            }
            catch (TokenStoreConcurrencyException) when (expectedVersion is null)
            {
                continue;
            }
            catch (TokenStoreConcurrencyException)
            {
                return;
            }

            UserActionRequired(_logger, key, reason);
            await _notifier.ReauthenticationRequiredAsync(
                new ReauthenticationRequiredNotice(key, LifecycleRules.UserIdOf(key, current), reason, current.Scopes, now), _stopping.Token).ConfigureAwait(false);
            return;
        }
    }

    [LoggerMessage(2170, LogLevel.Warning, "The person {UserId} (app {AppId}) must log in again ({Reason}); {Count} of their tokens are unusable, one notice raised.")]
    private static partial void PersonMarkedInvalid(ILogger logger, string userId, string? appId, TokenErrorReason reason, int count);

    [LoggerMessage(2171, LogLevel.Warning, "Marking the other tokens of {UserId} (app {AppId}) invalid ({Reason}) failed; the sweep finds them again.")]
    private static partial void CascadeFailed(ILogger logger, string userId, string? appId, TokenErrorReason reason, Exception exception);

    [LoggerMessage(2100, LogLevel.Warning, "Graph rejected {TokenKey} for {Reason}: the person must act on facebook.com; the token is kept, not marked invalid.")]
    private static partial void UserActionRequired(ILogger logger, TokenKey tokenKey, TokenErrorReason reason);
}
