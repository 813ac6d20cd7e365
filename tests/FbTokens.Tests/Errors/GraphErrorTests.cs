using System.Net;
using FbTokens.Tests.Framework;
using static FbTokens.Tests.Framework.GraphPayloads;

namespace FbTokens.Tests.Errors;

public sealed class GraphErrorTests : IDisposable
{
    private readonly GraphTestHost _host = new(o => o.Resilience.MaxRetryAttempts = 0);

    public void Dispose() => _host.Dispose();

    public static TheoryData<int, int?, TokenErrorReason> AuthErrors => new()
    {
        { 190, null, TokenErrorReason.Unknown },
        { 102, null, TokenErrorReason.Unknown },
        { 190, 458, TokenErrorReason.AppNotInstalled },
        { 190, 460, TokenErrorReason.PasswordChanged },
        { 190, 463, TokenErrorReason.Expired },
        { 190, 467, TokenErrorReason.InvalidAccessToken },
        { 190, 492, TokenErrorReason.InvalidSession },
        { 190, 493, TokenErrorReason.DataAccessExpired },
        { 102, 463, TokenErrorReason.Expired },
        { 200, 458, TokenErrorReason.AppNotInstalled },
    };

    [Theory]
    [MemberData(nameof(AuthErrors))]
    public async Task Token_errors_become_GraphAuthException_with_their_reason(int code, int? subcode, TokenErrorReason reason)
    {
        _host.On(HttpMethod.Get, "debug_token", Error(code, subcode), HttpStatusCode.BadRequest);

        var error = await Assert.ThrowsAsync<GraphAuthException>(() => _host.Client.DebugTokenAsync(LongLivedToken));

        Assert.Equal(reason, error.Reason);
        Assert.Equal(code, error.Code);
        Assert.Equal(subcode, error.Subcode);
        Assert.True(error.RequiresReauthentication);
        Assert.False(error.RequiresUserAction);
        Assert.Equal(HttpStatusCode.BadRequest, error.StatusCode);
        Assert.Equal("AWx1b2C3d4E", error.FbTraceId);
        Assert.Equal("OAuthException", error.ErrorType);
        Assert.Equal("Session expired", error.UserTitle);
        Assert.Equal("Please log in again.", error.UserMessage);
        Assert.Contains("AWx1b2C3d4E", error.Message);
    }

    [Theory]
    [InlineData(459, TokenErrorReason.UserCheckpointed)]
    [InlineData(464, TokenErrorReason.UnconfirmedUser)]
    public async Task A_checkpoint_or_an_unconfirmed_account_needs_the_person_on_facebook_com_not_a_new_login(int subcode, TokenErrorReason reason)
    {
        _host.On(HttpMethod.Get, "debug_token", Error(190, subcode), HttpStatusCode.BadRequest);

        var error = await Assert.ThrowsAsync<GraphAuthException>(() => _host.Client.DebugTokenAsync(LongLivedToken));

        Assert.Equal(reason, error.Reason);
        Assert.True(error.RequiresUserAction);
        Assert.False(error.RequiresReauthentication);
    }

    [Fact]
    public async Task A_temporary_block_368_needs_the_person_and_is_neither_an_auth_error_nor_transient()
    {
        _host.On(HttpMethod.Get, "debug_token", Error(368, 1390008), HttpStatusCode.BadRequest);

        var error = await Assert.ThrowsAsync<GraphApiException>(() => _host.Client.DebugTokenAsync(LongLivedToken));

        Assert.IsNotType<GraphAuthException>(error);
        Assert.True(error.RequiresUserAction);
        Assert.False(error.IsTransient);
    }

    [Theory]
    [InlineData(458)]
    [InlineData(465)]
    [InlineData(466)]
    [InlineData(467)]
    [InlineData(492)]
    public async Task A_token_subcode_makes_an_auth_error_whatever_the_code(int subcode)
    {
        _host.On(HttpMethod.Get, "debug_token", Error(200, subcode), HttpStatusCode.BadRequest);

        var error = await Assert.ThrowsAsync<GraphAuthException>(() => _host.Client.DebugTokenAsync(LongLivedToken));

        Assert.Equal(subcode, error.Subcode);
    }

