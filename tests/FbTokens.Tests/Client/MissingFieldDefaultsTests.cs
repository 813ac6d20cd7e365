using FbTokens.Internal;
using FbTokens.Tests.Framework;

namespace FbTokens.Tests.Client;

/// <summary>What a response record holds when Graph leaves out an optional field.</summary>
public sealed class MissingFieldDefaultsTests : IDisposable
{
    private static readonly Uri Redirect = new("https://app.example.com/cb");
    private readonly GraphTestHost _host = new();

    public void Dispose() => _host.Dispose();

    [Fact]
    public async Task A_token_without_token_type_is_a_bearer_token_for_every_token_operation()
    {
        const string token = "EAAGm0PX4ZCpsBANoTokenTypeToken0123456789";
        _host.On(HttpMethod.Post, "oauth/access_token", "{\"access_token\":\"" + token + "\",\"expires_in\":5183944}");
        var client = _host.Client;

        Assert.Equal("bearer", (await client.GetAppAccessTokenAsync()).TokenType);
        Assert.Equal("bearer", (await client.ExchangeForLongLivedTokenAsync(GraphPayloads.ShortLivedToken)).TokenType);
        Assert.Equal("bearer", (await client.ExchangeCodeAsync(GraphPayloads.Code, Redirect)).TokenType);
        Assert.Equal("bearer", (await client.RedeemClientCodeAsync(GraphPayloads.ClientCode, Redirect)).TokenType);
    }

    [Fact]
    public async Task A_token_type_Graph_sends_is_kept()
    {
        _host.On(HttpMethod.Post, "oauth/access_token", """{"access_token":"EAAGm0PX4ZCpsBAMacToken0123456789","token_type":"mac","expires_in":5183944}""");
        var client = _host.Client;

        Assert.Equal("mac", (await client.GetAppAccessTokenAsync()).TokenType);
        Assert.Equal("mac", (await client.ExchangeForLongLivedTokenAsync(GraphPayloads.ShortLivedToken)).TokenType);
        Assert.Equal("mac", (await client.ExchangeCodeAsync(GraphPayloads.Code, Redirect)).TokenType);
    }

    [Fact]
    public async Task A_debug_answer_without_app_id_or_error_message_has_empty_strings_not_null()
    {
        _host.On(HttpMethod.Get, "debug_token", """{"data":{"type":"USER","is_valid":false,"scopes":[],"error":{"code":190,"subcode":463}}}""");

        var debug = await _host.Client.DebugTokenAsync(GraphPayloads.LongLivedToken);

        Assert.Equal(string.Empty, debug.AppId);
        Assert.NotNull(debug.Error);
        Assert.Equal(190, debug.Error.Code);
        Assert.Equal(string.Empty, debug.Error.Message);
    }

    [Fact]
    public void A_lifetime_that_ends_exactly_at_the_last_representable_instant_is_kept_and_one_past_it_is_not()
    {
        var now = DateTimeOffset.MaxValue - TimeSpan.FromSeconds(100);

        Assert.Equal((TimeSpan.FromSeconds(100), DateTimeOffset.MaxValue), PayloadMapper.Expiry(100, now));
        Assert.Null(PayloadMapper.Expiry(101, now));
    }
}
