namespace FbTokens;

/// <summary>What happens next to a stored token (see <see cref="TokenLifecycleStatus.NextAction"/>).</summary>
public enum TokenNextAction
{
    /// <summary>Nothing is scheduled.</summary>
    None = 0,

    /// <summary>The manager will renew it server side at <see cref="TokenLifecycleStatus.NextActionAt"/>.</summary>
    ServerRenewal = 1,

    /// <summary>The sweep will tell the person (an observer notice) at <see cref="TokenLifecycleStatus.NextActionAt"/>.</summary>
    NotifyPerson = 2,

    /// <summary>The person was told; the manager waits for their new login until <see cref="TokenLifecycleStatus.Deadline"/>.</summary>
    AwaitPersonLogin = 3,

    /// <summary>The token is unusable (invalid or expired): the person must log in again now.</summary>
    PersonLogin = 4,
}