    [Theory]
    [InlineData(457)]
    [InlineData(468)]
    [InlineData(491)]
    [InlineData(493)]
    [InlineData(2069)]
    public async Task A_subcode_outside_the_token_subcodes_is_not_an_auth_error(int subcode)
    {
        _host.On(HttpMethod.Get, "debug_token", Error(200, subcode), HttpStatusCode.BadRequest);

        var error = await Assert.ThrowsAsync<GraphApiException>(() => _host.Client.DebugTokenAsync(LongLivedToken));

        Assert.Equal(typeof(GraphApiException), error.GetType());
        Assert.Equal(subcode, error.Subcode);
    }

    [Theory]
    [InlineData(4)]
    [InlineData(17)]
    [InlineData(32)]
    [InlineData(613)]
    [InlineData(80000)]
    [InlineData(80004)]
    [InlineData(80014)]
    public async Task Rate_limit_codes_become_GraphRateLimitException(int code)
    {
        _host.On(HttpMethod.Get, "debug_token", Error(code, type: "OAuthException"), HttpStatusCode.BadRequest);

        var error = await Assert.ThrowsAsync<GraphRateLimitException>(() => _host.Client.DebugTokenAsync(LongLivedToken));

        Assert.Equal(code, error.Code);
        Assert.Null(error.RetryAfter);
        Assert.Null(error.Usage);
    }

    [Fact]
    public async Task Rate_limit_keeps_Retry_After_and_the_usage_headers()
    {
        _host.On(HttpMethod.Get, "debug_token", _ =>
        {
            var response = GraphTestHost.Json(Error(80004), HttpStatusCode.BadRequest);
            response.Headers.Add("X-App-Usage", """{"call_count":28,"total_time":25,"total_cputime":25}""");
            response.Headers.Add("X-Business-Use-Case-Usage", """{"1353269864728879":[{"type":"pages","call_count":100,"total_cputime":25,"total_time":25,"estimated_time_to_regain_access":19}]}""");
            response.Headers.Add("X-Ad-Account-Usage", """{"acc_id_util_pct":9.67,"reset_time_duration":0,"ads_api_access_tier":"standard_access"}""");
            return response;
        });

        var error = await Assert.ThrowsAsync<GraphRateLimitException>(() => _host.Client.DebugTokenAsync(LongLivedToken));

        Assert.Equal(TimeSpan.FromMinutes(19), error.RetryAfter);
        Assert.NotNull(error.Usage);
        Assert.Equal(new AppUsage(28, 25, 25), error.Usage.App);
        var bucket = Assert.Single(error.Usage.BusinessUseCases);
        Assert.Equal("1353269864728879", bucket.BusinessId);
        Assert.Equal("pages", bucket.Type);
        Assert.Equal(100, bucket.CallCount);
        Assert.Equal(100, error.Usage.MaxPercent);
        Assert.Equal(9.67, error.Usage.AdAccount!.UtilizationPercent);
        Assert.Equal("standard_access", error.Usage.AdAccount.AccessTier);
    }

    [Fact]
    public async Task Retry_After_header_wins_over_usage_estimates()
    {
        _host.On(HttpMethod.Get, "debug_token", _ =>
        {
            var response = GraphTestHost.Json(Error(4), HttpStatusCode.BadRequest);
            response.Headers.Add("Retry-After", "42");
            response.Headers.Add("X-Business-Use-Case-Usage", """{"1":[{"type":"pages","call_count":100,"estimated_time_to_regain_access":19}]}""");
            return response;
        });

        var error = await Assert.ThrowsAsync<GraphRateLimitException>(() => _host.Client.DebugTokenAsync(LongLivedToken));

        Assert.Equal(TimeSpan.FromSeconds(42), error.RetryAfter);
    }

    [Fact]
    public async Task Malformed_usage_headers_do_not_hide_the_error()
    {
        _host.On(HttpMethod.Get, "debug_token", _ =>
        {
            var response = GraphTestHost.Json(Error(17), HttpStatusCode.BadRequest);
            response.Headers.Add("X-App-Usage", "{not json");
            return response;
        });

        var error = await Assert.ThrowsAsync<GraphRateLimitException>(() => _host.Client.DebugTokenAsync(LongLivedToken));

        Assert.Null(error.Usage);
    }

