using System.Net;
using System.Text.Encodings.Web;
using System.Text.Json;
using FbTokens.Internal;

namespace FbTokens.Tests.Client;

/// <summary>Masking by construction: every way a secret can come back in text is masked, not only the verbatim one.</summary>
public sealed class SensitiveValuesTests
{
    // Characters every encoder treats differently: '/', '+', '=', space, '&', '"', '\', and non-ASCII.
    private const string Awkward = "s3cr3t/+= é&\"\\tail";
    private const string Plain = "EAAGm0PX4ZCpsBALongLivedUserToken0123456789";

    private static readonly JsonSerializerOptions Relaxed = new() { Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping };

    /// <summary>Every form a secret may take in text that came back from the network.</summary>
    public static IEnumerable<string> Forms(string secret)
    {
        yield return secret;
        var escaped = Uri.EscapeDataString(secret);
        yield return escaped;
        yield return LowerHex(escaped);
        yield return FormEncode(secret);
        yield return LowerHex(FormEncode(secret));
        yield return WebUtility.UrlEncode(secret);
        yield return JsonSerializer.Serialize(secret)[1..^1];
        yield return JsonSerializer.Serialize(secret, Relaxed)[1..^1];
        yield return string.Concat(secret.Select(c => "\\u" + ((int)c).ToString("x4", System.Globalization.CultureInfo.InvariantCulture)));
        yield return string.Concat(secret.Select(c => "\\u" + ((int)c).ToString("X4", System.Globalization.CultureInfo.InvariantCulture)));
    }

    public static string FormEncode(string value) =>
        new FormUrlEncodedContent([new("v", value)]).ReadAsStringAsync().GetAwaiter().GetResult()[2..];

    public static string LowerHex(string encoded)
    {
        var chars = encoded.ToCharArray();
        for (var i = 0; i < chars.Length - 2; i++)
        {
            if (chars[i] == '%')
            {
                chars[i + 1] = char.ToLowerInvariant(chars[i + 1]);
                chars[i + 2] = char.ToLowerInvariant(chars[i + 2]);
            }
        }

        return new string(chars);
    }

    public static TheoryData<string, int> EveryForm()
    {
        var data = new TheoryData<string, int>();
        foreach (var secret in new[] { Awkward, Plain })
        {
            for (var i = 0; i < Forms(secret).Count(); i++)
            {
                data.Add(secret, i);
            }
        }

        return data;
    }

    [Theory]
    [MemberData(nameof(EveryForm))]
    public void Every_form_of_a_secret_is_masked(string secret, int form)
    {
        var sensitive = new SensitiveValues();
        sensitive.Add(secret);
        var echoed = Forms(secret).ElementAt(form);

        var scrubbed = sensitive.Scrub("before " + echoed + " after");

        Assert.Equal("before *** after", scrubbed);
    }

    [Theory]
    [MemberData(nameof(EveryForm))]
    public void A_text_that_is_only_the_secret_in_some_form_is_masked_whole(string secret, int form)
    {
        var sensitive = new SensitiveValues();
        sensitive.Add(secret);
        var echoed = Forms(secret).ElementAt(form);

        Assert.Equal("***", sensitive.Scrub(echoed));
        Assert.True(sensitive.Taints(echoed));
    }

    [Fact]
    public void Taints_finds_an_encoded_secret_and_nothing_in_empty_or_clean_text()
    {
        var sensitive = new SensitiveValues();
        sensitive.Add(Awkward);
        sensitive.Add("pass phrase");

        Assert.True(sensitive.Taints("x " + Uri.EscapeDataString(Awkward)));
        Assert.True(sensitive.Taints("x pass+phrase"));
        Assert.False(sensitive.Taints("x pass+phrasE %41 \\u0041"));
        Assert.False(sensitive.Taints(null));
        Assert.False(sensitive.Taints(string.Empty));
        Assert.False(new SensitiveValues().Taints(Awkward));
    }

    [Fact]
    public void Every_form_encoded_secret_with_a_space_is_masked_beside_a_verbatim_one()
    {
        var sensitive = new SensitiveValues();
        sensitive.Add("first pass phrase");
        sensitive.Add("second pass phrase");
        sensitive.Add(Plain);

        Assert.Equal(
            "a=*** b=*** c=***",
            sensitive.Scrub("a=first+pass+phrase b=second+pass+phrase c=" + Plain));
    }

    [Fact]
    public void Secrets_side_by_side_are_masked_each_and_overlapping_ones_as_one()
    {
        var sensitive = new SensitiveValues();
        sensitive.Add("tokenAAAA1111");
        sensitive.Add("codeBBBB2222");
        sensitive.Add("2222codeCCCC");

        Assert.Equal("[******]", sensitive.Scrub("[tokenAAAA1111codeBBBB2222]"));
        Assert.Equal("[***]", sensitive.Scrub("[codeBBBB2222codeCCCC]"));
    }

    [Fact]
    public void The_part_after_the_last_bar_is_masked_on_its_own_and_an_empty_part_adds_nothing()
    {
        var sensitive = new SensitiveValues();
        sensitive.Add("|tail0123456789");
        sensitive.Add("head0123456789|");
        const string clean = "nothing secret here";

        Assert.Equal("t=***", sensitive.Scrub("t=tail0123456789"));
        Assert.Equal("h=***", sensitive.Scrub("h=head0123456789|"));
        Assert.Same(clean, sensitive.Scrub(clean));
    }

