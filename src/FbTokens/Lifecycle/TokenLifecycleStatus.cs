namespace FbTokens;

/// <summary>
/// The truth about one stored token, from <see cref="IGraphTokenManager.GetStatusAsync"/>: what it is, when it ends, who
/// can renew it and what the manager does next.
/// </summary>
/// <param name="Key">The token's key (its <see cref="TokenKey.Kind"/> is the kind).</param>
/// <param name="Status">Whether it is usable (<see cref="TokenStatus.Invalid"/> also when it has expired).</param>
/// <param name="ExpiresAt">When it expires; null when it does not.</param>
/// <param name="DataAccessExpiresAt">When the person's data-access window ends, if known.</param>
/// <param name="RenewedBy">Who renews it before it ends.</param>
/// <param name="NextAction">What happens next.</param>
/// <param name="NextActionAt">When <paramref name="NextAction"/> is due (the sweep runs it at its next pass after that); null when nothing is scheduled.</param>
/// <param name="Deadline">When the person must have logged in again, where that is theirs to do: the earlier of the expiry
/// of a token only they can renew and the end of the data-access window; null when nothing waits on the person.</param>
public sealed record TokenLifecycleStatus(
    TokenKey Key,
    TokenStatus Status,
    DateTimeOffset? ExpiresAt,
    DateTimeOffset? DataAccessExpiresAt,
    TokenRenewedBy RenewedBy,
    TokenNextAction NextAction,
    DateTimeOffset? NextActionAt,
    DateTimeOffset? Deadline)
{
    /// <summary>The permissions of <see cref="TokenManagerOptions.RequiredPermissions"/> the token lacks, sorted; empty when none.</summary>
    public IReadOnlyList<string> MissingPermissions { get; init; } = [];
}
