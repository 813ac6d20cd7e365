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

        for (var attempt = 0; attempt < Attempts; attempt++)
        {
            var current = await _store.GetAsync(key, cancellationToken).ConfigureAwait(false);
            if (current is null || current.Status == TokenStatus.Invalid || (expectedVersion is { } expected && current.Version != expected))
            {
                return false;
            }

            var now = _timeProvider.GetUtcNow();
            try
            {
                await _store.SetAsync(current with { Status = TokenStatus.Invalid, InvalidReason = reason, UpdatedAt = now }, current.Version, cancellationToken).ConfigureAwait(false);
            }
            catch (TokenStoreConcurrencyException) when (expectedVersion is null)
            {
                continue;
            }
            catch (TokenStoreConcurrencyException)
            {
                // The token changed since it failed: the new one has not been rejected.
                return false;
            }

            LifecycleLog.TokenMarkedInvalid(_logger, key, reason);

            // On the parts' own token, not the caller's: a caller that gives up must not swallow the person's notice.
            await _notifier.ReauthenticationRequiredAsync(
                new ReauthenticationRequiredNotice(key, LifecycleRules.UserIdOf(key, current), reason, current.Scopes, now), _stopping.Token).ConfigureAwait(false);
            return true;
        }

        return false;
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

    [LoggerMessage(2100, LogLevel.Warning, "Graph rejected {TokenKey} for {Reason}: the person must act on facebook.com; the token is kept, not marked invalid.")]
    private static partial void UserActionRequired(ILogger logger, TokenKey tokenKey, TokenErrorReason reason);
}
