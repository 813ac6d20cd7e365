namespace FbTokens.Tests.Diagnostics;

public sealed class FbTokensMaskingTests
{
    [Fact]
    public void Shows_the_token_family_and_length_and_nothing_of_the_secret_part()
    {
        var token = "EAAB" + new string('x', 200) + "SECRETTAIL";

        var masked = FbTokensMasking.MaskToken(token);

        Assert.Equal("EAAB…(214 chars)", masked);
        Assert.DoesNotContain("SECRETTAIL", masked, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(null, "(none)")]
    [InlineData("", "(none)")]
    [InlineData("short-secret", "***")]
    [InlineData("fifteen-chars-x", "***")]
    [InlineData("sixteen-chars-xx", "sixt…(16 chars)")]
    public void Hides_short_values_entirely(string? value, string expected)
    {
        Assert.Equal(expected, FbTokensMasking.MaskToken(value));
    }

    [Fact]
    public void Masks_exactly_as_FbTokens_own_ToString_does()
    {
        var token = new StoredToken { Key = TokenKey.ForPage("1234567890"), Value = "EAAG" + new string('p', 150) };

        Assert.Contains("Value = " + FbTokensMasking.MaskToken(token.Value) + ",", token.ToString(), StringComparison.Ordinal);
    }
}
