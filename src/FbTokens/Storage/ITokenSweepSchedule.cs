namespace FbTokens;

/// <summary>
/// The validation sweep's schedule, kept by an <see cref="ITokenStore"/> that can share the sweep between instances: each
/// stored token carries the time of its next check, and instances claim due tokens in leased chunks, so every token is
/// checked once per <see cref="TokenManagerOptions.SweepInterval"/> however many instances run the sweep. The in-memory,
/// Redis and Entity Framework Core stores implement it; a store that does not is swept whole by every instance.
/// </summary>
/// <remarks>
/// <para>What the store keeps: every stored token except those of kind <see cref="TokenKind.App"/> has a next-check time.
/// A token written for a key not stored yet is due from its <see cref="StoredToken.UpdatedAt"/>; writing a key already
/// stored keeps its next-check time; removing a key drops it. Times are kept to the millisecond at least.</para>
/// <para>Implementations must be safe to call from many threads and many processes at once: a claim is atomic, so two
/// claims never return the same token until the first one's lease has passed.</para>
/// </remarks>
public interface ITokenSweepSchedule
{
    /// <summary>
    /// Claims up to <paramref name="maxCount"/> tokens whose next check is at or before <paramref name="dueBy"/> and whose
    /// <see cref="TokenKey.AppId"/> is <paramref name="appId"/>, and in the same atomic step moves their next check to
    /// <paramref name="leaseUntil"/>: no claim returns them again before then. A claimer that dies loses only its lease;
    /// one that finishes sets the next check with <see cref="ScheduleAsync"/>.
    /// </summary>
    /// <param name="appId">The <see cref="TokenKey.AppId"/> of the tokens to claim (null claims only keys that name no app).</param>
    /// <param name="dueBy">Claim tokens due at or before this time.</param>
    /// <param name="leaseUntil">Until when the claimed tokens are leased; later than <paramref name="dueBy"/>.</param>
    /// <param name="maxCount">The most tokens to claim, at least 1.</param>
    /// <param name="cancellationToken">Cancels the claim.</param>
    /// <returns>The claimed tokens as stored (with their <see cref="StoredToken.Version"/>), the most overdue first where the
    /// store can order them; empty when none is due.</returns>
    ValueTask<IReadOnlyList<StoredToken>> ClaimDueAsync(string? appId, DateTimeOffset dueBy, DateTimeOffset leaseUntil, int maxCount, CancellationToken cancellationToken = default);

    /// <summary>Sets the next check of each of <paramref name="keys"/> that is still stored (ending a lease); others are ignored.</summary>
    /// <param name="keys">The keys, typically the ones a claim returned.</param>
    /// <param name="nextCheckAt">When they are next due.</param>
    /// <param name="cancellationToken">Cancels the update.</param>
    /// <returns>A task that completes when the schedule is written.</returns>
    ValueTask ScheduleAsync(IReadOnlyCollection<TokenKey> keys, DateTimeOffset nextCheckAt, CancellationToken cancellationToken = default);

    /// <summary>How many tokens of <paramref name="appId"/> are due at <paramref name="dueBy"/>, and since when, for the sweep's metrics.</summary>
    /// <param name="appId">The <see cref="TokenKey.AppId"/> of the tokens to count (null counts only keys that name no app).</param>
    /// <param name="dueBy">Count tokens due at or before this time (leased tokens are not due until their lease passes).</param>
    /// <param name="cancellationToken">Cancels the count.</param>
    /// <returns>The count and the earliest next-check time among them.</returns>
    ValueTask<TokenSweepBacklog> GetBacklogAsync(string? appId, DateTimeOffset dueBy, CancellationToken cancellationToken = default);
}
