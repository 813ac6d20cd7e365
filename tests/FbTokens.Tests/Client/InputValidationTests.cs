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
    public async Task A_rejection_names_the_parameter_and_says_what_is_wrong()
    {
        var client = _host.Client;

        var token = await Assert.ThrowsAsync<ArgumentException>(() => client.ExchangeForLongLivedTokenAsync("EAAB abc"));
        Assert.Equal("shortLivedUserToken", token.ParamName);
        Assert.StartsWith("The value contains control or white-space characters", token.Message, StringComparison.Ordinal);

        var machine = await Assert.ThrowsAsync<ArgumentException>(() => client.RedeemClientCodeAsync(ClientCode, Redirect, machineId: "bad id"));
        Assert.Equal("machineId", machine.ParamName);
        Assert.StartsWith("The value contains control or white-space characters", machine.Message, StringComparison.Ordinal);

        var redirect = await Assert.ThrowsAsync<ArgumentException>(() => client.ExchangeCodeAsync(Code, new Uri("ftp://app.example.com/cb")));
        Assert.Equal("redirectUri", redirect.ParamName);
        Assert.StartsWith("The redirect URI must be an absolute http(s) URI", redirect.Message, StringComparison.Ordinal);

        var user = Assert.Throws<ArgumentException>(() => client.GetPageTokensAsync("abc", LongLivedToken));
        Assert.Equal("userId", user.ParamName);
        Assert.StartsWith("The user id must be the app-scoped user id (digits) or 'me'", user.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Me_and_an_http_redirect_uri_are_accepted()
    {
        using var host = new GraphTestHost();
        host.On(HttpMethod.Get, "me/accounts", Accounts([Page]));
        host.On(HttpMethod.Post, "oauth/access_token", UserToken);

        Assert.Single(await host.Client.GetPageTokensAsync("me", LongLivedToken).ToListAsync());
        Assert.Equal(ShortLivedToken, (await host.Client.ExchangeCodeAsync(Code, new Uri("http://localhost:5000/cb"))).AccessToken);
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

    [Fact]
    public async Task Page_tokens_need_no_app_secret_when_appsecret_proof_is_off()
    {
        using var host = new GraphTestHost(o =>
        {
            o.AppSecret = null;
            o.UseAppSecretProof = false;
        });
        host.On(HttpMethod.Get, "1207059/accounts", Accounts([Page]));

        var pages = await host.Client.GetPageTokensAsync("1207059", LongLivedToken).ToListAsync();

        Assert.Single(pages);
        Assert.DoesNotContain("appsecret_proof", Assert.Single(host.Requests).Parameters.Keys);
    }

    private static async Task AssertRejected(Func<Task> call) => await Assert.ThrowsAnyAsync<ArgumentException>(call);
}
