using System.Buffers;
using System.Text;
using System.Text.Json;
using System.Text.Json.Serialization.Metadata;
using FbTokens.Internal;

namespace FbTokens.Tests.Serialization;

/// <summary>
/// How Graph's payloads are read field by field: ids given as numbers, odd lifetimes and timestamps, and the messages
/// that say which field was wrong without quoting a token.
/// </summary>
public sealed class WireParsingTests
{
    private static T Read<T>(string json, JsonTypeInfo<T> type) => JsonSerializer.Deserialize(json, type)!;

    private static JsonException Refused<T>(string json, JsonTypeInfo<T> type) =>
        Assert.Throws<JsonException>(() => JsonSerializer.Deserialize(json, type));

    /// <summary>Reads <paramref name="json"/> split into one-byte buffers, as a pipe or a socket may hand it over.</summary>
    private static T ReadInPieces<T>(string json, JsonTypeInfo<T> type)
    {
        var bytes = Encoding.UTF8.GetBytes(json);
        Segment? first = null;
        Segment? last = null;
        foreach (var b in bytes)
        {
            var next = new Segment(new[] { b }, last);
            first ??= next;
            last = next;
        }

        var reader = new Utf8JsonReader(new ReadOnlySequence<byte>(first!, 0, last!, 1));
        return JsonSerializer.Deserialize(ref reader, type)!;
    }

    private static string Debug(string data) => "{\"data\":{\"is_valid\":true," + data + "}}";

    [Theory]
    [InlineData("138483919580948")]
    [InlineData("\"138483919580948\"")]
    [InlineData("0")]
    public void An_id_may_come_as_a_number_or_a_string(string appId)
    {
        Assert.Equal(appId.Trim('"'), Read(Debug("\"app_id\":" + appId), GraphJsonContext.Default.DebugTokenEnvelope).Data.AppId);
    }

