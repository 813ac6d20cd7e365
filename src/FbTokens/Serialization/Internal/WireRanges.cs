using System.Buffers;
using System.Globalization;
using System.Text;
using System.Text.Json;

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

        return !HasControlOrWhiteSpace(value);
    }

    /// <summary>
    /// Whether <paramref name="value"/> holds a control or white-space character. Tokens are printable ASCII: one
    /// vectorized scan for anything outside <c>!</c>..<c>~</c> settles them; only text with other characters is
    /// checked character by character (a page token took ~1 ns a character that way, ~10 µs for a 100-page list).
    /// </summary>
    public static bool HasControlOrWhiteSpace(ReadOnlySpan<char> value)
    {
        var first = value.IndexOfAnyExceptInRange('!', '~');
        if (first < 0)
        {
            return false;
        }

        foreach (var c in value[first..])
        {
            if (char.IsControl(c) || char.IsWhiteSpace(c))
            {
                return true;
            }
        }

        return false;
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
        JsonTokenType.StartObject => "an object",
        JsonTokenType.StartArray => "an array",
        _ => "an unexpected JSON value",
    };

    /// <summary>What the <c>Write</c> side of these converters throws: Graph's payloads are only ever read.</summary>
    public static NotSupportedException ReadOnly() => new("Graph payloads are read, never written.");

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
        // The text is a JSON number token, which always parses (a huge exponent gives an infinity, never NaN).
        var value = double.Parse(text, NumberStyles.Float, CultureInfo.InvariantCulture);
        if (value >= long.MaxValue || value <= long.MinValue)
        {
            beyondInt64 = true;

            // Stryker disable once Equality : value is at least 2^63 or at most -2^63 here, never zero
            return value > 0 ? long.MaxValue : long.MinValue;
        }

        return Math.Floor(value) == value ? (long)value : null;
    }
}
