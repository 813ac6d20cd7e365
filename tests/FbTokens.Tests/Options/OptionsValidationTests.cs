using FbTokens.Internal;

namespace FbTokens.Tests.Options;

/// <summary>The start-up checks on values that look fine at a glance but are not (issue 12, defect 11).</summary>
public sealed class OptionsValidationTests
{
    private static FbTokensOptions Valid() => new() { AppId = "138483919580948", AppSecret = "0123456789abcdef0123456789abcdef" };

    private static List<string> Failures(FbTokensOptions options)
    {
        var result = new FbTokensOptionsValidator().Validate(null, options);
        return result.Failed ? result.Failures!.ToList() : [];
    }

    [Fact]
    public void The_defaults_with_an_app_id_and_secret_pass()
    {
        Assert.Empty(Failures(Valid()));
    }

    [Theory]
    [InlineData("https://graph.facebook.com/?access_token=EAAB")]
    [InlineData("https://graph.facebook.com/?")]
    [InlineData("https://graph.facebook.com/#fragment")]
    [InlineData("https://graph.facebook.com/#")]
    [InlineData("https://user:password@graph.facebook.com/")]
    [InlineData("https://user@graph.facebook.com/")]
    [InlineData("ftp://graph.facebook.com/")]
    public void A_base_address_with_a_query_fragment_or_user_info_is_refused(string address)
    {
        var options = Valid();
        options.GraphBaseAddress = new Uri(address);

        var failure = Assert.Single(Failures(options));

        Assert.Contains("FbTokens:GraphBaseAddress", failure, StringComparison.Ordinal);
        Assert.DoesNotContain("password", failure, StringComparison.Ordinal);
        Assert.DoesNotContain("EAAB", failure, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("https://graph.facebook.com/")]
    [InlineData("https://graph.facebook.com")]
    [InlineData("http://127.0.0.1:5123/")]
    [InlineData("https://proxy.example.com/graph/")]
    public void A_plain_base_address_passes(string address)
    {
        var options = Valid();
        options.GraphBaseAddress = new Uri(address);

        Assert.Empty(Failures(options));
    }

    [Theory]
    [InlineData("v24.0\n")]
    [InlineData("v24.0\r\n")]
    [InlineData("v\u0662\u0664.0")] // Arabic-Indic digits: \d matches them, [0-9] does not
    [InlineData("v24.\uFF10")] // a full-width zero
    [InlineData("v24.0 ")]
    [InlineData(" v24.0")]
    [InlineData("V24.0")]
    [InlineData("v24")]
    [InlineData("24.0")]
    [InlineData("v24.0.1")]
    [InlineData("")]
    [InlineData("v123456789.0")]
    public void A_version_other_than_v_digits_dot_digits_is_refused(string version)
    {
        var options = Valid();
        options.GraphApiVersion = version;

        var failure = Assert.Single(Failures(options));

        Assert.Contains("FbTokens:GraphApiVersion", failure, StringComparison.Ordinal);
        Assert.DoesNotContain('\n', failure);
        Assert.DoesNotContain('\r', failure);
    }

    [Theory]
    [InlineData("v24.0")]
    [InlineData("v3.2")]
    [InlineData("v100.10")]
    public void A_well_formed_version_passes(string version)
    {
        var options = Valid();
        options.GraphApiVersion = version;

        Assert.Empty(Failures(options));
    }

    [Theory]
    [InlineData("0123456789abcdef\u00000123456789abcdef")]
    [InlineData("0123456789abcdef0123456789abcdef\n")]
    [InlineData("0123456789abcdef\u007f0123456789abcdef")]
    [InlineData("0123456789abcdef\u00850123456789abcdef")]
    [InlineData("0123456789abcdef\u200b0123456789abcdef")]
    [InlineData("0123456789abcdef 0123456789abcdef")]
    [InlineData("0123456789abcdef\t0123456789abcdef")]
    [InlineData("")]
    public void An_app_secret_with_control_characters_or_white_space_is_refused_without_echoing_it(string secret)
    {
        var options = Valid();
        options.AppSecret = secret;

        var failure = Assert.Single(Failures(options));

        Assert.Contains("FbTokens:AppSecret", failure, StringComparison.Ordinal);
        Assert.DoesNotContain("0123456789abcdef", failure, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("fedcba9876543210\u0000fedcba9876543210")]
    [InlineData("fedcba9876543210fedcba9876543210\r\n")]
    [InlineData("fedcba9876543210\u001bfedcba9876543210")]
    [InlineData("fedcba9876543210 fedcba9876543210")]
    [InlineData("")]
    public void A_client_token_with_control_characters_or_white_space_is_refused_without_echoing_it(string token)
    {
        var options = Valid();
        options.ClientToken = token;

        var failure = Assert.Single(Failures(options));

        Assert.Contains("FbTokens:ClientToken", failure, StringComparison.Ordinal);
        Assert.DoesNotContain("fedcba9876543210", failure, StringComparison.Ordinal);
    }

    [Fact]
    public void A_printable_client_token_passes()
    {
        var options = Valid();
        options.ClientToken = "fedcba9876543210fedcba9876543210";

        Assert.Empty(Failures(options));
    }

    [Theory]
    [InlineData("138483919580948\n")]
    [InlineData("\u0661\u0662\u0663")]
    public void An_app_id_with_a_trailing_line_break_or_non_ascii_digits_is_refused(string appId)
    {
        var options = Valid();
        options.AppId = appId;

        Assert.Contains("FbTokens:AppId", Assert.Single(Failures(options)), StringComparison.Ordinal);
    }
}
