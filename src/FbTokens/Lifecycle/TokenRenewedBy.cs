namespace FbTokens;

/// <summary>Who renews a stored token before it ends (see <see cref="TokenLifecycleStatus.RenewedBy"/>).</summary>
public enum TokenRenewedBy
{
    /// <summary>Nothing to renew: the token does not expire (a page token from a long-lived user token, a non-expiring
    /// system-user token), or is rebuilt on demand (an app token).</summary>
    NotNeeded = 0,

    /// <summary>The manager renews it server side: a page token is fetched again with its owner's token; a user token is
    /// re-exchanged and counts as renewed only if its expiry moves (else it turns <see cref="Person"/>).</summary>
    Server = 1,

    /// <summary>Only the person (or, for a system-user token, a Business admin) can renew it, by logging in again (or
    /// issuing a new token).</summary>
    Person = 2,
}
