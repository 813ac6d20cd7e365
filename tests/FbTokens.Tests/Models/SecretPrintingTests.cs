using System.Net;
using static FbTokens.Tests.Framework.GraphPayloads;

namespace FbTokens.Tests.Models;

public sealed class SecretPrintingTests
{
    public static TheoryData<object, string> RecordsWithSecrets => new()
    {
        { new AccessTokenResponse(LongLivedToken, "bearer", TimeSpan.FromDays(60), DateTimeOffset.UnixEpoch), LongLivedToken },
        { new LongLivedTokenResponse(LongLivedToken, "bearer", null, null, "machine"), LongLivedToken },
        { new PageTokenResponse("1", "Page", PageToken, "Brand", [new PageCategory("2", "Brand")], ["MANAGE"]), PageToken },
        { new ClientCodeResponse(ClientCode, "machine"), ClientCode },
    };

    [Theory]
    [MemberData(nameof(RecordsWithSecrets))]
    public void ToString_masks_the_token_but_keeps_the_rest(object record, string secret)
    {
        var text = record.ToString()!;

        Assert.DoesNotContain(secret, text, StringComparison.Ordinal);
        Assert.Contains(secret[..4] + "…(" + secret.Length + " chars)", text, StringComparison.Ordinal);
    }

    [Fact]
    public void Page_ToString_still_shows_the_useful_fields()
    {
        var page = new PageTokenResponse("1353269864728879", "Cute Kitten Page", PageToken, "Brand", [new PageCategory("2", "Brand")], ["MANAGE"]);

        var text = page.ToString();

        Assert.Contains("Cute Kitten Page", text, StringComparison.Ordinal);
        Assert.Contains("MANAGE", text, StringComparison.Ordinal);
        Assert.Contains("PageCategory { Id = 2, Name = Brand }", text, StringComparison.Ordinal);
    }

    [Fact]
    public void Short_values_are_fully_hidden()
    {
        Assert.Equal("ClientCodeResponse { Code = ***, MachineId =  }", new ClientCodeResponse("abc").ToString());
    }

    [Fact]
    public void Records_still_compare_by_value()
    {
        Assert.Equal(new ClientCodeResponse("code-1", "m"), new ClientCodeResponse("code-1", "m"));
        Assert.NotEqual(new ClientCodeResponse("code-1", "m"), new ClientCodeResponse("code-2", "m"));
    }

    [Fact]
    public void Exceptions_print_Graph_details_without_the_request_values()
    {
        var error = new GraphAuthException(HttpStatusCode.BadRequest, new GraphError(190, "Error validating access token", 463, "OAuthException", "AbC123"));

        var text = error.ToString();

        Assert.Contains("190/463", text, StringComparison.Ordinal);
        Assert.Contains("AbC123", text, StringComparison.Ordinal);
        Assert.Equal(TokenErrorReason.Expired, error.Reason);
    }
}
