using System.Security.Cryptography;
using System.Text;
using Microsoft.Extensions.Time.Testing;

namespace FbTokens.Tests.Login;

public sealed class FacebookSignedRequestTests
{
    // The Facebook SDK for PHP's fixed vector (tests/SignedRequestTest.php): app secret "foo_app_secret", payload
    // {"oauth_token":"foo_token","algorithm":"HMAC-SHA256","issued_at":321,"code":"foo_code","state":"foo_state","user_id":123,"foo":"bar"}.
    private const string PhpSdkSecret = "foo_app_secret";
    private const string PhpSdkSignedRequest =
        "U0_O1MqqNKUt32633zAkdd2Ce-jGVgRgJeRauyx_zC8=."
        + "eyJvYXV0aF90b2tlbiI6ImZvb190b2tlbiIsImFsZ29yaXRobSI6IkhNQUMtU0hBMjU2IiwiaXNzdWVkX2F0IjozMjEsImNvZGUiOiJmb29fY29kZSIsInN0YXRlIjoiZm9vX3N0YXRlIiwidXNlcl9pZCI6MTIzLCJmb28iOiJiYXIifQ==";

    private const string Secret = "0123456789abcdef0123456789abcdef";
    private static readonly DateTimeOffset Now = new(2026, 12, 1, 12, 0, 0, TimeSpan.Zero);
    private readonly FakeTimeProvider _time = new(Now);

    [Fact]
    public void Reads_the_PHP_SDK_vector()
    {
        var time = new FakeTimeProvider(DateTimeOffset.FromUnixTimeSeconds(321 + 60));

        var request = FacebookSignedRequest.Parse(PhpSdkSignedRequest, PhpSdkSecret, time, TimeSpan.FromMinutes(5));

        Assert.Equal("HMAC-SHA256", request.Algorithm);
        Assert.Equal(DateTimeOffset.FromUnixTimeSeconds(321), request.IssuedAt);
        Assert.Equal("123", request.UserId);
        Assert.Equal("foo_code", request.Code);
        Assert.Equal("foo_token", request.OAuthToken);
        Assert.Null(request.ExpiresAt);
        Assert.Equal("bar", request.Payload.GetProperty("foo").GetString());
        Assert.Equal("foo_state", request.Payload.GetProperty("state").GetString());
    }

    [Fact]
    public void Reads_a_deauthorize_or_data_deletion_payload_as_Meta_documents_it()
    {
        var issued = Now.AddSeconds(-30).ToUnixTimeSeconds();
        var signed = Sign($$"""{"algorithm":"HMAC-SHA256","expires":{{issued + 3600}},"issued_at":{{issued}},"user_id":"10223345566"}""");

        var request = FacebookSignedRequest.Parse(signed, Secret, _time, TimeSpan.FromHours(1));

        Assert.Equal("10223345566", request.UserId);
        Assert.Equal(DateTimeOffset.FromUnixTimeSeconds(issued), request.IssuedAt);
        Assert.Equal(DateTimeOffset.FromUnixTimeSeconds(issued + 3600), request.ExpiresAt);
        Assert.Null(request.Code);
        Assert.Null(request.OAuthToken);
    }

    [Fact]
    public void Accepts_base64url_without_padding()
    {
        var signed = Sign(Payload(), pad: false);

        Assert.DoesNotContain('=', signed);
        Assert.Equal("42", FacebookSignedRequest.Parse(signed, Secret, _time, TimeSpan.FromHours(1)).UserId);
    }

    [Fact]
    public void Rejects_another_apps_secret_and_a_tampered_payload_or_signature()
    {
        var signed = Sign(Payload());
        var dot = signed.IndexOf('.', StringComparison.Ordinal);
        var tamperedPayload = signed[..(dot + 1)] + Base64Url(Encoding.UTF8.GetBytes(Payload(userId: "43")), pad: true);
        var signature = Convert.FromBase64String(signed[..dot].Replace('-', '+').Replace('_', '/'));
        signature[0] ^= 1;
        var tamperedSignature = Base64Url(signature, pad: true) + signed[dot..];

        Assert.Equal(FacebookSignedRequestFailure.InvalidSignature, Failure(signed, secret: "another-apps-secret"));
        Assert.Equal(FacebookSignedRequestFailure.InvalidSignature, Failure(tamperedPayload));
        Assert.Equal(FacebookSignedRequestFailure.InvalidSignature, Failure(tamperedSignature));
        Assert.Equal(FacebookSignedRequestFailure.InvalidSignature, Failure(PhpSdkSignedRequest, secret: "foo_secret"));
    }

