using System.Buffers;
using System.Globalization;
using System.Text;
using System.Text.Json;
using System.Text.Json.Serialization;

namespace FbTokens.Internal;

// Parsing is total (STYLE 19): every value from the wire is range-checked before it becomes a TimeSpan, a
// DateTimeOffset or an id. A converter that rejects a value throws JsonException, which the response reader turns into
// a GraphProtocolException keeping the HTTP status; its message names the field and never holds a token or code.

/// <summary>The ranges a wire value must fall in before it becomes a time.</summary>
internal static class WireRanges
{
    /// <summary>
    /// The longest <c>expires_in</c> taken as a lifetime: ten years. Graph issues at most 60 days (long-lived user
    /// tokens); anything longer is not a lifetime Graph gives, and ten years from any clock stays inside
    /// <see cref="DateTimeOffset"/>'s range until the year 9989.
    /// </summary>
    public const long MaxExpiresInSeconds = 315_360_000;

    /// <summary>The last Unix second <see cref="DateTimeOffset"/> can hold (9999-12-31T23:59:59Z).</summary>
    public const long MaxUnixSeconds = 253_402_300_799;

    /// <summary>Whether <paramref name="seconds"/> is a lifetime: 1 to <see cref="MaxExpiresInSeconds"/>.</summary>
    public static bool IsLifetime(long seconds) => seconds is > 0 and <= MaxExpiresInSeconds;

    /// <summary>A token or code: not empty, no white space or control characters anywhere (what the client itself requires of its inputs).</summary>
    public static bool IsUsableCredential(string? value)
    {
        if (string.IsNullOrEmpty(value))
        {
            return false;
        }

        foreach (var c in value)
        {
            if (char.IsControl(c) || char.IsWhiteSpace(c))
            {
                return false;
            }
        }

        return true;
    }

    /// <summary>A number's text as Graph sent it, cut to 32 characters: safe to log (a JSON number holds only digits, sign, dot and exponent).</summary>
    public static string NumberText(ref Utf8JsonReader reader)
    {
        var length = reader.HasValueSequence ? reader.ValueSequence.Length : reader.ValueSpan.Length;
        var text = reader.HasValueSequence
            ? Encoding.UTF8.GetString(reader.ValueSequence.Slice(0, Math.Min(length, 33)).ToArray())
            : Encoding.UTF8.GetString(reader.ValueSpan[..(int)Math.Min(length, 33)]);
        return text.Length > 32 ? string.Concat(text.AsSpan(0, 32), "…") : text;
    }

    /// <summary>What a JSON value that is not a number is, for a log or a message, without its content.</summary>
    public static string Kind(ref Utf8JsonReader reader) => reader.TokenType switch
    {
        JsonTokenType.String => string.Create(CultureInfo.InvariantCulture, $"a string of {reader.GetString()!.Length} characters"),
        JsonTokenType.True => "true",
        JsonTokenType.False => "false",
        JsonTokenType.Null => "null",
        JsonTokenType.StartObject => "an object",
        JsonTokenType.StartArray => "an array",
        _ => "an unexpected JSON value",
    };

    /// <summary>Reads a whole number, from a JSON number or a numeric string; null when the value is not one.</summary>
    public static long? TryReadInteger(ref Utf8JsonReader reader, out string description, out bool beyondInt64)
    {
        beyondInt64 = false;
        switch (reader.TokenType)
        {
            case JsonTokenType.Number:
                description = NumberText(ref reader);
                if (reader.TryGetInt64(out var number))
                {
                    return number;
                }

                return TryParseLarge(reader.HasValueSequence ? Encoding.UTF8.GetString(reader.ValueSequence.ToArray()) : Encoding.UTF8.GetString(reader.ValueSpan), ref beyondInt64);
            case JsonTokenType.String:
                var text = reader.GetString()!;
                if (long.TryParse(text, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var parsed))
                {
                    description = parsed.ToString(CultureInfo.InvariantCulture);
                    return parsed;
                }

                description = Kind(ref reader);
                return null;
            default:
                description = Kind(ref reader);
                reader.Skip();
                return null;
        }
    }

    // 1e5, 1.0, or a whole number past Int64: saturated, so that the caller's range check sees it as out of range.
    private static long? TryParseLarge(string text, ref bool beyondInt64)
    {
        if (!double.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out var value) || double.IsNaN(value))
        {
            return null;
        }

        if (value >= long.MaxValue || value <= long.MinValue)
        {
            beyondInt64 = true;
            return value > 0 ? long.MaxValue : long.MinValue;
        }