    [Fact]
    public void A_numeric_id_of_32_digits_is_read_and_one_of_33_is_refused_with_its_text_cut()
    {
        var longest = new string('9', 32);

        Assert.Equal(longest, Read(Debug("\"user_id\":" + longest), GraphJsonContext.Default.DebugTokenEnvelope).Data.UserId);
        var ex = Refused(Debug("\"user_id\":" + longest + "1"), GraphJsonContext.Default.DebugTokenEnvelope);
        Assert.StartsWith("An id is the number " + longest + "…, not a whole, non-negative number.", ex.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("-5", "An id is the number -5, not a whole, non-negative number.")]
    [InlineData("1.5", "An id is the number 1.5, not a whole, non-negative number.")]
    [InlineData("1e3", "An id is the number 1e3, not a whole, non-negative number.")]
    [InlineData("true", "An id is true, not a string or a number.")]
    [InlineData("false", "An id is false, not a string or a number.")]
    [InlineData("{}", "An id is an object, not a string or a number.")]
    [InlineData("[1]", "An id is an array, not a string or a number.")]
    public void An_id_that_is_not_a_whole_non_negative_number_is_refused(string appId, string message)
    {
        var ex = Refused(Debug("\"app_id\":" + appId), GraphJsonContext.Default.DebugTokenEnvelope);

        Assert.StartsWith(message, ex.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("{\"access_token\":12}", "access_token is an unexpected JSON value, not a string.")]
    [InlineData("{\"access_token\":true}", "access_token is true, not a string.")]
    [InlineData("{\"access_token\":\"EAAB two\"}", "access_token is empty or holds white space or control characters; Graph's tokens and codes never do.")]
    [InlineData("{\"access_token\":\"\"}", "access_token is empty or holds white space or control characters; Graph's tokens and codes never do.")]
    public void A_token_that_is_not_a_clean_string_is_refused_without_quoting_it(string json, string message)
    {
        var ex = Refused(json, GraphJsonContext.Default.TokenPayload);

        Assert.StartsWith(message, ex.Message, StringComparison.Ordinal);
        Assert.DoesNotContain("EAAB", ex.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("{\"code\":[\"AQC1\"]}", "code is an array, not a string.")]
    [InlineData("{\"code\":\"AQC1\\tx\"}", "code is empty or holds white space or control characters; Graph's tokens and codes never do.")]
    public void A_code_that_is_not_a_clean_string_is_refused_naming_the_code_field(string json, string message)
    {
        var ex = Refused(json, GraphJsonContext.Default.ClientCodePayload);

        Assert.StartsWith(message, ex.Message, StringComparison.Ordinal);
        Assert.DoesNotContain("AQC1", ex.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("5183944", 5183944L)]
    [InlineData("\"5183944\"", 5183944L)]
    [InlineData("1e5", 100_000L)]
    [InlineData("5183944.0", 5183944L)]
    [InlineData("315360000", 315_360_000L)]
    [InlineData("null", null)]
    public void A_lifetime_may_be_a_number_a_numeric_string_or_a_whole_float(string expiresIn, long? seconds)
    {
        var payload = Read("{\"access_token\":\"EAABtoken\",\"expires_in\":" + expiresIn + "}", GraphJsonContext.Default.TokenPayload);

        Assert.Equal(seconds, payload.ExpiresIn);
    }

    [Theory]
    [InlineData("0", "expires_in is 0, not a lifetime in seconds from 1 to 315360000.")]
    [InlineData("315360001", "expires_in is 315360001, not a lifetime in seconds from 1 to 315360000.")]
    [InlineData("1.5", "expires_in is 1.5, not a lifetime in seconds from 1 to 315360000.")]
    [InlineData("9223372036854775808", "expires_in is 9223372036854775808, not a lifetime in seconds from 1 to 315360000.")]
    [InlineData("-9223372036854775809", "expires_in is -9223372036854775809, not a lifetime in seconds from 1 to 315360000.")]
    [InlineData("\"soon\"", "expires_in is a string of 4 characters, not a lifetime in seconds from 1 to 315360000.")]
    [InlineData("false", "expires_in is false, not a lifetime in seconds from 1 to 315360000.")]
    [InlineData("{\"s\":1}", "expires_in is an object, not a lifetime in seconds from 1 to 315360000.")]
    public void A_lifetime_out_of_range_or_not_a_number_is_refused_saying_what_came(string expiresIn, string message)
    {
        var ex = Refused("{\"access_token\":\"EAABtoken\",\"expires_in\":" + expiresIn + "}", GraphJsonContext.Default.TokenPayload);

        Assert.StartsWith(message, ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_timestamp_past_Int64_is_saturated_so_the_range_check_refuses_it()
    {
        var data = Read(Debug("\"expires_at\":1e30,\"issued_at\":0"), GraphJsonContext.Default.DebugTokenEnvelope).Data;

        Assert.Equal(long.MaxValue, data.ExpiresAt);
        Assert.Equal(0, data.IssuedAt);
        var ex = Refused(Debug("\"expires_at\":-1e30"), GraphJsonContext.Default.DebugTokenEnvelope);
        Assert.StartsWith("A debug_token timestamp is -1e30, not a whole, non-negative number of Unix seconds.", ex.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("9223372036854775808")]
    [InlineData("-9223372036854775809")]
    [InlineData("1e19")]
    public void A_spent_code_lifetime_past_Int64_is_kept_as_odd_text_not_a_number(string expiresIn)
    {
        var payload = Read("{\"access_token\":\"EAABtoken\",\"expires_in\":" + expiresIn + "}", GraphJsonContext.Default.SingleUseTokenPayload);

        Assert.Null(payload.ExpiresIn.Value);
        Assert.Equal(expiresIn, payload.ExpiresIn.Odd);
        Assert.Equal(expiresIn, payload.ExpiresIn.Describe());
    }

    [Theory]
    [InlineData("\"expires_in\":null", null, null, "null")]
    [InlineData("\"expires_in\":60", 60L, null, "60")]
    [InlineData("\"expires_in\":\"60\"", 60L, null, "60")]
    [InlineData("\"expires_in\":\"later\"", null, "a string of 5 characters", "a string of 5 characters")]
    [InlineData("\"expires_in\":[60]", null, "an array", "an array")]
    [InlineData("\"token_type\":\"bearer\"", null, null, "null")]
    public void A_spent_code_lifetime_is_read_leniently(string field, long? value, string? odd, string described)
    {
        var payload = Read("{\"access_token\":\"EAABtoken\"," + field + "}", GraphJsonContext.Default.SingleUseTokenPayload);

        Assert.Equal(value, payload.ExpiresIn.Value);
        Assert.Equal(odd, payload.ExpiresIn.Odd);
        Assert.Equal(described, payload.ExpiresIn.Describe());
        Assert.Equal(value is null && odd is null, payload.ExpiresIn.IsAbsent);
    }

    [Theory]
    [InlineData("\"bearer\"", "bearer", null)]
    [InlineData("null", null, null)]
    [InlineData("7", null, "7")]
    [InlineData("{\"a\":\"b\"}", null, "an object")]
    [InlineData("true", null, "true")]
    public void A_spent_code_token_type_is_read_leniently(string tokenType, string? value, string? odd)
    {
        var payload = Read("{\"access_token\":\"EAABtoken\",\"token_type\":" + tokenType + ",\"machine_id\":\"m\"}", GraphJsonContext.Default.SingleUseTokenPayload);

        Assert.Equal(new WireString(value, odd), payload.TokenType);
        Assert.Equal(new WireString("m", null), payload.MachineId);
    }

    [Fact]
    public void Numbers_split_across_buffers_read_the_same()
    {
        var longest = new string('9', 32);
        var data = ReadInPieces(Debug("\"app_id\":138483919580948,\"user_id\":" + longest + ",\"expires_at\":1e30,\"issued_at\":1.7e9"), GraphJsonContext.Default.DebugTokenEnvelope).Data;
        var payload = ReadInPieces("{\"access_token\":\"EAABtoken\",\"expires_in\":12345678901234567890,\"token_type\":42}", GraphJsonContext.Default.SingleUseTokenPayload);

        Assert.Equal("138483919580948", data.AppId);
        Assert.Equal(longest, data.UserId);
        Assert.Equal(long.MaxValue, data.ExpiresAt);
        Assert.Equal(1_700_000_000, data.IssuedAt);
        Assert.Equal("12345678901234567890", payload.ExpiresIn.Odd);
        Assert.Equal(new WireString(null, "42"), payload.TokenType);
    }

    [Fact]
    public void A_long_number_split_across_buffers_is_cut_in_the_message()
    {
        var ex = Assert.Throws<JsonException>(() => ReadInPieces(Debug("\"user_id\":" + new string('1', 40)), GraphJsonContext.Default.DebugTokenEnvelope));

        Assert.StartsWith("An id is the number " + new string('1', 32) + "…, not", ex.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("{}", "access_token")]
    [InlineData("{\"access_token\":null}", "access_token")]
    [InlineData("{\"access_token\":\"EAABtoken\"}", null)]
    public void A_token_payload_names_the_field_it_lacks(string json, string? missing)
    {
        Assert.Equal(missing, Read(json, GraphJsonContext.Default.TokenPayload).MissingField);
        Assert.Equal(missing, Read(json, GraphJsonContext.Default.SingleUseTokenPayload).MissingField);
    }

    [Theory]
    [InlineData("{}", "code")]
    [InlineData("{\"code\":\"AQC1code\"}", null)]
    public void A_code_payload_names_the_field_it_lacks(string json, string? missing)
    {
        Assert.Equal(missing, Read(json, GraphJsonContext.Default.ClientCodePayload).MissingField);
    }

    [Theory]
    [InlineData("{}", "data")]
    [InlineData("{\"data\":[]}", null)]
    public void An_accounts_payload_names_the_field_it_lacks(string json, string? missing)
    {
        Assert.Equal(missing, Read(json, GraphJsonContext.Default.AccountsPayload).MissingField);
    }

    [Theory]
    [InlineData("{}", "data")]
    [InlineData("{\"data\":{}}", "data.is_valid")]
    [InlineData("{\"data\":{\"is_valid\":false}}", null)]
    public void A_debug_token_payload_names_the_field_it_lacks(string json, string? missing)
    {
        Assert.Equal(missing, Read(json, GraphJsonContext.Default.DebugTokenEnvelope).MissingField);
    }

    [Fact]
    public void Payloads_are_only_read()
    {
        var payload = Read("{\"access_token\":\"EAABtoken\",\"expires_in\":60}", GraphJsonContext.Default.SingleUseTokenPayload);

        Assert.Throws<NotSupportedException>(() => JsonSerializer.Serialize(payload, GraphJsonContext.Default.SingleUseTokenPayload));
    }

    private sealed class Segment : ReadOnlySequenceSegment<byte>
    {
        public Segment(byte[] bytes, Segment? previous)
        {
            Memory = bytes;
            if (previous is not null)
            {
                RunningIndex = previous.RunningIndex + previous.Memory.Length;
                previous.Next = this;
            }
        }
    }
}
