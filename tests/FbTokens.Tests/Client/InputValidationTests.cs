using FbTokens.Tests.Framework;
using static FbTokens.Tests.Framework.GraphPayloads;

namespace FbTokens.Tests.Client;

/// <summary>Bad input fails with a typed error before any network call.</summary>
public sealed class InputValidationTests : IDisposable
{
    private static readonly Uri Redirect = new("https://app.example.com/cb");
    private readonly GraphTestHost _host = new();

    public void Dispose()
    {
        // Every test here must have made no request at all.
        Assert.Empty(_host.Requests);
        _host.Dispose();
    }

    public static TheoryData<string?> BadCredentials => new() { null, "", "   ", "EAAB\nabc", "EAAB abc", "EAAB\u0000abc", "\t" };

    [Theory]
    [MemberData(nameof(BadCredentials))]
    public async Task Every_operation_rejects_a_bad_token_or_code(string? value)
    {
        var client = _host.Client;
        await AssertRejected(() => client.ExchangeCodeAsync(value!, Redirect));
        await AssertRejected(() => client.ExchangeForLongLivedTokenAsync(value!));
        await AssertRejected(() => client.RenewSystemUserTokenAsync(value!));
        await AssertRejected(() => Task.FromResult(client.GetPageTokensAsync("1207059", value!)));
        await AssertRejected(() => client.GetClientCodeAsync(value!, Redirect));
        await AssertRejected(() => client.RedeemClientCodeAsync(value!, Redirect));
        await AssertRejected(() => client.RedeemClientCodeAsync(ClientCode, Redirect, machineId: value is null ? "bad id" : value));
        await AssertRejected(() => client.DebugTokenAsync(value!));
    }

    [Fact]
    public async Task A_relative_or_missing_redirect_uri_is_rejected()
    {
        var relative = new Uri("/cb", UriKind.Relative);
        var client = _host.Client;
        await AssertRejected(() => client.ExchangeCodeAsync(Code, relative));
        await AssertRejected(() => client.GetClientCodeAsync(LongLivedToken, relative));
        await AssertRejected(() => client.RedeemClientCodeAsync(ClientCode, relative));
        await Assert.ThrowsAsync<ArgumentNullException>(() => client.ExchangeCodeAsync(Code, null!));
    }

    [Theory]
    [InlineData("/callback")]
    [InlineData("file:///etc/callback")]
    [InlineData("ftp://app.example.com/cb")]
    public async Task A_redirect_uri_that_is_not_http_is_rejected(string uri)
    {
        var redirect = new Uri(uri, UriKind.RelativeOrAbsolute);
        var client = _host.Client;
        await AssertRejected(() => client.ExchangeCodeAsync(Code, redirect));
        await AssertRejected(() => client.GetClientCodeAsync(LongLivedToken, redirect));
        await AssertRejected(() => client.RedeemClientCodeAsync(ClientCode, redirect));
    }

    [Theory]
    [InlineData("abc")]
    [InlineData("12 34")]
    [InlineData("../me")]
    [InlineData("")]
    public void A_user_id_that_is_not_digits_or_me_is_rejected(string userId)
    {
        Assert.ThrowsAny<ArgumentException>(() => _host.Client.GetPageTokensAsync(userId, LongLivedToken));
    }

    [Fact]
    public void An_argument_message_never_contains_the_value()
    {
        const string secretish = "EAAB\nsecret-token-value-123";
        var error = Assert.ThrowsAny<ArgumentException>(() => _host.Client.ExchangeForLongLivedTokenAsync(secretish).GetAwaiter().GetResult());

        Assert.DoesNotContain("secret-token-value-123", error.ToString());
    }

    [Fact]
    public async Task Operations_that_need_the_app_secret_fail_fast_naming_the_setting()
    {
        using var host = new GraphTestHost(o => o.AppSecret = null);
        var client = host.Client;

        foreach (var call in new Func<Task>[]
        {
            () => client.ExchangeCodeAsync(Code, Redirect),
            () => client.ExchangeForLongLivedTokenAsync(ShortLivedToken),
            () => client.RenewSystemUserTokenAsync(LongLivedToken),
            () => client.GetClientCodeAsync(LongLivedToken, Redirect),
            () => client.DebugTokenAsync(LongLivedToken),
            () => client.GetAppAccessTokenAsync(),
            () => Task.FromResult(client.GetPageTokensAsync("1207059", LongLivedToken)),
        })
        {
            var error = await Assert.ThrowsAsync<InvalidOperationException>(call);
            Assert.Contains("FbTokens:AppSecret", error.Message);
        }

        Assert.Empty(host.Requests);
    }

    private static async Task AssertRejected(Func<Task> call) => await Assert.ThrowsAnyAsync<ArgumentException>(call);
}
