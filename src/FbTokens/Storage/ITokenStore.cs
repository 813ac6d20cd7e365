namespace FbTokens;

/// <summary>
/// Keeps tokens, one per <see cref="TokenKey"/>, with a version for compare-and-set so that two writers (two
/// requests, two instances) cannot silently overwrite each other. The default keeps tokens in process memory;
/// register your own implementation before or after <c>AddTokenManager</c> to replace it.
/// </summary>
/// <remarks>
/// Implementations must be safe to call from many threads. Values are stored as given: wrap the store with
/// <c>ProtectTokensWithDataProtection()</c> to encrypt them at rest.
/// </remarks>
public interface ITokenStore
{
    /// <summary>Reads the token stored under <paramref name="key"/>.</summary>
    /// <param name="key">The key.</param>
    /// <param name="cancellationToken">Cancels the read.</param>
    /// <returns>The token, or null when none is stored.</returns>
    ValueTask<StoredToken?> GetAsync(TokenKey key, CancellationToken cancellationToken = default);

    /// <summary>
    /// Writes <paramref name="token"/> under <see cref="StoredToken.Key"/>, if the stored version is the one expected.
    /// </summary>
    /// <param name="token">The token to write; its <see cref="StoredToken.Version"/> is ignored.</param>
    /// <param name="expectedVersion">Null to write whatever is stored; 0 to write only when nothing is stored; otherwise the
    /// version the caller read, to write only when no one has written since.</param>
    /// <param name="cancellationToken">Cancels the write.</param>
    /// <returns>The token as stored, with its new <see cref="StoredToken.Version"/>.</returns>
    /// <exception cref="TokenStoreConcurrencyException">The stored version is not <paramref name="expectedVersion"/>.</exception>
    ValueTask<StoredToken> SetAsync(StoredToken token, long? expectedVersion, CancellationToken cancellationToken = default);

    /// <summary>Removes the token stored under <paramref name="key"/>, if the stored version is the one expected.</summary>
    /// <param name="key">The key.</param>
    /// <param name="expectedVersion">Null to remove whatever is stored; otherwise the version the caller read.</param>
    /// <param name="cancellationToken">Cancels the removal.</param>
    /// <returns>True when a token was removed; false when none was stored.</returns>
    /// <exception cref="TokenStoreConcurrencyException">A token is stored with another version than <paramref name="expectedVersion"/>.</exception>
    ValueTask<bool> RemoveAsync(TokenKey key, long? expectedVersion, CancellationToken cancellationToken = default);

    /// <summary>
    /// Streams the stored tokens, optionally of one kind, without loading them all at once. Tokens written during the
    /// enumeration may or may not be seen; each stored key is returned at most once.
    /// </summary>
    /// <param name="kind">Only tokens of this kind; null for all.</param>
    /// <param name="cancellationToken">Cancels the enumeration.</param>
    /// <returns>The tokens, in no particular order.</returns>
    IAsyncEnumerable<StoredToken> ListAsync(TokenKind? kind, CancellationToken cancellationToken = default);

    /// <summary>
    /// Streams one person's tokens: their user token (<see cref="TokenKind.User"/>, subject <paramref name="userId"/>) and
    /// every token whose <see cref="StoredToken.OwnerUserId"/> is <paramref name="userId"/> (the page tokens obtained with
    /// theirs), all with <see cref="TokenKey.AppId"/> equal to <paramref name="appId"/>. Served from an index by owner,
    /// not a scan of the store. Tokens written during the enumeration may or may not be seen; each key is returned at most once.
    /// </summary>
    /// <param name="userId">The app-scoped user id.</param>
    /// <param name="appId">The <see cref="TokenKey.AppId"/> of the tokens (null for keys that name no app); tokens of other
    /// app ids are never returned.</param>
    /// <param name="cancellationToken">Cancels the enumeration.</param>
    /// <returns>The person's tokens, in no particular order; none when nothing is stored for them.</returns>
    IAsyncEnumerable<StoredToken> ListForUserAsync(string userId, string? appId, CancellationToken cancellationToken = default);
}
