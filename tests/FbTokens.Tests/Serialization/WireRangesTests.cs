using FbTokens.Internal;

namespace FbTokens.Tests.Serialization;

/// <summary>
/// The credential check has a vectorized fast path for printable ASCII; these pin the slow path behind it: any Unicode
/// white space or control character, anywhere (past the first vector too), still makes a token unusable, and other
/// non-ASCII characters do not.
/// </summary>
public sealed class WireRangesTests
{
    private const string Prefix = "EAAGm0PX4ZCpsBALongLivedUserToken0123456789abcdefghijk";

    public static TheoryData<string> Unusable => new()
    {
        "\u00A0", "\u0085", "\u2028", "\u3000", "\u200A", "\u009F",
        Prefix + "\u00A0", Prefix + "\u0085tail", Prefix + "é\u2029tail", Prefix + "~\u007F", "é" + Prefix + "\t",
    };

    [Theory]
    [MemberData(nameof(Unusable))]
    public void Unicode_white_space_or_control_anywhere_makes_a_credential_unusable(string value)
    {
        Assert.False(WireRanges.IsUsableCredential(value));
        Assert.Throws<ArgumentException>(() => ArgumentChecks.Credential(value));
    }

    [Theory]
    [InlineData("EAAB")]
    [InlineData(Prefix + "!~")]
    [InlineData(Prefix + "é")]
    [InlineData("é" + Prefix + "日本")]
    public void Other_characters_are_usable(string value)
    {
        Assert.True(WireRanges.IsUsableCredential(value));
        ArgumentChecks.Credential(value);
    }
}
