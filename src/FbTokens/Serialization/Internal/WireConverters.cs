using System.Globalization;
using System.Text.Json;
using System.Text.Json.Serialization;

namespace FbTokens.Internal;

// Strict reads: a JsonException here becomes a GraphProtocolException keeping the HTTP status (GraphResponseReader).

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

    public override void Write(Utf8JsonWriter writer, long? value, JsonSerializerOptions options) => throw WireRanges.ReadOnly();
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

    public override void Write(Utf8JsonWriter writer, long? value, JsonSerializerOptions options) => throw WireRanges.ReadOnly();
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
            // A number token is never empty; past 32 characters NumberText has cut it and added an ellipsis.
            if (text.Length <= 32 && text.All(char.IsAsciiDigit))
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
