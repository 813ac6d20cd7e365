using System.Globalization;

namespace FbTokens;

/// <summary>
/// A compare-and-set write to an <see cref="ITokenStore"/> lost: someone wrote (or removed) the token since the caller
/// read it. Read it again and decide whether to write.
/// </summary>
public sealed class TokenStoreConcurrencyException : Exception
{
    /// <summary>Creates the exception.</summary>
    /// <param name="key">The token's key.</param>
    /// <param name="expectedVersion">The version the writer expected.</param>
    /// <param name="actualVersion">The version stored, or null when nothing was stored.</param>
    public TokenStoreConcurrencyException(TokenKey key, long? expectedVersion, long? actualVersion)
        : base(string.Create(CultureInfo.InvariantCulture,
            $"The token {key} was changed by another writer: expected version {expectedVersion?.ToString(CultureInfo.InvariantCulture) ?? "any"}, found {actualVersion?.ToString(CultureInfo.InvariantCulture) ?? "none"}."))
    {
        ArgumentNullException.ThrowIfNull(key);
        Key = key;
        ExpectedVersion = expectedVersion;
        ActualVersion = actualVersion;
    }

    /// <summary>The token's key.</summary>
    public TokenKey Key { get; }

    /// <summary>The version the writer expected (0: nothing stored).</summary>
    public long? ExpectedVersion { get; }

    /// <summary>The version stored, or null when nothing was stored.</summary>
    public long? ActualVersion { get; }
}
