using System.Net;
using FbTokens.Testing.Tests.Framework;

namespace FbTokens.Testing.Tests;

/// <summary>The FbTokens client against the Kestrel-hosted emulator over real HTTP on loopback.</summary>
public sealed class ClientIntegrationTests
{
    private static readonly Uri Redirect = EmulatorHost.RedirectUri;

    [Fact]
    public async Task Every_flow_works_end_to_end()
    {
        await using var harness = await ClientHarness.StartAsync(configureClient: o => o.PageSize = 4);
        var emulator = harness.Emulator;
        var user = emulator.CreateTestUser();
        var pages = emulator.CreatePages(user.Id, 10);

        var shortLived = await harness.Client.ExchangeCodeAsync(emulator.CreateAuthorizationCode(user.Id, Redirect), Redirect);
        Assert.InRange(shortLived.ExpiresIn!.Value, TimeSpan.FromHours(1), TimeSpan.FromHours(2));

        var longLived = await harness.Client.ExchangeForLongLivedTokenAsync(shortLived.AccessToken);
        Assert.Equal(TimeSpan.FromSeconds(5183944), longLived.ExpiresIn);

        var pageTokens = await harness.Client.GetPageTokensAsync(user.Id, longLived.AccessToken).ToListAsync();
        Assert.Equal(pages.Select(p => p.Id), pageTokens.Select(p => p.Id));
        Assert.Equal(3, emulator.GetCallCount(GraphEndpoint.Accounts));
        Assert.All(pageTokens, p => Assert.Equal("Brand", p.Category));

        var clientCode = await harness.Client.GetClientCodeAsync(longLived.AccessToken, Redirect);
        var redeemed = await harness.Client.RedeemClientCodeAsync(clientCode.Code, Redirect);
        Assert.NotNull(redeemed.MachineId);
        var again = await harness.Client.RedeemClientCodeAsync((await harness.Client.GetClientCodeAsync(longLived.AccessToken, Redirect)).Code, Redirect, redeemed.MachineId);
        Assert.Equal(redeemed.MachineId, again.MachineId);

        var debugPage = await harness.Client.DebugTokenAsync(pageTokens[0].AccessToken);
        Assert.True(debugPage.IsValid);
        Assert.Equal("PAGE", debugPage.Type);
        Assert.Null(debugPage.ExpiresAt);
        Assert.Equal(pages[0].Id, debugPage.ProfileId);

        var debugUser = await harness.Client.DebugTokenAsync(longLived.AccessToken);
        Assert.Equal(user.Id, debugUser.UserId);
        Assert.Equal(harness.Time.GetUtcNow().AddSeconds(5183944), debugUser.ExpiresAt);

        var appToken = await harness.Client.GetAppAccessTokenAsync();
        Assert.Null(appToken.ExpiresIn);
        Assert.Equal("APP", (await harness.Client.DebugTokenAsync(appToken.AccessToken)).Type);
    }

    [Fact]
    public async Task The_client_sends_a_valid_appsecret_proof_to_an_app_that_requires_it()
    {
        await using var harness = await ClientHarness.StartAsync(o => o.RequireAppSecretProof = true);
        var (user, longLived) = await harness.LoggedInUserAsync();
        harness.Emulator.CreatePages(user.Id, 2);

        Assert.Equal(2, (await harness.Client.GetPageTokensAsync("me", longLived.AccessToken).ToListAsync()).Count);
    }

    [Fact]
    public async Task Without_appsecret_proof_a_requiring_app_answers_with_graphs_error()
    {
        await using var harness = await ClientHarness.StartAsync(o => o.RequireAppSecretProof = true, o => o.UseAppSecretProof = false);
        var (user, longLived) = await harness.LoggedInUserAsync();

        var error = await Assert.ThrowsAsync<GraphApiException>(async () => await harness.Client.GetPageTokensAsync(user.Id, longLived.AccessToken).ToListAsync());
        Assert.Equal(100, error.Code);
        Assert.Equal("GraphMethodException", error.ErrorType);
    }

