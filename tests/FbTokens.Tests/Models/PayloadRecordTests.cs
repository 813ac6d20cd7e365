using static FbTokens.Tests.Framework.GraphPayloads;

namespace FbTokens.Tests.Models;

/// <summary>The record members added for real payloads: a page without a token, and debug_token's metadata.</summary>
public sealed class PayloadRecordTests
{
    [Fact]
    public void A_page_with_a_token_says_so_and_still_hides_it()
    {
        var page = new PageTokenResponse("1353269864728879", "Cute Kitten Page", PageToken, "Brand", [], ["MANAGE"]);

        Assert.True(page.HasAccessToken);
        var text = page.ToString();
        Assert.DoesNotContain(PageToken, text, StringComparison.Ordinal);
        Assert.Contains("HasAccessToken = True", text, StringComparison.Ordinal);
    }

    [Fact]
    public void A_page_without_a_token_says_so()
    {
        var page = new PageTokenResponse("1353269864728879", "Cute Kitten Page", string.Empty, null, [], []);

        Assert.False(page.HasAccessToken);
        Assert.Contains("AccessToken = (none), HasAccessToken = False", page.ToString(), StringComparison.Ordinal);
        Assert.True((page with { AccessToken = PageToken }).HasAccessToken);
    }

    [Fact]
    public void Debug_metadata_is_printed_and_compared()
    {
        var debug = new DebugTokenResponse("138483919580948", "USER", "Social Cafe", true, null, null, null, ["email"], [], "1207059", null, null)
        {
            Metadata = new DebugTokenMetadata("rerequest", "iphone-safari"),
        };

        Assert.Contains("Metadata = DebugTokenMetadata { AuthType = rerequest, Sso = iphone-safari }", debug.ToString(), StringComparison.Ordinal);
        Assert.NotEqual(debug, debug with { Metadata = null });
        Assert.Equal(debug, debug with { Metadata = new DebugTokenMetadata("rerequest", "iphone-safari") });
    }
}
