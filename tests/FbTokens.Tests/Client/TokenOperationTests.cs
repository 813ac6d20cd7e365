using System.Net;
using System.Security.Cryptography;
using System.Text;
using FbTokens.Tests.Framework;
using static FbTokens.Tests.Framework.GraphPayloads;

namespace FbTokens.Tests.Client;

public sealed class TokenOperationTests : IDisposable
{
    private static readonly Uri Redirect = new("https://app.example.com/facebook/callback");
    private readonly GraphTestHost _host = new();

    public void Dispose() => _host.Dispose();

    [Fact]
    public async Task ExchangeCode_posts_the_code_and_secret_in_the_body_and_computes_expiry_from_the_clock()
    {
        _host.On(HttpMethod.Post, "oauth/access_token", UserToken);

        var token = await _host.Client.ExchangeCodeAsync(Code, Redirect);

        Assert.Equal(ShortLivedToken, token.AccessToken);
        Assert.Equal("bearer", token.TokenType);
        Assert.Equal(TimeSpan.FromSeconds(5183944), token.ExpiresIn);
        Assert.Equal(GraphTestHost.Start.AddSeconds(5183944), token.ExpiresAt);
        var request = Assert.Single(_host.Requests);
        Assert.Equal(HttpMethod.Post, request.Method);
        Assert.Empty(request.Query);
        Assert.Equal(GraphTestHost.AppId, request.Form["client_id"]);
        Assert.Equal(Redirect.AbsoluteUri, request.Form["redirect_uri"]);
        Assert.Equal(GraphTestHost.AppSecret, request.Form["client_secret"]);
        Assert.Equal(Code, request.Form["code"]);
    }

    [Fact]
    public async Task ExchangeForLongLivedToken_uses_fb_exchange_token()
    {
        _host.On(HttpMethod.Post, "oauth/access_token", LongLived);

        var token = await _host.Client.ExchangeForLongLivedTokenAsync(ShortLivedToken);

        Assert.Equal(LongLivedToken, token.AccessToken);
        Assert.Equal(GraphTestHost.Start.AddSeconds(5183944), token.ExpiresAt);
        Assert.Null(token.MachineId);
        var form = Assert.Single(_host.Requests).Form;
        Assert.Equal("fb_exchange_token", form["grant_type"]);
        Assert.Equal(ShortLivedToken, form["fb_exchange_token"]);
        Assert.Equal(GraphTestHost.AppSecret, form["client_secret"]);
        Assert.Equal(GraphTestHost.AppId, form["client_id"]);
    }

    [Fact]
    public async Task RenewSystemUserToken_sends_fb_exchange_token_with_set_token_expires_in_60_days()
    {
        _host.On(HttpMethod.Post, "oauth/access_token", LongLived);

        var token = await _host.Client.RenewSystemUserTokenAsync(ShortLivedToken);

        Assert.Equal(LongLivedToken, token.AccessToken);
        Assert.Equal(GraphTestHost.Start.AddSeconds(5183944), token.ExpiresAt);
        var request = Assert.Single(_host.Requests);
        Assert.Empty(request.Query); // the token and the secret stay in the body
        var form = request.Form;
        Assert.Equal("fb_exchange_token", form["grant_type"]);
        Assert.Equal("true", form["set_token_expires_in_60_days"]);
        Assert.Equal(ShortLivedToken, form["fb_exchange_token"]);
        Assert.Equal(GraphTestHost.AppSecret, form["client_secret"]);
        Assert.Equal(GraphTestHost.AppId, form["client_id"]);
    }

    [Fact]
    public async Task RenewSystemUserToken_of_a_forfeited_token_is_an_auth_error()
    {
        _host.On(HttpMethod.Post, "oauth/access_token",
            """{"error":{"message":"Error validating access token: Session has expired.","type":"OAuthException","code":190,"error_subcode":463,"fbtrace_id":"AbCdEf"}}""",
            HttpStatusCode.BadRequest);

        var error = await Assert.ThrowsAsync<GraphAuthException>(() => _host.Client.RenewSystemUserTokenAsync(LongLivedToken));

        Assert.Equal(TokenErrorReason.Expired, error.Reason);
        Assert.Single(_host.Requests);
    }

    [Fact]
    public async Task GetClientCode_sends_the_user_token_with_its_appsecret_proof()
    {
        _host.On(HttpMethod.Post, "oauth/client_code", ClientCodeJson);

        var code = await _host.Client.GetClientCodeAsync(LongLivedToken, Redirect);

        Assert.Equal(ClientCode, code.Code);
        var request = Assert.Single(_host.Requests);
        var form = request.Form;
        Assert.Null(request.Authorization); // a POST token endpoint keeps its credentials in the form body
        Assert.Equal(LongLivedToken, form["access_token"]);
        Assert.Equal(Proof(LongLivedToken), form["appsecret_proof"]);
        Assert.Equal(GraphTestHost.AppSecret, form["client_secret"]);
        Assert.Equal(Redirect.AbsoluteUri, form["redirect_uri"]);
    }

