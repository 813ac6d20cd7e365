using System.Globalization;

namespace FbTokens;

/// <summary>
/// No usable token is stored for the key: none was ever saved, or it was found invalid or expired. Send the person
/// through Facebook Login and save the new token with <see cref="IGraphTokenManager.SaveUserTokenAsync"/>.
/// </summary>
public sealed class ReauthenticationRequiredException : Exception
{
    /// <summary>Creates the exception.</summary>
    /// <param name="key">The token's key.</param>
    /// <param name="reason">Why there is no usable token (<see cref="TokenErrorReason.Unknown"/> when none was stored).</param>
    /// <param name="userId">The app-scoped user to send through login, when known.</param>
    /// <param name="innerException">The Graph error that invalidated the token, if any.</param>
    public ReauthenticationRequiredException(TokenKey key, TokenErrorReason reason, string? userId, Exception? innerException = null)
        : base(string.Create(CultureInfo.InvariantCulture, $"No usable token for {key} ({reason}): the person must log in again."), innerException)
    {
        ArgumentNullException.ThrowIfNull(key);
        Key = key;
        Reason = reason;
        UserId = userId;
    }

    /// <summary>The token's key.</summary>
    public TokenKey Key { get; }

    /// <summary>Why there is no usable token.</summary>
    public TokenErrorReason Reason { get; }

    /// <summary>The app-scoped user to send through login, when known.</summary>
    public string? UserId { get; }
}
