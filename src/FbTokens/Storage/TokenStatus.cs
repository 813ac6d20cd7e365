namespace FbTokens;

/// <summary>Whether a stored token can still be used.</summary>
public enum TokenStatus
{
    /// <summary>The token was valid when last used or checked.</summary>
    Valid = 0,

    /// <summary>Graph rejected the token (see <see cref="StoredToken.InvalidReason"/>); the person must log in again.</summary>
    Invalid = 1,
}
