namespace FbTokens;

/// <summary>
/// The <see cref="ITokenStore"/> could not be reached (the database or cache server is down, the connection dropped, or
/// the operation timed out). Nothing is known to be lost: a read can simply be tried again; a write may or may not have
/// been applied, so read the token again before writing with an expected version.
/// </summary>
public sealed class TokenStoreUnavailableException : Exception
{
    /// <summary>Creates the exception.</summary>
    /// <param name="message">What failed; never a token value.</param>
    /// <param name="innerException">The store client's own error.</param>
    public TokenStoreUnavailableException(string message, Exception? innerException)
        : base(message, innerException)
    {
    }
}
