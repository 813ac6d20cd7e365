namespace FbTokens;

/// <summary>
/// Lets one app instance at a time refresh a token, so that across instances sharing a store one refresh per key
/// reaches Graph. The manager already runs one refresh per key within a process; this lock extends that to every
/// process. The default does nothing (a single instance needs no more); <c>UseRedisTokenStore</c> registers one on Redis.
/// </summary>
/// <remarks>
/// The lock is advisory and may expire while its holder still works: the manager's compare-and-set write (the version it
/// read under the lock) is the fencing check, so a holder whose lease expired cannot overwrite a newer token.
/// </remarks>
public interface IDistributedRefreshLock
{
    /// <summary>Tries once to take the refresh lock of <paramref name="key"/>.</summary>
    /// <param name="key">The token's key.</param>
    /// <param name="cancellationToken">Cancels the attempt.</param>
    /// <returns>A lease to dispose when the refresh is over (it releases the lock only if still held by this lease);
    /// null when another holder has it.</returns>
    /// <exception cref="TokenStoreUnavailableException">The lock's server cannot be reached.</exception>
    ValueTask<IAsyncDisposable?> TryAcquireAsync(TokenKey key, CancellationToken cancellationToken = default);

    /// <summary>
    /// Waits until the lock of <paramref name="key"/> looks free (released, or expired), for at most the lock's lifetime.
    /// The caller then reads the store again: the holder has usually stored a new token.
    /// </summary>
    /// <param name="key">The token's key.</param>
    /// <param name="cancellationToken">Cancels the wait.</param>
    /// <returns>A task that completes when the caller should look again.</returns>
    /// <exception cref="TokenStoreUnavailableException">The lock's server cannot be reached.</exception>
    ValueTask WaitForReleaseAsync(TokenKey key, CancellationToken cancellationToken = default);
}