    [Theory]
    [InlineData("HMAC-SHA1")]
    [InlineData("none")]
    [InlineData("")]
    public void Accepts_only_HMAC_SHA256(string algorithm)
    {
        Assert.Equal(FacebookSignedRequestFailure.UnsupportedAlgorithm, Failure(Sign(Payload(algorithm: algorithm))));
    }

    [Fact]
    public void Reads_the_algorithm_case_insensitively_as_the_PHP_SDK_does()
    {
        Assert.Equal("HMAC-SHA256", FacebookSignedRequest.Parse(Sign(Payload(algorithm: "hmac-sha256")), Secret, _time, TimeSpan.FromHours(1)).Algorithm);
    }

    [Fact]
    public void Accepts_issued_at_up_to_the_maximum_age_and_the_clock_skew_and_no_further()
    {
        var maxAge = TimeSpan.FromMinutes(10);

        Assert.NotNull(FacebookSignedRequest.Parse(Sign(Payload(issuedAt: Now - maxAge)), Secret, _time, maxAge));
        Assert.Equal(FacebookSignedRequestFailure.Expired, Failure(Sign(Payload(issuedAt: Now - maxAge - TimeSpan.FromSeconds(1))), maxAge: maxAge));
        Assert.NotNull(FacebookSignedRequest.Parse(Sign(Payload(issuedAt: Now + FacebookSignedRequest.MaxClockSkew)), Secret, _time, maxAge));
        Assert.Equal(FacebookSignedRequestFailure.IssuedInFuture,
            Failure(Sign(Payload(issuedAt: Now + FacebookSignedRequest.MaxClockSkew + TimeSpan.FromSeconds(1))), maxAge: maxAge));
    }

    [Fact]
    public void The_default_maximum_age_is_one_hour_on_the_system_clock()
    {
        var fresh = Sign(Payload(issuedAt: DateTimeOffset.UtcNow.AddMinutes(-1)));
        var stale = Sign(Payload(issuedAt: DateTimeOffset.UtcNow.AddHours(-2)));

        Assert.Equal(TimeSpan.FromHours(1), FacebookSignedRequest.DefaultMaxAge);
        Assert.Equal("42", FacebookSignedRequest.Parse(fresh, Secret).UserId);
        Assert.Equal(FacebookSignedRequestFailure.Expired, Assert.Throws<FacebookSignedRequestException>(() => FacebookSignedRequest.Parse(stale, Secret)).Reason);
    }

    [Fact]
    public void Rejects_a_request_over_the_size_limit_before_checking_it()
    {
        var huge = new string('a', FacebookSignedRequest.MaxLength - 45) + "." + new string('b', 45);

        Assert.Equal(FacebookSignedRequest.MaxLength + 1, huge.Length);
        Assert.Equal(FacebookSignedRequestFailure.TooLarge, Failure(huge));
        Assert.NotEqual(FacebookSignedRequestFailure.TooLarge, Failure(huge[1..]));
    }

    [Theory]
    [InlineData(null)]
    [InlineData("")]
    [InlineData("no-dot-at-all")]
    [InlineData(".eyJ9")]
    [InlineData("abc.")]
    [InlineData("a.b.c")]
    [InlineData("!!!!.eyJ9")]
    [InlineData("c2hvcnQ.eyJ9")]
    public void Rejects_what_is_not_a_signed_request_as_malformed(string? signedRequest)
    {
        Assert.Equal(FacebookSignedRequestFailure.Malformed, Failure(signedRequest));
    }

    [Theory]
    [InlineData("not json")]
    [InlineData("[1,2,3]")]
    [InlineData("\"HMAC-SHA256\"")]
    [InlineData("""{"issued_at":1764590400}""")]
    [InlineData("""{"algorithm":256,"issued_at":1764590400}""")]
    [InlineData("""{"algorithm":"HMAC-SHA256"}""")]
    [InlineData("""{"algorithm":"HMAC-SHA256","issued_at":"soon"}""")]
    [InlineData("""{"algorithm":"HMAC-SHA256","issued_at":1.5}""")]
    [InlineData("""{"algorithm":"HMAC-SHA256","issued_at":0}""")]
    [InlineData("""{"algorithm":"HMAC-SHA256","issued_at":99999999999999999}""")]
    [InlineData("""{"algorithm":"HMAC-SHA256","issued_at":1764590400,"deep":[[[[[[[[[[[[[[[[[[[[1]]]]]]]]]]]]]]]]]]]}""")]
    public void Rejects_a_correctly_signed_payload_that_is_not_a_usable_object_as_malformed(string payload)
    {
        Assert.Equal(FacebookSignedRequestFailure.Malformed, Failure(Sign(payload)));
    }

