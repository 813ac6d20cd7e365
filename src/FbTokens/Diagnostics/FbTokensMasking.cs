using FbTokens.Internal;

namespace FbTokens;

/// <summary>
/// The masking FbTokens uses in its own logs and <c>ToString()</c>, for hosts that show or log tokens themselves
/// (an admin page listing page tokens, a console tool): the same stand-in everywhere, never the secret part.
/// </summary>
public static class FbTokensMasking
{
    /// <summary>
    /// Masks an access token, code or secret: its first four characters (which name the token family, e.g. <c>EAAB</c>,
    /// not the secret) and its length, as in <c>EAAB…(212 chars)</c>. Values shorter than 16 characters are hidden
    /// entirely (<c>***</c>); null or empty gives <c>(none)</c>.
    /// </summary>
    /// <param name="token">The token, code or secret.</param>
    /// <returns>A stand-in safe to print.</returns>
    public static string MaskToken(string? token) => SecretMask.Token(token);
}
