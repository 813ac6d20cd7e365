namespace FbTokens.Internal;

/// <summary>Argument checks of the Login dialog builder; they run before anything else and never echo values.</summary>
internal static class LoginArgumentChecks
{
    public static void RedirectUri(Uri? value, string paramName)
    {
        ArgumentNullException.ThrowIfNull(value, paramName);
        if (!value.IsAbsoluteUri)
        {
            throw new ArgumentException("The redirect URI must be absolute, exactly as registered for the app.", paramName);
        }

        if (value.Scheme != Uri.UriSchemeHttps && !(value.Scheme == Uri.UriSchemeHttp && value.IsLoopback))
        {
            throw new ArgumentException("The redirect URI must use https (http is allowed only for localhost and loopback addresses).", paramName);
        }

        // Stryker disable once Equality : a parsed fragment needs a '#' in the original string, which the second test catches on its own
        if (value.Fragment.Length > 0 || value.OriginalString.Contains('#', StringComparison.Ordinal))
        {
            throw new ArgumentException("The redirect URI must not have a fragment (#...).", paramName);
        }

        if (value.OriginalString.Any(char.IsControl))
        {
            throw new ArgumentException("The redirect URI contains control characters.", paramName);
        }
    }

    public static void Scope(string? value, string paramName)
    {
        if (string.IsNullOrEmpty(value))
        {
            throw new ArgumentException("A scope is null or empty.", paramName);
        }

        foreach (var c in value)
        {
            if (char.IsWhiteSpace(c) || char.IsControl(c) || c == ',')
            {
                throw new ArgumentException("A scope contains white space, a comma or a control character: give each permission as its own item, e.g. [\"email\", \"pages_show_list\"].", paramName);
            }
        }
    }

    public static void ConfigId(string value, string paramName)
    {
        if (value.Length == 0 || value.Any(c => char.IsWhiteSpace(c) || char.IsControl(c)))
        {
            throw new ArgumentException("The config id is empty or contains white space or control characters.", paramName);
        }
    }
}