    [Fact]
    public void Reads_issued_at_sent_as_a_string_and_ids_sent_as_numbers()
    {
        var issued = Now.AddMinutes(-1).ToUnixTimeSeconds();

        var request = FacebookSignedRequest.Parse(
            Sign($$"""{"algorithm":"HMAC-SHA256","issued_at":"{{issued}}","user_id":10223345566}"""), Secret, _time, TimeSpan.FromHours(1));

        Assert.Equal(DateTimeOffset.FromUnixTimeSeconds(issued), request.IssuedAt);
        Assert.Equal("10223345566", request.UserId);
    }

    [Fact]
    public void Neither_ToString_nor_a_failure_message_shows_the_request_its_code_or_its_token()
    {
        const string code = "AQD-secret-login-code-0123456789";
        const string token = "EAAB-secret-user-token-0123456789";
        var signed = Sign(Payload(extra: $$""","code":"{{code}}","oauth_token":"{{token}}" """));
        var request = FacebookSignedRequest.Parse(signed, Secret, _time, TimeSpan.FromHours(1));
        var text = request.ToString();
        var failures = new[]
        {
            Assert.Throws<FacebookSignedRequestException>(() => FacebookSignedRequest.Parse(signed, "wrong-secret", _time, TimeSpan.FromHours(1))).Message,
            Assert.Throws<FacebookSignedRequestException>(() => FacebookSignedRequest.Parse(signed, Secret, new FakeTimeProvider(Now.AddDays(1)), TimeSpan.FromHours(1))).Message,
        };

        Assert.Equal(code, request.Code);
        Assert.Equal(token, request.OAuthToken);
        Assert.Contains("UserId = 42", text, StringComparison.Ordinal);
        foreach (var secret in new[] { code, token, signed, signed[..signed.IndexOf('.', StringComparison.Ordinal)], Secret })
        {
            Assert.DoesNotContain(secret, text, StringComparison.Ordinal);
            Assert.All(failures, m => Assert.DoesNotContain(secret, m, StringComparison.Ordinal));
        }
    }

    [Fact]
    public void Names_the_JavaScript_SDK_cookie_for_an_app()
    {
        Assert.Equal("fbsr_138483919580948", FacebookSignedRequest.CookieName("138483919580948"));
        Assert.Throws<ArgumentException>(() => FacebookSignedRequest.CookieName(" "));
    }

    [Fact]
    public void Rejects_a_missing_secret_or_a_non_positive_age_as_a_programming_error()
    {
        var signed = Sign(Payload());

        Assert.Throws<ArgumentException>(() => FacebookSignedRequest.Parse(signed, " ", _time, TimeSpan.FromHours(1)));
        Assert.Throws<ArgumentOutOfRangeException>(() => FacebookSignedRequest.Parse(signed, Secret, _time, TimeSpan.Zero));
        Assert.Throws<ArgumentNullException>(() => FacebookSignedRequest.Parse(signed, Secret, null!, TimeSpan.FromHours(1)));
    }

    private FacebookSignedRequestFailure? Failure(string? signedRequest, string secret = Secret, TimeSpan? maxAge = null)
    {
        try
        {
            FacebookSignedRequest.Parse(signedRequest, secret, _time, maxAge ?? TimeSpan.FromHours(1));
            return null;
        }
        catch (FacebookSignedRequestException ex)
        {
            return ex.Reason;
        }
    }

    private static string Payload(string algorithm = "HMAC-SHA256", DateTimeOffset? issuedAt = null, string userId = "42", string extra = "") =>
        $$"""{"algorithm":"{{algorithm}}","issued_at":{{(issuedAt ?? Now.AddMinutes(-1)).ToUnixTimeSeconds()}},"user_id":"{{userId}}"{{extra}}}""";

    private static string Sign(string payload, string secret = Secret, bool pad = true)
    {
        var payloadPart = Base64Url(Encoding.UTF8.GetBytes(payload), pad);
        var signature = HMACSHA256.HashData(Encoding.UTF8.GetBytes(secret), Encoding.UTF8.GetBytes(payloadPart));
        return Base64Url(signature, pad) + "." + payloadPart;
    }

    private static string Base64Url(byte[] bytes, bool pad)
    {
        var text = Convert.ToBase64String(bytes).Replace('+', '-').Replace('/', '_');
        return pad ? text : text.TrimEnd('=');
    }
}
