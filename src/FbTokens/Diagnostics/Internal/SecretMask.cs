namespace FbTokens.Internal;

/// <summary>Short, safe stand-ins for secrets and tokens, for <c>ToString()</c> and logs.</summary>
internal static class SecretMask
{
    /// <summary>
    /// Masks a token: its first four characters (which name the token family, not the secret) and its length,
    /// e.g. <c>EAAB…(212 chars)</c>. Short values are fully hidden.
    /// </summary>
    public static string Token(string? value)
    {
        if (string.IsNullOrEmpty(value))
        {
            return "(none)";
        }

        return value.Length < 16 ? "***" : string.Concat(value.AsSpan(0, 4), "…(", value.Length.ToString(System.Globalization.CultureInfo.InvariantCulture), " chars)");
    }
}
