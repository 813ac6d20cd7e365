using System.Security.Cryptography;
using System.Text;
using CsCheck;
using Microsoft.Extensions.Time.Testing;

namespace FbTokens.Tests.Fuzz;

/// <summary>
/// <see cref="FacebookSignedRequest.Parse(string, string, TimeProvider, TimeSpan)"/> is total: whatever arrives in a
/// callback's form or a cookie, and whatever a correctly signed payload holds, it gives a request or a
/// <see cref="FacebookSignedRequestException"/>, never another exception.
/// </summary>
public sealed class SignedRequestFuzzTests
{
    private const string Secret = "fuzz-app-secret-0123456789";
    private static readonly FakeTimeProvider Time = new(new DateTimeOffset(2026, 12, 1, 12, 0, 0, TimeSpan.Zero));

    private static readonly Gen<string> Fragment = Gen.OneOf(
        Gen.String,
        Gen.Const("."),
        Gen.Const("="),
        Gen.Const("\"algorithm\":\"HMAC-SHA256\""),
        Gen.Const("\"issued_at\":1764590340"),
        Gen.Const("\"issued_at\":-1"),
        Gen.Const("\"issued_at\":1e400"),
        Gen.Const("\"user_id\":18446744073709551616"),
        Gen.Const("{"),
        Gen.Const("["),
        Gen.Const("\uD800"));

    [Fact]
    public void Any_text_is_a_request_or_a_typed_failure()
    {
        Gen.String.Sample(text => Holds(text), iter: 2_000);
        Gen.Select(Gen.String, Gen.String, (a, b) => a + "." + b).Sample(text => Holds(text), iter: 2_000);
    }

    [Fact]
    public void Any_correctly_signed_payload_is_a_request_or_a_typed_failure()
    {
        Fragment.Array[0, 12].Select(parts => "{" + string.Join(",", parts) + "}").Sample(payload => Holds(Sign(payload)), iter: 2_000);
        Gen.Byte.Array[0, 200].Sample(bytes => Holds(Sign(bytes)), iter: 1_000);
    }

    private static bool Holds(string text)
    {
        try
        {
            FacebookSignedRequest.Parse(text, Secret, Time, TimeSpan.FromHours(1));
        }
        catch (FacebookSignedRequestException)
        {
        }

        return true;
    }

    private static string Sign(string payload) => Sign(Encoding.UTF8.GetBytes(payload));

    private static string Sign(byte[] payload)
    {
        var part = Convert.ToBase64String(payload).Replace('+', '-').Replace('/', '_');
        var signature = HMACSHA256.HashData(Encoding.UTF8.GetBytes(Secret), Encoding.UTF8.GetBytes(part));
        return Convert.ToBase64String(signature).Replace('+', '-').Replace('/', '_') + "." + part;
    }
}
