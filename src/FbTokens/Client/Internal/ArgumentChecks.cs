using System.Runtime.CompilerServices;

namespace FbTokens.Internal;

/// <summary>Argument checks that run before any network call.</summary>
internal static class ArgumentChecks
{
    /// <summary>A token or code: not null, empty or white space, no control characters or spaces inside.</summary>
    public static void Credential(string? value, [CallerArgumentExpression(nameof(value))] string? paramName = null)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(value, paramName);
        if (WireRanges.HasControlOrWhiteSpace(value))
        {
            // The value itself is never put in the message.
            throw new ArgumentException("The value contains control or white-space characters; tokens and codes never do.", paramName);
        }
    }

    /// <summary>A redirect URI: not null and absolute.</summary>
    public static void RedirectUri(Uri? value, [CallerArgumentExpression(nameof(value))] string? paramName = null)
    {
        ArgumentNullException.ThrowIfNull(value, paramName);
        // On Unix "/callback" parses as the absolute file:///callback: the scheme check catches it.
        if (!value.IsAbsoluteUri || (value.Scheme != Uri.UriSchemeHttps && value.Scheme != Uri.UriSchemeHttp))
        {
            throw new ArgumentException("The redirect URI must be an absolute http(s) URI, exactly as registered for the app.", paramName);
        }
    }

    /// <summary>A Graph user id: digits, or <c>me</c>.</summary>
    public static void UserId(string? value, [CallerArgumentExpression(nameof(value))] string? paramName = null)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(value, paramName);
        if (value != "me" && !value.All(char.IsAsciiDigit))
        {
            throw new ArgumentException("The user id must be the app-scoped user id (digits) or 'me'.", paramName);
        }
    }

    /// <summary>An optional machine id: when given, no control characters or white space.</summary>
    public static void OptionalMachineId(string? value, [CallerArgumentExpression(nameof(value))] string? paramName = null)
    {
        if (value is not null)
        {
            Credential(value, paramName);
        }
    }
}
