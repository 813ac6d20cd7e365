using System.Text;
using System.Text.Json;

namespace FbTokens.Testing.Internal;

/// <summary>
/// A request as both hosts hand it to the engine: method, absolute URL, query and form parameters, and its
/// <c>Authorization</c> header, if any.
/// </summary>
internal sealed class EmulatorRequest
{
    public EmulatorRequest(string method, Uri url, IReadOnlyList<KeyValuePair<string, string>> form, string? authorization = null)
    {
        Method = method;
        Url = url;
        Query = UrlEncoding.Parse(url.Query);
        Form = form;
        Authorization = authorization;
    }

    /// <summary>The raw <c>Authorization</c> header, if any (<see cref="RequestAuthenticator"/> reads the token in it).</summary>
    public string? Authorization { get; }

    public string Method { get; }

    public Uri Url { get; }

    public IReadOnlyList<KeyValuePair<string, string>> Query { get; }

    public IReadOnlyList<KeyValuePair<string, string>> Form { get; }

    /// <summary>A parameter from the form body, else from the query string (Graph reads both); null when absent.</summary>
    public string? Get(string name)
    {
        foreach (var (key, value) in Form)
        {
            if (string.Equals(key, name, StringComparison.Ordinal))
            {
                return value;
            }
        }

        foreach (var (key, value) in Query)
        {
            if (string.Equals(key, name, StringComparison.Ordinal))
            {
                return value;
            }
        }

        return null;
    }

    /// <summary>Every parameter, query first then form, as a paging link repeats them.</summary>
    public IEnumerable<KeyValuePair<string, string>> AllParameters => Query.Concat(Form);
}

/// <summary>What the engine answers; each host turns it into its own response type.</summary>
internal sealed class EmulatorResponse
{
    public const string JsonContentType = "application/json; charset=UTF-8";

    public int StatusCode { get; init; } = 200;

    public string ContentType { get; init; } = JsonContentType;

    public byte[] Body { get; set; } = [];

    public List<KeyValuePair<string, string>> Headers { get; } = [];

    /// <summary>When true the host drops the connection instead of answering.</summary>
    public bool ResetConnection { get; init; }

    public static EmulatorResponse Json(int status, Action<Utf8JsonWriter> write) => new() { StatusCode = status, Body = JsonText.Write(write) };

    public static EmulatorResponse Reset() => new() { ResetConnection = true };
}

internal static class JsonText
{
    public static byte[] Write(Action<Utf8JsonWriter> write)
    {
        using var buffer = new MemoryStream();
        using (var writer = new Utf8JsonWriter(buffer))
        {
            write(writer);
        }

        return buffer.ToArray();
    }
}

internal static class UrlEncoding
{
    /// <summary>Parses <c>a=1&amp;b=2</c> (with or without a leading <c>?</c>), decoding <c>+</c> as a space as forms do.</summary>
    public static List<KeyValuePair<string, string>> Parse(string? text)
    {
        var result = new List<KeyValuePair<string, string>>();
        if (string.IsNullOrEmpty(text))
        {
            return result;
        }

        foreach (var part in text.TrimStart('?').Split('&', StringSplitOptions.RemoveEmptyEntries))
        {
            var eq = part.IndexOf('=', StringComparison.Ordinal);
            var name = Decode(eq < 0 ? part : part[..eq]);
            var value = eq < 0 ? string.Empty : Decode(part[(eq + 1)..]);
            result.Add(new(name, value));
        }

        return result;
    }

    public static string Encode(IEnumerable<KeyValuePair<string, string>> parameters)
    {
        var builder = new StringBuilder();
        foreach (var (name, value) in parameters)
        {
            if (builder.Length > 0)
            {
                builder.Append('&');
            }

            builder.Append(Uri.EscapeDataString(name)).Append('=').Append(Uri.EscapeDataString(value));
        }

        return builder.ToString();
    }

    /// <summary>Encodes as an HTML form does (a space is <c>+</c>), the way Facebook's dialog writes its redirect parameters.</summary>
    public static string EncodeForm(IEnumerable<KeyValuePair<string, string>> parameters) =>
        string.Join('&', parameters.Select(p => System.Net.WebUtility.UrlEncode(p.Key) + "=" + System.Net.WebUtility.UrlEncode(p.Value)));

    private static string Decode(string value) => Uri.UnescapeDataString(value.Replace('+', ' '));
}