    [Theory]
    [InlineData(TokenInvalidationReason.Expired, TokenErrorReason.Expired)]
    [InlineData(TokenInvalidationReason.PasswordChanged, TokenErrorReason.PasswordChanged)]
    [InlineData(TokenInvalidationReason.InvalidAccessToken, TokenErrorReason.InvalidAccessToken)]
    [InlineData(TokenInvalidationReason.AppNotInstalled, TokenErrorReason.AppNotInstalled)]
    [InlineData(TokenInvalidationReason.UserCheckpointed, TokenErrorReason.UserCheckpointed)]
    public async Task An_invalidated_token_is_a_GraphAuthException_with_its_reason(TokenInvalidationReason invalidation, TokenErrorReason expected)
    {
        await using var harness = await ClientHarness.StartAsync();
        var (user, longLived) = await harness.LoggedInUserAsync();
        harness.Emulator.InvalidateUserTokens(user.Id, invalidation);

        var error = await Assert.ThrowsAsync<GraphAuthException>(async () => await harness.Client.GetPageTokensAsync(user.Id, longLived.AccessToken).ToListAsync());
        Assert.Equal(expected, error.Reason);
        Assert.True(error.RequiresReauthentication);
        Assert.Equal(HttpStatusCode.BadRequest, error.StatusCode);
        Assert.DoesNotContain(longLived.AccessToken, error.ToString(), StringComparison.Ordinal);

        var debug = await harness.Client.DebugTokenAsync(longLived.AccessToken);
        Assert.False(debug.IsValid);
        Assert.Equal(expected, debug.Error!.Reason);
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task The_client_sees_whether_a_re_exchange_moved_the_expiry(bool extends)
    {
        await using var harness = await ClientHarness.StartAsync(o => o.LongLivedExchangeExtends = extends);
        var (_, longLived) = await harness.LoggedInUserAsync();
        harness.Time.Advance(TimeSpan.FromDays(53));

        var again = await harness.Client.ExchangeForLongLivedTokenAsync(longLived.AccessToken);

        // ExpiresAt is computed from expires_in on the client's clock (the harness's client runs on the system clock).
        var moved = again.ExpiresIn!.Value - longLived.ExpiresIn!.Value;
        Assert.Equal(extends ? TimeSpan.Zero : -TimeSpan.FromDays(53), moved);
        Assert.Equal(extends, again.AccessToken != longLived.AccessToken);
    }

    [Fact]
    public async Task The_client_renews_a_60_day_system_user_token_and_the_new_one_outlives_the_old()
    {
        await using var harness = await ClientHarness.StartAsync();
        var systemUser = harness.Emulator.CreateSystemUser(tokenExpiresIn60Days: true);
        var oldExpiry = harness.Emulator.FindToken(systemUser.AccessToken)!.ExpiresAt!.Value;
        harness.Time.Advance(TimeSpan.FromDays(45));

        var renewed = await harness.Client.RenewSystemUserTokenAsync(systemUser.AccessToken);

        Assert.NotEqual(systemUser.AccessToken, renewed.AccessToken);
        Assert.Equal(TimeSpan.FromSeconds(5183944), renewed.ExpiresIn);
        var token = harness.Emulator.FindToken(renewed.AccessToken)!;
        Assert.Equal(EmulatedTokenKind.SystemUser, token.Kind);
        Assert.Equal(oldExpiry.AddDays(45), token.ExpiresAt);
        var debug = await harness.Client.DebugTokenAsync(renewed.AccessToken);
        Assert.Equal("SYSTEM_USER", debug.Type);
        Assert.Null(debug.DataAccessExpiresAt);

        // Past the old token's 60 days it is forfeited: renewing it is an auth error; the new one still renews.
        harness.Time.Advance(TimeSpan.FromDays(16));
        var error = await Assert.ThrowsAsync<GraphAuthException>(() => harness.Client.RenewSystemUserTokenAsync(systemUser.AccessToken));
        Assert.Equal(TokenErrorReason.Expired, error.Reason);
        Assert.NotEqual(renewed.AccessToken, (await harness.Client.RenewSystemUserTokenAsync(renewed.AccessToken)).AccessToken);
    }

    [Fact]
    public async Task Renewing_a_non_expiring_system_user_token_gives_it_back_without_an_expiry()
    {
        await using var harness = await ClientHarness.StartAsync();
        var systemUser = harness.Emulator.CreateSystemUser();

        var answer = await harness.Client.RenewSystemUserTokenAsync(systemUser.AccessToken);

        Assert.Equal(systemUser.AccessToken, answer.AccessToken);
        Assert.Null(answer.ExpiresAt);
        Assert.Null((await harness.Client.DebugTokenAsync(systemUser.AccessToken)).ExpiresAt);
    }

    [Fact]
    public async Task A_token_past_60_days_cannot_be_exchanged()
    {
        await using var harness = await ClientHarness.StartAsync();
        var (_, longLived) = await harness.LoggedInUserAsync();
        harness.Time.Advance(TimeSpan.FromDays(61));

        var error = await Assert.ThrowsAsync<GraphAuthException>(() => harness.Client.ExchangeForLongLivedTokenAsync(longLived.AccessToken));
        Assert.Equal(TokenErrorReason.Expired, error.Reason);
    }

    [Fact]
    public async Task A_spent_login_code_is_a_GraphApiException_and_is_not_retried()
    {
        await using var harness = await ClientHarness.StartAsync();
        var user = harness.Emulator.CreateTestUser();
        var code = harness.Emulator.CreateAuthorizationCode(user.Id, Redirect);
        await harness.Client.ExchangeCodeAsync(code, Redirect);
        harness.Emulator.ResetCallCounts();

        var error = await Assert.ThrowsAsync<GraphApiException>(() => harness.Client.ExchangeCodeAsync(code, Redirect));
        Assert.Equal(100, error.Code);
        Assert.Equal(36009, error.Subcode);
        Assert.Equal(1, harness.Emulator.GetCallCount(GraphEndpoint.AccessToken));
    }

    [Theory]
    [InlineData(4)]
    [InlineData(613)]
    public async Task An_app_throttle_is_a_GraphRateLimitException_with_retry_after_and_usage(int code)
    {
        await using var harness = await ClientHarness.StartAsync();
        var (_, longLived) = await harness.LoggedInUserAsync();
        harness.Emulator.Faults.RateLimitApp(harness.Emulator.DefaultApp.AppId, TimeSpan.FromMinutes(5), code);

        var error = await Assert.ThrowsAsync<GraphRateLimitException>(() => harness.Client.DebugTokenAsync(longLived.AccessToken));
        Assert.Equal(code, error.Code);
        Assert.Equal(TimeSpan.FromMinutes(5), error.RetryAfter);
        Assert.Equal(100, error.Usage!.App!.CallCount);
    }

    [Fact]
    public async Task A_user_throttle_is_a_GraphRateLimitException()
    {
        await using var harness = await ClientHarness.StartAsync();
        var (user, longLived) = await harness.LoggedInUserAsync();
        harness.Emulator.Faults.RateLimitUser(user.Id, TimeSpan.FromMinutes(1));

        var error = await Assert.ThrowsAsync<GraphRateLimitException>(async () => await harness.Client.GetPageTokensAsync(user.Id, longLived.AccessToken).ToListAsync());
        Assert.Equal(17, error.Code);
        Assert.Equal(TimeSpan.FromMinutes(1), error.RetryAfter);
    }

    [Fact]
    public async Task A_business_use_case_throttle_gives_retry_after_from_estimated_time_to_regain_access()
    {
        await using var harness = await ClientHarness.StartAsync();
        var (user, longLived) = await harness.LoggedInUserAsync();
        harness.Emulator.Faults.RateLimitUser(user.Id, TimeSpan.FromMinutes(12), code: 80004, sendRetryAfter: false);

        var error = await Assert.ThrowsAsync<GraphRateLimitException>(() => harness.Client.GetClientCodeAsync(longLived.AccessToken, Redirect));
        Assert.Equal(80004, error.Code);
        Assert.Equal(TimeSpan.FromMinutes(12), error.RetryAfter);
        var bucket = Assert.Single(error.Usage!.BusinessUseCases);
        Assert.Equal("ads_management", bucket.Type);
    }

    [Theory]
    [InlineData(EmulatorFault.TransientError)]
    [InlineData(EmulatorFault.InternalServerError)]
    [InlineData(EmulatorFault.ServiceUnavailable)]
    [InlineData(EmulatorFault.ConnectionReset)]
    public async Task Transient_failures_are_retried_by_the_pipeline(EmulatorFault fault)
    {
        await using var harness = await ClientHarness.StartAsync();
        var (_, longLived) = await harness.LoggedInUserAsync();
        harness.Emulator.ResetCallCounts();
        harness.Emulator.Faults.FailNext(2, fault, GraphEndpoint.DebugToken);

        var debug = await harness.Client.DebugTokenAsync(longLived.AccessToken);

        Assert.True(debug.IsValid);
        Assert.Equal(3, harness.Emulator.GetCallCount(GraphEndpoint.DebugToken));
    }

    [Fact]
    public async Task Persistent_transient_errors_surface_as_a_transient_GraphApiException()
    {
        await using var harness = await ClientHarness.StartAsync();
        var (_, longLived) = await harness.LoggedInUserAsync();
        harness.Emulator.Faults.FailNext(10, EmulatorFault.TransientError);

        var error = await Assert.ThrowsAsync<GraphApiException>(() => harness.Client.DebugTokenAsync(longLived.AccessToken));
        Assert.True(error.IsTransient);
        Assert.Equal(2, error.Code);
    }

    [Theory]
    [InlineData(EmulatorFault.HtmlBody)]
    [InlineData(EmulatorFault.TruncatedBody)]
    [InlineData(EmulatorFault.EmptyBody)]
    public async Task Bodies_that_are_not_graphs_are_a_GraphProtocolException(EmulatorFault fault)
    {
        await using var harness = await ClientHarness.StartAsync();
        var (_, longLived) = await harness.LoggedInUserAsync();
        harness.Emulator.Faults.FailNext(1, fault);

        var error = await Assert.ThrowsAsync<GraphProtocolException>(() => harness.Client.DebugTokenAsync(longLived.AccessToken));
        Assert.Equal(HttpStatusCode.OK, error.StatusCode);
    }

    [Fact]
    public async Task A_reset_during_a_code_exchange_is_an_HttpRequestException_and_is_not_retried()
    {
        await using var harness = await ClientHarness.StartAsync();
        var user = harness.Emulator.CreateTestUser();
        var code = harness.Emulator.CreateAuthorizationCode(user.Id, Redirect);
        harness.Emulator.Faults.FailNext(5, EmulatorFault.ConnectionReset, GraphEndpoint.AccessToken);

        await Assert.ThrowsAsync<HttpRequestException>(() => harness.Client.ExchangeCodeAsync(code, Redirect));
        Assert.Equal(1, harness.Emulator.GetCallCount(GraphEndpoint.AccessToken));
    }

    [Fact]
    public async Task Persistent_resets_surface_as_HttpRequestException()
    {
        await using var harness = await ClientHarness.StartAsync();
        var (_, longLived) = await harness.LoggedInUserAsync();
        harness.Emulator.Faults.FailNext(10, EmulatorFault.ConnectionReset);

        await Assert.ThrowsAsync<HttpRequestException>(() => harness.Client.DebugTokenAsync(longLived.AccessToken));
    }

    [Fact]
    public async Task Latency_on_the_fake_clock_delays_the_answer_until_time_moves()
    {
        await using var harness = await ClientHarness.StartAsync();
        var (_, longLived) = await harness.LoggedInUserAsync();
        harness.Emulator.Faults.SetLatency(TimeSpan.FromSeconds(3));

        harness.Emulator.ResetCallCounts();
        var call = harness.Client.DebugTokenAsync(longLived.AccessToken);
        var advanced = await FakeClock.AdvanceUntilCompletedAsync(harness.Time, call, () => harness.Emulator.GetCallCount(GraphEndpoint.DebugToken) > 0, TimeSpan.FromMilliseconds(500));

        Assert.True((await call).IsValid);
        Assert.True(advanced >= TimeSpan.FromSeconds(3));
    }

    [Fact]
    public async Task The_in_memory_handler_plugs_into_the_fbtokens_builder()
    {
        var emulator = new GraphTokenEmulator();
        var services = new Microsoft.Extensions.DependencyInjection.ServiceCollection();
        services.AddFbTokens(_ => { }).UseGraphTokenEmulator(emulator);
        await using var provider = Microsoft.Extensions.DependencyInjection.ServiceCollectionContainerBuilderExtensions.BuildServiceProvider(services);
        var client = Microsoft.Extensions.DependencyInjection.ServiceProviderServiceExtensions.GetRequiredService<IGraphTokenClient>(provider);
        var user = emulator.CreateTestUser();

        var longLived = await client.ExchangeForLongLivedTokenAsync(user.AccessToken);

        Assert.True(emulator.FindToken(longLived.AccessToken)!.IsLongLived);
        Assert.Equal(1, emulator.GetCallCount(GraphEndpoint.AccessToken));
    }
}