        return Math.Floor(value) == value ? (long)value : null;
    }
}

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

    public override void Write(Utf8JsonWriter writer, WireInteger value, JsonSerializerOptions options)
    {
        if (value.Value is { } v)
        {
            writer.WriteNumberValue(v);
        }
        else
        {
            writer.WriteNullValue();
        }
    }
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

    public override void Write(Utf8JsonWriter writer, WireString value, JsonSerializerOptions options) => writer.WriteStringValue(value.Value);
}

/// <summary>
/// <c>expires_in</c> of an operation that spent no code: a whole number of seconds from 1 to
/// <see cref="WireRanges.MaxExpiresInSeconds"/>, or absent. Anything else (zero, negative, past the range, a fraction,
/// not a number) is not what Graph sends.
/// </summary>
internal sealed class ExpiresInConverter : JsonConverter<long?>
{
    public override long? Read(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options)
    {
        if (reader.TokenType == JsonTokenType.Null)
        {
            return null;
        }

        var value = WireRanges.TryReadInteger(ref reader, out var description, out _);
        return value is { } seconds && WireRanges.IsLifetime(seconds)
            ? seconds
            : throw new JsonException(string.Create(CultureInfo.InvariantCulture,
                $"expires_in is {description}, not a lifetime in seconds from 1 to {WireRanges.MaxExpiresInSeconds}."));
    }

    public override void Write(Utf8JsonWriter writer, long? value, JsonSerializerOptions options) => WriteNullable(writer, value);

    internal static void WriteNullable(Utf8JsonWriter writer, long? value)
    {
        if (value is { } v)
        {
            writer.WriteNumberValue(v);
        }
        else
        {
            writer.WriteNullValue();
        }
    }
}

/// <summary>
/// A <c>debug_token</c> timestamp in Unix seconds. A whole number is kept as sent (past <see cref="long"/> it saturates
/// to <see cref="long.MaxValue"/>), so the mapper can turn one past <see cref="WireRanges.MaxUnixSeconds"/> into "no date";
/// a negative number, a fraction or a value that is not a number is not what Graph sends.
/// </summary>
internal sealed class UnixSecondsConverter : JsonConverter<long?>
{
    public override long? Read(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options)
    {
        if (reader.TokenType == JsonTokenType.Null)
        {
            return null;
        }

        var value = WireRanges.TryReadInteger(ref reader, out var description, out _);
        return value is >= 0
            ? value
            : throw new JsonException($"A debug_token timestamp is {description}, not a whole, non-negative number of Unix seconds.");
    }

    public override void Write(Utf8JsonWriter writer, long? value, JsonSerializerOptions options) => ExpiresInConverter.WriteNullable(writer, value);
}

/// <summary>
/// A Graph object id (<c>app_id</c>, <c>user_id</c>, <c>profile_id</c>, a page or category <c>id</c>): a string, or a
/// JSON number made only of digits, as restfb and koala accept. Any other number or value is not an id.
/// </summary>
internal sealed class GraphIdConverter : JsonConverter<string>
{
    public override string? Read(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options)
    {
        if (reader.TokenType == JsonTokenType.String)
        {
            return reader.GetString();
        }

        if (reader.TokenType == JsonTokenType.Number)
        {
            var text = WireRanges.NumberText(ref reader);
            if (text.Length is > 0 and <= 32 && text.All(char.IsAsciiDigit))
            {
                return text;
            }

            throw new JsonException($"An id is the number {text}, not a whole, non-negative number.");
        }

        throw new JsonException($"An id is {WireRanges.Kind(ref reader)}, not a string or a number.");
    }

    public override void Write(Utf8JsonWriter writer, string value, JsonSerializerOptions options) => writer.WriteStringValue(value);
}

/// <summary>A token or code Graph returns: rejected when empty or holding white space or control characters.</summary>
internal abstract class CredentialConverter : JsonConverter<string>
{
    protected abstract string Field { get; }

    public override string? Read(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options)
    {
        if (reader.TokenType != JsonTokenType.String)
        {
            throw new JsonException($"{Field} is {WireRanges.Kind(ref reader)}, not a string.");
        }

        var value = reader.GetString();

        // The value itself is never put in the message.
        return WireRanges.IsUsableCredential(value)
            ? value
            : throw new JsonException($"{Field} is empty or holds white space or control characters; Graph's tokens and codes never do.");
    }

    public override void Write(Utf8JsonWriter writer, string value, JsonSerializerOptions options) => writer.WriteStringValue(value);
}

/// <summary><see cref="CredentialConverter"/> for <c>access_token</c>.</summary>
internal sealed class AccessTokenConverter : CredentialConverter
{
    protected override string Field => "access_token";
}

/// <summary><see cref="CredentialConverter"/> for a client <c>code</c>.</summary>
internal sealed class CodeConverter : CredentialConverter
{
    protected override string Field => "code";
}