    [Fact]
    public async Task RedeemClientCode_sends_machine_id_and_never_the_app_secret()
    {
        _host.On(HttpMethod.Post, "oauth/access_token", Redeemed);

        var token = await _host.Client.RedeemClientCodeAsync(ClientCode, Redirect, "YJ1sX0Zq8ZcMachineId");

        Assert.Equal(LongLivedToken, token.AccessToken);
        Assert.Equal("YJ1sX0Zq8ZcMachineId", token.MachineId);
        Assert.Equal("bearer", token.TokenType);
        var request = Assert.Single(_host.Requests);
        Assert.Equal(ClientCode, request.Form["code"]);
        Assert.Equal("YJ1sX0Zq8ZcMachineId", request.Form["machine_id"]);
        Assert.DoesNotContain("client_secret", request.Parameters.Keys);
        Assert.DoesNotContain("appsecret_proof", request.Parameters.Keys);
        Assert.DoesNotContain(GraphTestHost.AppSecret, request.Body + request.Url);
    }

    [Fact]
    public async Task RedeemClientCode_works_in_an_app_configured_without_a_secret()
    {
        using var host = new GraphTestHost(o => o.AppSecret = null);
        host.On(HttpMethod.Post, "oauth/access_token", Redeemed);

        var token = await host.Client.RedeemClientCodeAsync(ClientCode, Redirect);

        Assert.Equal(LongLivedToken, token.AccessToken);
        Assert.DoesNotContain("machine_id", Assert.Single(host.Requests).Form.Keys);
    }

    [Fact]
    public async Task DebugToken_maps_every_field_and_authenticates_with_the_app_token()
    {
        _host.On(HttpMethod.Get, "debug_token", DebugValid);

        var info = await _host.Client.DebugTokenAsync(LongLivedToken);

        Assert.Equal("138483919580948", info.AppId);
        Assert.Equal("USER", info.Type);
        Assert.Equal("Social Cafe", info.Application);
        Assert.True(info.IsValid);
        Assert.Equal(DateTimeOffset.FromUnixTimeSeconds(1352419328), info.ExpiresAt);
        Assert.Equal(DateTimeOffset.FromUnixTimeSeconds(1544242134), info.DataAccessExpiresAt);
        Assert.Equal(DateTimeOffset.FromUnixTimeSeconds(1347235328), info.IssuedAt);
        Assert.Equal(TimeSpan.Zero, info.ExpiresAt!.Value.Offset);
        Assert.Equal(["email", "pages_show_list"], info.Scopes);
        var granular = Assert.Single(info.GranularScopes);
        Assert.Equal("pages_show_list", granular.Scope);
        Assert.Equal(["1353269864728879"], granular.TargetIds);
        Assert.Equal("1207059", info.UserId);
        Assert.Null(info.ProfileId);
        Assert.Null(info.Error);
        var request = Assert.Single(_host.Requests);
        var query = request.Query;
        Assert.Equal(LongLivedToken, query["input_token"]);

        // The caller's own credential (the app token) travels in the Authorization header, not in the URL.
        Assert.Equal("Bearer " + GraphTestHost.AppId + "|" + GraphTestHost.AppSecret, request.Authorization);
        Assert.DoesNotContain("access_token", query.Keys);
        Assert.DoesNotContain("appsecret_proof", query.Keys);
    }

    [Fact]
    public async Task DebugToken_reads_expires_at_zero_as_never()
    {
        _host.On(HttpMethod.Get, "debug_token", DebugPageNeverExpires);

        var info = await _host.Client.DebugTokenAsync(PageToken);

        Assert.Null(info.ExpiresAt);
        Assert.Null(info.DataAccessExpiresAt);
        Assert.Equal("PAGE", info.Type);
        Assert.Equal("1353269864728879", info.ProfileId);
        Assert.Empty(info.GranularScopes);
    }

    [Fact]
    public async Task DebugToken_of_an_invalid_token_is_a_result_not_an_exception()
    {
        _host.On(HttpMethod.Get, "debug_token", DebugExpired);

        var info = await _host.Client.DebugTokenAsync(LongLivedToken);

        Assert.False(info.IsValid);
        Assert.NotNull(info.Error);
        Assert.Equal(190, info.Error.Code);
        Assert.Equal(463, info.Error.Subcode);
        Assert.Equal(TokenErrorReason.Expired, info.Error.Reason);
        Assert.Empty(info.Scopes);
    }