    [Theory]
    [InlineData(100, HttpStatusCode.BadRequest)]
    [InlineData(10, HttpStatusCode.Forbidden)]
    [InlineData(200, HttpStatusCode.Forbidden)]
    [InlineData(368, HttpStatusCode.BadRequest)]
    [InlineData(1, HttpStatusCode.InternalServerError)]
    public async Task Other_errors_are_GraphApiException_with_status_and_trace(int code, HttpStatusCode status)
    {
        _host.On(HttpMethod.Post, "oauth/access_token", Error(code, type: "GraphMethodException", trace: "Trace" + code), status);

        var error = await Assert.ThrowsAsync<GraphApiException>(() => _host.Client.GetAppAccessTokenAsync());

        Assert.Equal(typeof(GraphApiException), error.GetType());
        Assert.Equal(status, error.StatusCode);
        Assert.Equal(code, error.Code);
        Assert.Equal("Trace" + code, error.FbTraceId);
        Assert.Equal("GraphMethodException", error.ErrorType);
    }

    [Theory]
    [InlineData(2, false, HttpStatusCode.BadRequest, true)]
    [InlineData(1, null, HttpStatusCode.InternalServerError, true)]
    [InlineData(1, false, HttpStatusCode.BadRequest, false)]
    [InlineData(1, true, HttpStatusCode.BadRequest, true)]
    [InlineData(341, null, HttpStatusCode.BadRequest, true)]
    [InlineData(100, true, HttpStatusCode.BadRequest, true)]
    [InlineData(100, false, HttpStatusCode.BadRequest, false)]
    [InlineData(100, null, HttpStatusCode.BadRequest, false)]
    public async Task IsTransient_comes_from_the_flag_or_the_code(int code, bool? flag, HttpStatusCode status, bool expected)
    {
        _host.On(HttpMethod.Post, "oauth/access_token", Error(code, transient: flag), status);

        var error = await Assert.ThrowsAnyAsync<GraphApiException>(() => _host.Client.GetAppAccessTokenAsync());

        Assert.Equal(expected, error.IsTransient);
    }

    [Fact]
    public async Task A_transient_auth_error_does_not_require_reauthentication()
    {
        _host.On(HttpMethod.Get, "debug_token", Error(190, transient: true), HttpStatusCode.BadRequest);

        var error = await Assert.ThrowsAsync<GraphAuthException>(() => _host.Client.DebugTokenAsync(LongLivedToken));

        Assert.False(error.RequiresReauthentication);
    }

    [Theory]
    [InlineData("<html><body>502 Bad Gateway</body></html>", "text/html", HttpStatusCode.BadGateway)]
    [InlineData("", "application/json", HttpStatusCode.BadRequest)]
    [InlineData("{\"error\":{\"message\":\"trunc", "application/json", HttpStatusCode.BadRequest)]
    [InlineData("{\"unexpected\":true}", "application/json", HttpStatusCode.Forbidden)]
    public async Task A_body_that_is_not_the_error_envelope_is_a_protocol_error_with_the_status(string body, string mediaType, HttpStatusCode status)
    {
        _host.On(HttpMethod.Post, "oauth/access_token", _ => new HttpResponseMessage(status) { Content = new StringContent(body, System.Text.Encoding.UTF8, mediaType) });

        var error = await Assert.ThrowsAsync<GraphProtocolException>(() => _host.Client.GetAppAccessTokenAsync());

        Assert.Equal(status, error.StatusCode);
    }

    [Theory]
    [InlineData("<html><body>Sorry, something went wrong.</body></html>")]
    [InlineData("{\"access_token\":\"EAAGm0PX4ZCps")]
    [InlineData("")]
    public async Task A_success_body_that_is_not_json_is_a_protocol_error(string body)
    {
        _host.On(HttpMethod.Post, "oauth/access_token", _ => new HttpResponseMessage(HttpStatusCode.OK) { Content = new StringContent(body) });

        var error = await Assert.ThrowsAsync<GraphProtocolException>(() => _host.Client.ExchangeForLongLivedTokenAsync(ShortLivedToken));

        Assert.Equal(HttpStatusCode.OK, error.StatusCode);
    }

    [Fact]
    public async Task Values_the_request_carried_are_masked_when_Graph_echoes_them()
    {
        var echo = $"Invalid code {Code} for secret {GraphTestHost.AppSecret}";
        _host.On(HttpMethod.Post, "oauth/access_token", Error(100, message: echo), HttpStatusCode.BadRequest);

        var error = await Assert.ThrowsAsync<GraphApiException>(() => _host.Client.ExchangeCodeAsync(Code, new Uri("https://app.example.com/cb")));

        var printed = error.ToString() + error.Error;
        Assert.DoesNotContain(Code, printed);
        Assert.DoesNotContain(GraphTestHost.AppSecret, printed);
        Assert.Contains("Invalid code ***", error.Message);
    }
}
