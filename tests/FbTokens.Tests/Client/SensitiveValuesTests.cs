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
