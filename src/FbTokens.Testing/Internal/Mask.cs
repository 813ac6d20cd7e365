using System.Globalization;

namespace FbTokens.Testing.Internal;

internal static class Mask
{
    public static string Token(string? value) =>
        string.IsNullOrEmpty(value) ? "(none)"
        : value.Length < 16 ? "***"
        : string.Concat(value.AsSpan(0, 4), "…(", value.Length.ToString(CultureInfo.InvariantCulture), " chars)");
}
