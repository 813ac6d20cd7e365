namespace FbTokens.Internal;

/// <summary>Open-redirect guard: only app-relative paths (<c>/…</c>, not <c>//host</c> or <c>/\host</c>) are followed.</summary>
internal static class LocalUrl
{
    public const int MaxLength = 2048;

    public static bool IsLocal(string? url)
    {
        if (string.IsNullOrEmpty(url) || url.Length > MaxLength || url[0] != '/')
        {
            return false;
        }

        if (url.Length > 1 && url[1] is '/' or '\\')
        {
            return false;
        }

        foreach (var c in url)
        {
            if (char.IsControl(c))
            {
                return false;
            }
        }

        return true;
    }
}
