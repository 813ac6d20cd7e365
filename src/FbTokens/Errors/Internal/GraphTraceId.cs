using System.Buffers;
using System.Net.Http.Headers;

namespace FbTokens.Internal;

/// <summary>
/// Graph's trace id from a response's <c>x-fb-trace-id</c> header, treated as every string from the network: bounded
/// in length, checked for the shape of a trace id (ASCII letters, digits and <c>_-+/=</c>), and masked.
/// </summary>
internal static class GraphTraceId
{
    public const string HeaderName = "x-fb-trace-id";

    /// <summary>The longest trace id believed; Graph's are about a dozen characters.</summary>
    public const int MaxLength = 64;

    private static readonly SearchValues<char> Allowed =
        SearchValues.Create("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789_-+/=");

    /// <summary>The response's trace id, masked; null when it has none, or one of another shape.</summary>
    public static string? Of(HttpResponseMessage? response, SensitiveValues? sensitive) => Of(response?.Headers, sensitive);

    /// <summary>The trace id in <paramref name="headers"/>, masked; null when absent or of another shape.</summary>
    public static string? Of(HttpResponseHeaders? headers, SensitiveValues? sensitive)
    {
        // One value only: several x-fb-trace-id headers are not Graph's.
        if (headers is null || !headers.NonValidated.TryGetValues(HeaderName, out var values) || values.Count != 1)
        {
            return null;
        }

        var value = values.ToString();
        return value.Length is 0 or > MaxLength || value.AsSpan().ContainsAnyExcept(Allowed)
            ? null
            : sensitive?.Scrub(value) ?? value;
    }
}
