using System.Text;
using FbTokens.Internal;

namespace FbTokens;

/// <summary>
/// A token as an <see cref="ITokenStore"/> keeps it. <see cref="object.ToString"/> never prints <see cref="Value"/>.
/// </summary>
/// <remarks>
/// The store owns <see cref="Version"/>: <see cref="ITokenStore.SetAsync"/> ignores the value passed in and returns the
/// token with the version it assigned (1 for a new key, then one more on every write).
/// </remarks>
public sealed record StoredToken
{
    /// <summary>Which token this is: kind, subject and (on multi-app hosts) app.</summary>
    public required TokenKey Key { get; init; }

    /// <summary>The access token itself. Never printed by <see cref="object.ToString"/>.</summary>
    public required string Value { get; init; }

    /// <summary>When the token expires; null when it never does (page tokens from a long-lived user token, app tokens).</summary>
    public DateTimeOffset? ExpiresAt { get; init; }

    /// <summary>When the 90-day data-access window ends, if known. After it, the person must log in again to grant access.</summary>
    public DateTimeOffset? DataAccessExpiresAt { get; init; }

    /// <summary>The permissions granted to the token, if known (empty otherwise).</summary>
    public IReadOnlyList<string> Scopes { get; init; } = [];

    /// <summary>Whether the token is usable.</summary>
    public TokenStatus Status { get; init; } = TokenStatus.Valid;

    /// <summary>Why Graph rejected the token, when <see cref="Status"/> is <see cref="TokenStatus.Invalid"/>.</summary>
    public TokenErrorReason? InvalidReason { get; init; }

    /// <summary>When this token value was issued (or first stored).</summary>
    public DateTimeOffset IssuedAt { get; init; }

    /// <summary>When this record was last written.</summary>
    public DateTimeOffset UpdatedAt { get; init; }

    /// <summary>The <c>machine_id</c> of a token redeemed from a client code, where it applies.</summary>
    public string? MachineId { get; init; }

    /// <summary>For a page token: the app-scoped user whose token it was obtained with, so it can be fetched again.</summary>
    public string? OwnerUserId { get; init; }

    /// <summary>
    /// True once a server-side renewal (a re-exchange) returned no later expiry: only the person can renew this token, by
    /// logging in again. The manager then stops trying (no retry loop), keeps handing out the token until it expires, and
    /// tells the person ahead of <see cref="ExpiresAt"/>. A new token for the key clears it.
    /// </summary>
    public bool RenewalNeedsPerson { get; init; }

    /// <summary>The expiry the person was last told about (<see cref="ITokenLifecycleObserver.OnTokenExpiringAsync"/>), so that
    /// the notice is sent once per expiry, across restarts and instances; null when none was sent.</summary>
    public DateTimeOffset? ExpiryNoticeSentFor { get; init; }

    /// <summary>The end of the data-access window the person was last told about
    /// (<see cref="ITokenLifecycleObserver.OnDataAccessExpiringAsync"/>); null when none was sent.</summary>
    public DateTimeOffset? DataAccessNoticeSentFor { get; init; }

    /// <summary>The missing permissions the person was last told about
    /// (<see cref="ITokenLifecycleObserver.OnPermissionsMissingAsync"/>), sorted; empty when none.</summary>
    public IReadOnlyList<string> MissingPermissionsNoticed { get; init; } = [];

    /// <summary>The store's version of this record, for compare-and-set (see <see cref="ITokenStore.SetAsync"/>).</summary>
    public long Version { get; init; }

    /// <summary>Whether the token is <see cref="TokenStatus.Valid"/> and not expired at <paramref name="now"/>.</summary>
    /// <param name="now">The current time.</param>
    /// <returns>True when it can be used now.</returns>
    public bool IsUsableAt(DateTimeOffset now) => Status == TokenStatus.Valid && (ExpiresAt is null || ExpiresAt > now);

    private bool PrintMembers(StringBuilder builder)
    {
        builder.Append("Key = ").Append(Key)
            .Append(", Value = ").Append(SecretMask.Token(Value))
            .Append(", ExpiresAt = ").Append(ExpiresAt)
            .Append(", DataAccessExpiresAt = ").Append(DataAccessExpiresAt)
            .Append(", Scopes = [").AppendJoin(", ", Scopes)
            .Append("], Status = ").Append(Status)
            .Append(", InvalidReason = ").Append(InvalidReason)
            .Append(", IssuedAt = ").Append(IssuedAt)
            .Append(", UpdatedAt = ").Append(UpdatedAt)
            .Append(", MachineId = ").Append(MachineId)
            .Append(", OwnerUserId = ").Append(OwnerUserId)
            .Append(", RenewalNeedsPerson = ").Append(RenewalNeedsPerson)
            .Append(", ExpiryNoticeSentFor = ").Append(ExpiryNoticeSentFor)
            .Append(", DataAccessNoticeSentFor = ").Append(DataAccessNoticeSentFor)
            .Append(", MissingPermissionsNoticed = [").AppendJoin(", ", MissingPermissionsNoticed).Append(']')
            .Append(", Version = ").Append(Version);
        return true;
    }
}