    [Fact]
    public async Task Every_token_operation_sends_exactly_the_parameters_Graph_documents()
    {
        _host.On(HttpMethod.Post, "oauth/access_token", LongLived);
        _host.On(HttpMethod.Post, "oauth/client_code", ClientCodeJson);
        var client = _host.Client;

        await client.ExchangeCodeAsync(Code, Redirect);
        await client.ExchangeForLongLivedTokenAsync(ShortLivedToken);
        await client.GetClientCodeAsync(LongLivedToken, Redirect);
        await client.RedeemClientCodeAsync(ClientCode, Redirect, "YJ1sX0Zq8ZcMachineId");
        await client.GetAppAccessTokenAsync();

        var app = GraphTestHost.AppId;
        var secret = GraphTestHost.AppSecret;
        var redirect = Redirect.AbsoluteUri;
        Dictionary<string, string>[] expected =
        [
            new() { ["client_id"] = app, ["redirect_uri"] = redirect, ["client_secret"] = secret, ["code"] = Code },
            new() { ["grant_type"] = "fb_exchange_token", ["client_id"] = app, ["client_secret"] = secret, ["fb_exchange_token"] = ShortLivedToken },
            new() { ["client_id"] = app, ["client_secret"] = secret, ["redirect_uri"] = redirect, ["access_token"] = LongLivedToken, ["appsecret_proof"] = Proof(LongLivedToken) },
            new() { ["code"] = ClientCode, ["client_id"] = app, ["redirect_uri"] = redirect, ["machine_id"] = "YJ1sX0Zq8ZcMachineId" },
            new() { ["client_id"] = app, ["client_secret"] = secret, ["grant_type"] = "client_credentials" },
        ];
        Assert.Equal(expected.Length, _host.Requests.Count);
        for (var i = 0; i < expected.Length; i++)
        {
            Assert.Empty(_host.Requests[i].Query);
            Assert.Equal(expected[i].OrderBy(p => p.Key, StringComparer.Ordinal), _host.Requests[i].Form.OrderBy(p => p.Key, StringComparer.Ordinal));
        }
    }

    [Fact]
    public async Task GetAppAccessToken_uses_client_credentials()
    {
        _host.On(HttpMethod.Post, "oauth/access_token", AppToken);

        var token = await _host.Client.GetAppAccessTokenAsync();

        Assert.Equal("138483919580948|appTokenHashPart", token.AccessToken);
        Assert.Null(token.ExpiresIn);
        Assert.Null(token.ExpiresAt);
        var form = Assert.Single(_host.Requests).Form;
        Assert.Equal("client_credentials", form["grant_type"]);
        Assert.Equal(GraphTestHost.AppSecret, form["client_secret"]);
    }

    [Fact]
    public async Task Unknown_fields_are_ignored()
    {
        _host.On(HttpMethod.Post, "oauth/access_token", """{"access_token":"EAAGm0PX4ZCpsBALongLivedUserToken0123456789abcdefghijkXYZ","token_type":"bearer","expires_in":5183944,"new_field":{"nested":[1,2,3]},"another":"x"}""");

        var token = await _host.Client.ExchangeForLongLivedTokenAsync(ShortLivedToken);

        Assert.Equal(LongLivedToken, token.AccessToken);
    }

    [Theory]
    [InlineData("""{"token_type":"bearer","expires_in":5183944}""")]
    [InlineData("""{"access_token":12345,"token_type":"bearer"}""")]
    [InlineData("""{"access_token":"EAAB","expires_in":"soon"}""")]
    [InlineData("null")]
    public async Task A_missing_or_mistyped_field_is_a_protocol_error(string body)
    {
        _host.On(HttpMethod.Post, "oauth/access_token", body);

        var error = await Assert.ThrowsAsync<GraphProtocolException>(() => _host.Client.ExchangeForLongLivedTokenAsync(ShortLivedToken));

        Assert.Equal(HttpStatusCode.OK, error.StatusCode);
    }

    [Fact]
    public async Task A_debug_payload_without_is_valid_is_a_protocol_error()
    {
        _host.On(HttpMethod.Get, "debug_token", """{"data":{"app_id":"1","type":"USER"}}""");

        await Assert.ThrowsAsync<GraphProtocolException>(() => _host.Client.DebugTokenAsync(LongLivedToken));
    }

    [Fact]
    public async Task The_configured_version_and_base_address_are_used()
    {
        using var host = new GraphTestHost(o =>
        {
            o.GraphApiVersion = "v23.0";
            o.GraphBaseAddress = new Uri("http://127.0.0.1:5099/graph");
        });
        host.Mock.When(HttpMethod.Post, "http://127.0.0.1:5099/graph/v23.0/oauth/access_token").Respond("application/json", AppToken);

        var token = await host.Client.GetAppAccessTokenAsync();

        Assert.Equal("138483919580948|appTokenHashPart", token.AccessToken);
    }

    internal static string Proof(string token) =>
        Convert.ToHexStringLower(HMACSHA256.HashData(Encoding.UTF8.GetBytes(GraphTestHost.AppSecret), Encoding.UTF8.GetBytes(token)));
}