    [Fact]
    public void The_bare_app_secret_inside_an_app_token_is_masked()
    {
        var sensitive = new SensitiveValues();
        sensitive.Add("138483919580948|" + Awkward);

        Assert.Equal("secret *** app token ***", sensitive.Scrub("secret " + Uri.EscapeDataString(Awkward) + " app token 138483919580948%7C" + Uri.EscapeDataString(Awkward)));
        Assert.DoesNotContain("s3cr3t", sensitive.Scrub("secret " + Awkward), StringComparison.Ordinal);
    }

    [Fact]
    public void A_secret_spelled_in_a_mix_of_forms_is_masked()
    {
        var sensitive = new SensitiveValues();
        sensitive.Add(Awkward);

        // Verbatim start, percent-encoded middle (lower case), JSON-escaped tail, inside a JSON-escaped URL.
        var mixed = """s3cr3t%2f%2B%3D%20\u00e9\u0026\"\\tail""";

        Assert.Equal("""url=https:\/\/x?t=***&n=1""", sensitive.Scrub("""url=https:\/\/x?t=""" + mixed + "&n=1"));
    }

    [Fact]
    public void Text_without_a_secret_is_returned_as_it_is()
    {
        var sensitive = new SensitiveValues();
        sensitive.Add(Plain);
        const string text = "Error validating access token: %41 \\u0041 + the session has expired EAAG.";

        Assert.Same(text, sensitive.Scrub(text));
        Assert.Null(sensitive.Scrub(null));
        Assert.Equal(string.Empty, sensitive.Scrub(string.Empty));
    }

    [Fact]
    public void A_prefix_of_a_secret_is_not_a_match_and_the_longest_secret_wins()
    {
        var sensitive = new SensitiveValues();
        sensitive.Add("abcdef1234");
        sensitive.Add("abcdef1234567890");

        Assert.Equal("*** and *** and abcdef12", sensitive.Scrub("abcdef1234567890 and abcdef1234 and abcdef12"));
    }

    // Escapes cut short or not well formed, at the end of the text (where a reader could run past it) and inside it.
    [Theory]
    [InlineData("%")]
    [InlineData("%4")]
    [InlineData("%4z")]
    [InlineData("%zz")]
    [InlineData("%C3")]
    [InlineData("%C3%")]
    [InlineData("%F0%9F%98")]
    [InlineData("\\u")]
    [InlineData("\\u004")]
    [InlineData("\\u00zz")]
    [InlineData("\\q")]
    public void A_malformed_escape_stays_as_it_is_and_the_secret_beside_it_is_masked(string malformed)
    {
        var sensitive = new SensitiveValues();
        sensitive.Add(Plain);
        var unicode = Forms(Plain).Last();

        Assert.Equal("*** " + malformed, sensitive.Scrub(unicode + " " + malformed));
        Assert.Equal(malformed + " ***", sensitive.Scrub(malformed + " " + unicode));
        Assert.Equal(malformed + "***", sensitive.Scrub(malformed + unicode));
    }

    [Fact]
    public void A_backslash_at_the_end_stays_and_one_before_an_escape_is_JSON_s_escaped_backslash()
    {
        var sensitive = new SensitiveValues();
        sensitive.Add(Plain);
        var unicode = Forms(Plain).Last();

        Assert.Equal("*** \\", sensitive.Scrub(unicode + " \\"));

        // "\\u0045..." in JSON is a backslash and the letters u0045: not the secret, so not masked.
        Assert.Equal("\\" + unicode, sensitive.Scrub("\\" + unicode));
    }

    [Theory]
    [InlineData("%4z%2Ftoken0123456789", "%4***")]
    [InlineData("%zz%2Ftoken0123456789", "%z***")]
    [InlineData("\\u4zz%2Ftoken0123456789", "\\u4z***")]
    public void A_secret_that_starts_inside_a_malformed_escape_is_masked(string text, string masked)
    {
        var sensitive = new SensitiveValues();
        sensitive.Add("z/token0123456789");

        Assert.Equal(masked, sensitive.Scrub(text));
    }

    [Fact]
    public void Bytes_that_are_not_UTF_8_decode_to_a_replacement_character_and_the_rest_still_decodes()
    {
        var sensitive = new SensitiveValues();
        sensitive.Add("\uFFFD/token0123456789");
        sensitive.Add("\u00e9/token0123456789");

        // A lone continuation byte, and a lead byte without its continuation, each stand for one replacement character.
        Assert.Equal("[***]", sensitive.Scrub("[%80%2Ftoken0123456789]"));
        Assert.Equal("[***]", sensitive.Scrub("[%C3%2Ftoken0123456789]"));
        Assert.Equal("[***]", sensitive.Scrub("[%c3%a9%2ftoken0123456789]"));
    }

    [Fact]
    public void A_secret_with_a_control_character_is_masked_in_its_escaped_forms()
    {
        var sensitive = new SensitiveValues();
        sensitive.Add("line\tbreak\nsecret");

        Assert.Equal("[***]", sensitive.Scrub("[line%09break%0Asecret]"));
        Assert.Equal("[***]", sensitive.Scrub("[line\\tbreak\\nsecret]"));
        Assert.Equal("[***]", sensitive.Scrub("[line\\u0009break\\u000asecret]"));
    }

    [Fact]
    public void A_large_text_is_scrubbed_in_bounded_time()
    {
        var sensitive = new SensitiveValues();
        sensitive.Add(new string('a', 200));
        // 1 MiB of near-misses (an error body at its default limit): every position starts a 199-character partial match.
        var text = string.Concat(Enumerable.Repeat(new string('a', 199) + "%62", 5000));

        var watch = System.Diagnostics.Stopwatch.StartNew();
        Assert.Equal(text, sensitive.Scrub(text));
        Assert.True(watch.Elapsed < TimeSpan.FromSeconds(5), $"Scrub took {watch.Elapsed}");
    }
}
