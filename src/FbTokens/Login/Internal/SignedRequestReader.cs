using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;

namespace FbTokens.Internal;

/// <summary>
/// Reads a <c>signed_request</c>: <c>base64url(signature) "." base64url(payload)</c>, the signature being
/// <c>HMAC-SHA256(payload part as sent, app secret)</c>. The signature is checked before the payload is decoded, so
/// unauthenticated JSON is never parsed; the payload's <c>algorithm</c> must then say <c>HMAC-SHA256</c>.
/// </summary>
internal static class SignedRequestReader
{
    private const string Algorithm = "HMAC-SHA256";
    private static readonly JsonDocumentOptions DocumentOptions = new() { MaxDepth = 16 };

    public static FacebookSignedRequest Read(string? signedRequest, string appSecret, DateTimeOffset now, TimeSpan maxAge)
    {
        if (string.IsNullOrEmpty(signedRequest))
        {
            throw Fail(FacebookSignedRequestFailure.Malformed, "The signed request is empty.");
        }

        if (signedRequest.Length > FacebookSignedRequest.MaxLength)
        {
            throw Fail(FacebookSignedRequestFailure.TooLarge, string.Create(CultureInfo.InvariantCulture,
                $"The signed request is longer than {FacebookSignedRequest.MaxLength} characters."));
        }

        var dot = signedRequest.IndexOf('.', StringComparison.Ordinal);
        if (dot <= 0 || dot == signedRequest.Length - 1 || signedRequest.IndexOf('.', dot + 1) >= 0)
        {
            throw Fail(FacebookSignedRequestFailure.Malformed, "The signed request is not two parts joined by a dot.");
        }

        var signature = DecodeBase64Url(signedRequest.AsSpan(0, dot));
        if (signature is not { Length: 32 })
        {
            throw Fail(FacebookSignedRequestFailure.Malformed, "The signature is not 32 bytes of base64url.");
        }

        var payloadPart = signedRequest.AsSpan(dot + 1);
        var expected = HMACSHA256.HashData(Encoding.UTF8.GetBytes(appSecret), Encoding.UTF8.GetBytes(payloadPart.ToArray()));
        if (!CryptographicOperations.FixedTimeEquals(expected, signature))
        {
            throw Fail(FacebookSignedRequestFailure.InvalidSignature, "The signature does not match the payload under this app's secret.");
        }

        var payload = DecodeBase64Url(payloadPart)
            ?? throw Fail(FacebookSignedRequestFailure.Malformed, "The payload is not base64url.");
        return ReadPayload(payload, now, maxAge);
    }

    private static FacebookSignedRequest ReadPayload(byte[] payload, DateTimeOffset now, TimeSpan maxAge)
    {
        JsonDocument document;
        try
        {
            document = JsonDocument.Parse(payload, DocumentOptions);
        }
        catch (JsonException)
        {
            throw Fail(FacebookSignedRequestFailure.Malformed, "The payload is not JSON.");
        }

        using (document)
        {
            var root = document.RootElement;
            if (root.ValueKind != JsonValueKind.Object)
            {
                throw Fail(FacebookSignedRequestFailure.Malformed, "The payload is not a JSON object.");
            }

            var algorithm = root.TryGetProperty("algorithm", out var a) && a.ValueKind == JsonValueKind.String ? a.GetString()! : null;
            if (algorithm is null)
            {
                throw Fail(FacebookSignedRequestFailure.Malformed, "The payload has no algorithm.");
            }

            if (!string.Equals(algorithm, Algorithm, StringComparison.OrdinalIgnoreCase))
            {
                throw Fail(FacebookSignedRequestFailure.UnsupportedAlgorithm, "The payload names an algorithm other than HMAC-SHA256.");
            }

            var issuedAt = UnixTime(root, "issued_at")
                ?? throw Fail(FacebookSignedRequestFailure.Malformed, "The payload has no usable issued_at.");
            if (issuedAt > now + FacebookSignedRequest.MaxClockSkew)
            {
                throw Fail(FacebookSignedRequestFailure.IssuedInFuture, "issued_at is in the future.");
            }

            if (now - issuedAt > maxAge)
            {
                throw Fail(FacebookSignedRequestFailure.Expired, string.Create(CultureInfo.InvariantCulture,
                    $"issued_at is more than {maxAge} old."));
            }

            return new FacebookSignedRequest
            {
                Algorithm = Algorithm,
                IssuedAt = issuedAt,
                UserId = Id(root, "user_id"),
                Code = Text(root, "code"),
                OAuthToken = Text(root, "oauth_token"),
                ExpiresAt = UnixTime(root, "expires"),
                Payload = root.Clone(),
            };
        }
    }

    /// <summary>Seconds since 1970 as a time, or null when absent, not a whole number, 0 or past year 9999.</summary>
    private static DateTimeOffset? UnixTime(JsonElement root, string name)
    {
        if (!root.TryGetProperty(name, out var value))
        {
            return null;
        }

        long seconds;
        if (value.ValueKind == JsonValueKind.Number && value.TryGetInt64(out var n))
        {
            seconds = n;
        }
        else if (value.ValueKind == JsonValueKind.String && long.TryParse(value.GetString(), NumberStyles.None, CultureInfo.InvariantCulture, out var s))
        {
            seconds = s;
        }
        else
        {
            return null;
        }

        return seconds > 0 && seconds <= DateTimeOffset.MaxValue.ToUnixTimeSeconds() ? DateTimeOffset.FromUnixTimeSeconds(seconds) : null;
    }

    /// <summary>An id Facebook sends as a string or a number.</summary>
    private static string? Id(JsonElement root, string name) =>
        root.TryGetProperty(name, out var value) ? value.ValueKind switch
        {
            JsonValueKind.String when !string.IsNullOrWhiteSpace(value.GetString()) => value.GetString(),
            JsonValueKind.Number when value.TryGetUInt64(out var n) => n.ToString(CultureInfo.InvariantCulture),
            _ => null,
        } : null;

    private static string? Text(JsonElement root, string name) =>
        root.TryGetProperty(name, out var value) && value.ValueKind == JsonValueKind.String && value.GetString() is { Length: > 0 } text ? text : null;

    /// <summary>Base64url (or plain base64, as PHP's SDK accepts), with or without padding; null when it is neither.</summary>
    private static byte[]? DecodeBase64Url(ReadOnlySpan<char> text)
    {
        if (text.IsEmpty)
        {
            return null;
        }

        var padded = new char[text.Length + ((4 - (text.Length % 4)) % 4)];
        for (var i = 0; i < text.Length; i++)
        {
            padded[i] = text[i] switch
            {
                '-' => '+',
                '_' => '/',
                _ => text[i],
            };
        }

        padded.AsSpan(text.Length).Fill('=');
        var bytes = new byte[padded.Length / 4 * 3];
        return Convert.TryFromBase64Chars(padded, bytes, out var written) ? bytes[..written] : null;
    }

    private static FacebookSignedRequestException Fail(FacebookSignedRequestFailure reason, string message) => new(reason, message);
}
