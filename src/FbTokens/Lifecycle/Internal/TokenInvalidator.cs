using Microsoft.Extensions.Logging;

namespace FbTokens.Internal;

/// <summary>
/// Marks a stored token invalid (compare-and-set, so a token replaced since it failed is left alone) and raises
/// <see cref="ITokenLifecycleObserver.OnReauthenticationRequiredAsync"/> once, when it was valid.
/// </summary>
internal sealed class TokenInvalidator
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
}
