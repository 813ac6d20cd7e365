using System.Globalization;
using System.Text;
using System.Text.Encodings.Web;
using System.Text.Json;

namespace FbTokens.Tests.Fuzz;

/// <summary>
/// One generated (or replayed) answer of a fake Graph to one client operation: status, headers and body, or a
/// transport failure instead of a response. Every request of the odd call gets this answer; <see cref="RequestNumber"/>
/// in a text body is replaced by the request's number (1, 2, …), so that paging links and cursors can change per page.
/// </summary>
internal sealed record FuzzInput(string Operation, int Status, IReadOnlyList<KeyValuePair<string, string>> Headers, FuzzBody Body, string? Transport = null)
{
    /// <summary>Replaced, in a text body, by the number of the request being answered.</summary>
    public const string RequestNumber = "{{n}}";

    /// <summary>The handler throws an <see cref="HttpRequestException"/> whose message holds the request URI, as some proxies do.</summary>
    public const string UriInMessage = "uri-in-message";

    /// <summary>The handler throws an <see cref="HttpRequestException"/> for a connection that broke mid-response.</summary>
    public const string ResponseEnded = "response-ended";

    public string? Header(string name) =>
        Headers.Where(h => string.Equals(h.Key, name, StringComparison.OrdinalIgnoreCase)).Select(h => h.Value).LastOrDefault();

    /// <summary>A one-paragraph description for failure messages: status, headers (shortened) and body (kind, size, start).</summary>
    public string Summary()
    {
        var text = new StringBuilder();
        text.Append(Operation).Append(" ← ");
        if (Transport is not null)
        {
            return text.Append("transport failure '").Append(Transport).Append('\'').ToString();
        }

        text.Append("HTTP ").Append(Status.ToString(CultureInfo.InvariantCulture));
        foreach (var (name, value) in Headers)
        {
            text.Append(" | ").Append(name).Append(": ").Append(Shorten(value, 120));
        }

        return text.Append(" | body ").Append(Body.Describe()).ToString();
    }

    public override string ToString() => Summary();

    internal static string Shorten(string value, int max)
    {
        var escaped = JsonEncodedText.Encode(value.Length > max ? value[..max] : value, JavaScriptEncoder.UnsafeRelaxedJsonEscaping).ToString();
        return value.Length > max ? escaped + "…(" + value.Length.ToString(CultureInfo.InvariantCulture) + " chars)" : escaped;
    }

    /// <summary>Reads a corpus file: <c>{why, operation, status, headers:[[name,value]…], body | bodyBase64 | bodyEndless:{prefix,chunk}, transport}</c>.</summary>
    public static (FuzzInput Input, string Why) FromCorpusJson(string json)
    {
        using var document = JsonDocument.Parse(json, new JsonDocumentOptions { CommentHandling = JsonCommentHandling.Skip });
        var root = document.RootElement;
        var why = root.TryGetProperty("why", out var w) ? w.GetString() ?? string.Empty : string.Empty;
        var operation = root.GetProperty("operation").GetString()!;
        var status = root.TryGetProperty("status", out var s) ? s.GetInt32() : 200;
        var headers = new List<KeyValuePair<string, string>>();
        if (root.TryGetProperty("headers", out var h))
        {
            foreach (var pair in h.EnumerateArray())
            {
                headers.Add(new(pair[0].GetString()!, pair[1].GetString()!));
            }
        }

        FuzzBody body;
        if (root.TryGetProperty("bodyBase64", out var b64))
        {
            body = FuzzBody.Raw(Convert.FromBase64String(b64.GetString()!));
        }
        else if (root.TryGetProperty("bodyEndless", out var endless))
        {
            body = FuzzBody.Endless(endless.GetProperty("prefix").GetString()!, endless.GetProperty("chunk").GetString()!);
        }
        else
        {
            body = FuzzBody.Of(root.TryGetProperty("body", out var text) ? text.GetString()! : string.Empty);
        }

        var transport = root.TryGetProperty("transport", out var t) ? t.GetString() : null;
        return (new FuzzInput(operation, status, headers, body, transport), why);
    }

    /// <summary>Writes this input as a corpus file (see <see cref="FromCorpusJson"/>).</summary>
    public string ToCorpusJson(string why)
    {
        using var stream = new MemoryStream();
        using (var writer = new Utf8JsonWriter(stream, new JsonWriterOptions { Indented = true, Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping }))
        {
            writer.WriteStartObject();
            writer.WriteString("why", why);
            writer.WriteString("operation", Operation);
            writer.WriteNumber("status", Status);
            writer.WriteStartArray("headers");
            foreach (var (name, value) in Headers)
            {
                writer.WriteStartArray();
                writer.WriteStringValue(name);
                writer.WriteStringValue(value);
                writer.WriteEndArray();
            }

            writer.WriteEndArray();
            switch (Body.Kind)
            {
                case FuzzBodyKind.Text:
                    writer.WriteString("body", Body.Text);
                    break;
                case FuzzBodyKind.Raw:
                    writer.WriteString("bodyBase64", Convert.ToBase64String(Body.Bytes!));
                    break;
                case FuzzBodyKind.Endless:
                    writer.WriteStartObject("bodyEndless");
                    writer.WriteString("prefix", Body.Text);
                    writer.WriteString("chunk", Body.Chunk);
                    writer.WriteEndObject();
                    break;
            }

            if (Transport is not null)
            {
                writer.WriteString("transport", Transport);
            }

            writer.WriteEndObject();
        }

        return Encoding.UTF8.GetString(stream.ToArray());
    }
}

internal enum FuzzBodyKind
{
    Text,
    Raw,
    Endless,
}

/// <summary>A response body: UTF-8 text, raw bytes, or a prefix followed by a chunk repeated without end (made lazily).</summary>
internal sealed record FuzzBody(FuzzBodyKind Kind, string? Text, byte[]? Bytes, string? Chunk)
{
    public static FuzzBody Of(string text) => new(FuzzBodyKind.Text, text, null, null);

    public static FuzzBody Raw(byte[] bytes) => new(FuzzBodyKind.Raw, null, bytes, null);

    public static FuzzBody Endless(string prefix, string chunk) => new(FuzzBodyKind.Endless, prefix, null, chunk);

    public string Describe() => Kind switch
    {
        FuzzBodyKind.Text => "text(" + Text!.Length.ToString(CultureInfo.InvariantCulture) + " chars): " + FuzzInput.Shorten(Text, 400),
        FuzzBodyKind.Raw => "bytes(" + Bytes!.Length.ToString(CultureInfo.InvariantCulture) + "): " + Convert.ToHexString(Bytes, 0, Math.Min(Bytes.Length, 48)) + (Bytes.Length > 48 ? "…" : string.Empty),
        _ => "endless: " + FuzzInput.Shorten(Text!, 80) + " then " + FuzzInput.Shorten(Chunk!, 40) + " repeated forever",
    };

    public bool Equals(FuzzBody? other) =>
        other is not null && Kind == other.Kind && Text == other.Text && Chunk == other.Chunk
        && (Bytes is null ? other.Bytes is null : other.Bytes is not null && Bytes.AsSpan().SequenceEqual(other.Bytes));

    public override int GetHashCode() => HashCode.Combine(Kind, Text, Chunk, Bytes?.Length);
}
