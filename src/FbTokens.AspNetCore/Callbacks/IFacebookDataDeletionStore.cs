namespace FbTokens;

/// <summary>
/// Keeps the confirmation records of data-deletion requests for their status page. Register your own (e.g. in the app's
/// database) as a singleton before mapping <c>MapFacebookDataDeletionCallback</c>; without one, records are kept in memory
/// (the latest 10,000, lost on restart).
/// </summary>
public interface IFacebookDataDeletionStore
{
    /// <summary>Saves a record.</summary>
    /// <param name="record">The record.</param>
    /// <param name="cancellationToken">Cancels the write.</param>
    /// <returns>A task that completes when the record is saved.</returns>
    Task SaveAsync(FacebookDataDeletionRecord record, CancellationToken cancellationToken = default);

    /// <summary>Finds the record of a confirmation code.</summary>
    /// <param name="confirmationCode">The code from the status URL.</param>
    /// <param name="cancellationToken">Cancels the read.</param>
    /// <returns>The record; null when the code is unknown.</returns>
    Task<FacebookDataDeletionRecord?> FindAsync(string confirmationCode, CancellationToken cancellationToken = default);
}
