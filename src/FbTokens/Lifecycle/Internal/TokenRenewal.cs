using Microsoft.Extensions.DependencyInjection;

namespace FbTokens.Internal;

/// <summary>
/// Asks Graph for the replacement of a stored token: a user token is re-exchanged, a page token is fetched again with its
/// owner's token. The coordination around it (one flight, the lock, compare-and-set, retry timing) is <see cref="TokenRefresher"/>'s.
/// </summary>
internal sealed class TokenRenewal
{
    private readonly IGraphTokenClient _client;
    private readonly TokenInvalidator _invalidator;

    public TokenRenewal([FromKeyedServices(LifecycleGraphTokenClient.ServiceKey)] IGraphTokenClient client, TokenInvalidator invalidator)
    {
        _client = client;
        _invalidator = invalidator;
    }

    public async Task<StoredToken> ExchangeUserTokenAsync(StoredToken current, DateTimeOffset now, CancellationToken cancellationToken)
    {
        // Whether Graph moves the expiry of a re-exchanged long-lived token is disputed (docs/token-kinds.md): the refresher
        // checks the answer and keeps the token when it does not.
        var response = await _client.ExchangeForLongLivedTokenAsync(current.Value, cancellationToken).ConfigureAwait(false);
        return current with
        {
            Value = response.AccessToken,
            ExpiresAt = response.ExpiresAt,
            MachineId = response.MachineId ?? current.MachineId,
            IssuedAt = now,
            UpdatedAt = now,
        };
    }

    /// <summary>Renews a 60-day system-user token server side (<c>fb_exchange_token</c> with <c>set_token_expires_in_60_days</c>).</summary>
    public async Task<StoredToken> RenewSystemUserTokenAsync(StoredToken current, DateTimeOffset now, CancellationToken cancellationToken)
    {
        var response = await _client.RenewSystemUserTokenAsync(current.Value, cancellationToken).ConfigureAwait(false);
        return current with
        {
            Value = response.AccessToken,
            ExpiresAt = response.ExpiresAt,
            IssuedAt = now,
            UpdatedAt = now,
        };
    }

    /// <summary>Fetches the page token of <paramref name="current"/> again with <paramref name="owner"/>, the usable token
    /// stored under <paramref name="ownerKey"/>.</summary>
    /// <exception cref="ReauthenticationRequiredException">The owner no longer gets a token for the page.</exception>
    /// <exception cref="GraphAuthException">Graph rejected the owner's token, which is marked invalid too.</exception>
    public async Task<StoredToken> RefetchPageTokenAsync(StoredToken current, TokenKey ownerKey, StoredToken owner, DateTimeOffset now, CancellationToken cancellationToken)
    {
        var ownerId = ownerKey.SubjectId;
        try
        {
            await foreach (var page in _client.GetPageTokensAsync(ownerId, owner.Value, cancellationToken).ConfigureAwait(false))
            {
                // Listed without a token: the owner no longer gets one for this page, which only a new login can change.
                if (page.Id == current.Key.SubjectId && page.HasAccessToken)
                {
                    return LifecycleRules.PageToken(owner, page, now) with { MachineId = current.MachineId };
                }
            }
        }
        catch (GraphAuthException ex)
        {
            // The owner's token was rejected: it is invalid too.
            await _invalidator.MarkInvalidAsync(ownerKey, ex.Reason, owner.Version, cancellationToken).ConfigureAwait(false);
            throw;
        }

        throw new ReauthenticationRequiredException(current.Key, TokenErrorReason.InvalidSession, ownerId);
    }
}
