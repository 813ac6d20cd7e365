using System.Globalization;
using System.Text.Json;
using System.Text.Json.Serialization;

namespace FbTokens.Internal;

// Lenient reads: a field of a token bought with a spent code must never fail the response (see SingleUseTokenPayload).

/// <summary>
/// A JSON value where Graph sends a whole number, read without ever failing; the range is checked where its meaning is
/// known. Absent and <c>null</c> read as <c>default</c>.
/// </summary>
/// <param name="Value">The whole number (from a JSON number or a numeric string), when the value is one that fits in an <see cref="long"/>.</param>
/// <param name="Odd">For any other value: a short description that is safe to log (the number's text, or the kind of JSON value).</param>
[JsonConverter(typeof(WireIntegerConverter))]
internal readonly record struct WireInteger(long? Value, string? Odd)
{
    /// <summary>Whether Graph left the field out (or sent <c>null</c>).</summary>
    public bool IsAbsent => Value is null && Odd is null;

    /// <summary>The value as Graph sent it, safe to log.</summary>
    public string Describe() => Odd ?? Value?.ToString(CultureInfo.InvariantCulture) ?? "null";
}

/// <summary>A JSON value where Graph sends a string, read without ever failing. Absent and <c>null</c> read as <c>default</c>.</summary>
/// <param name="Value">The string, when the value is one.</param>
/// <param name="Odd">For any other value: a short description that is safe to log.</param>
[JsonConverter(typeof(WireStringConverter))]
internal readonly record struct WireString(string? Value, string? Odd);

internal sealed class WireIntegerConverter : JsonConverter<WireInteger>
{
    public override bool HandleNull => true;

    public override WireInteger Read(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options)
    {
        if (reader.TokenType == JsonTokenType.Null)
        {
            return default;
        }

        var value = WireRanges.TryReadInteger(ref reader, out var description, out var beyond);
        return value is { } v && !beyond ? new WireInteger(v, null) : new WireInteger(null, description);
    }

    public override void Write(Utf8JsonWriter writer, WireInteger value, JsonSerializerOptions options) => throw WireRanges.ReadOnly();
}

internal sealed class WireStringConverter : JsonConverter<WireString>
{
    public override bool HandleNull => true;

    public override WireString Read(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options)
    {
        switch (reader.TokenType)
        {
            case JsonTokenType.Null:
                return default;
            case JsonTokenType.String:
                return new WireString(reader.GetString(), null);
            case JsonTokenType.Number:
                return new WireString(null, WireRanges.NumberText(ref reader));
            default:
                var kind = WireRanges.Kind(ref reader);
                reader.Skip();
                return new WireString(null, kind);
        }
    }

    public override void Write(Utf8JsonWriter writer, WireString value, JsonSerializerOptions options) => throw WireRanges.ReadOnly();
}
