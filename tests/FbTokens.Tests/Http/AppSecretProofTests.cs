using System.Security.Cryptography;
using System.Text;
using FbTokens.Internal;

namespace FbTokens.Tests.Http;

/// <summary>
/// <c>appsecret_proof</c> is the lower-case hex HMAC-SHA256 of the token keyed with the app secret, whatever the
/// token's length; without a configured secret there is none, and asking for one names the missing setting.
/// </summary>
public sealed class AppSecretProofTests
{
    [Fact]
    public void The_proof_is_the_lower_case_hex_HMAC_SHA256_of_the_token()
    {
        // RFC 4231-style check value: HMAC-SHA256("key", "The quick brown fox jumps over the lazy dog").
        Assert.Equal("f7bc83f430538424b13298e6aa6fb143ef4d59a14946175997479dbc2d1a3cd8",
            AppSecretProof.Compute("key"u8, "The quick brown fox jumps over the lazy dog"));
    }

    [Theory]
    [InlineData(1024)]
    [InlineData(1025)]
    [InlineData(70_000)]
    public void Long_tokens_get_the_same_proof_as_any_other(int length)
    {
        var token = string.Concat(Enumerable.Repeat("EAAGé", (length / 5) + 1))[..length];
        var expected = Convert.ToHexString(HMACSHA256.HashData("s3cr3t"u8, Encoding.UTF8.GetBytes(token))).ToLowerInvariant();

        Assert.Equal(expected, new AppSecretProof(Microsoft.Extensions.Options.Options.Create(new FbTokensOptions { AppSecret = "s3cr3t" })).Compute(token));
    }

    [Theory]
    [InlineData(null)]
    [InlineData("")]
    public void Without_an_app_secret_there_is_no_proof_and_asking_names_the_setting(string? secret)
    {
        var proof = new AppSecretProof(Microsoft.Extensions.Options.Options.Create(new FbTokensOptions { AppSecret = secret }));

        Assert.False(proof.IsAvailable);
        var error = Assert.Throws<InvalidOperationException>(() => proof.Compute("EAAGm0PX4ZCpsBA"));
        Assert.Contains("FbTokens:AppSecret", error.Message, StringComparison.Ordinal);
    }
}
