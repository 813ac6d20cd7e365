using FbTokens.Tests.Framework;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using static FbTokens.Tests.Framework.GraphPayloads;

namespace FbTokens.Tests.Client;

/// <summary>
/// <see cref="FbTokensOptions.SendAccessTokenInHeader"/>: on GET reads the caller's credential travels in
/// <c>Authorization: Bearer</c> by default, or as the <c>access_token</c> query parameter when the switch is off;
/// <c>appsecret_proof</c> and <c>debug_token</c>'s <c>input_token</c> are parameters either way, and POSTs keep the
/// credential in the form.
/// </summary>
[Collection(TelemetryTestGroup.Name)]
public sealed class AccessTokenPlacementTests
{
    private const string UserId = "1207059";
    private const string AppToken = GraphTestHost.AppId + "|" + GraphTestHost.AppSecret;

    [Fact]
    public void The_switch_is_on_by_default_and_binds_from_FbTokens_SendAccessTokenInHeader()
    {
        Assert.True(new FbTokensOptions().SendAccessTokenInHeader);

        var configuration = new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["FbTokens:AppId"] = GraphTestHost.AppId,
            ["FbTokens:AppSecret"] = GraphTestHost.AppSecret,
            ["FbTokens:SendAccessTokenInHeader"] = "false",
        }).Build();
        var services = new ServiceCollection();
        services.AddFbTokens(configuration.GetSection("FbTokens"));
        using var provider = services.BuildServiceProvider();

        Assert.False(provider.GetRequiredService<IOptions<FbTokensOptions>>().Value.SendAccessTokenInHeader);
    }

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public async Task Accounts_send_the_user_token_where_the_switch_says_with_the_proof_as_a_parameter(bool inHeader)
    {
        using var host = new GraphTestHost(o => o.SendAccessTokenInHeader = inHeader);
        var next = GraphTestHost.Base + UserId + "/accounts?access_token=STALE&limit=1&after=CURSOR2";
        host.On(HttpMethod.Get, UserId + "/accounts", request => GraphTestHost.Json(request.Query.ContainsKey("after")
            ? Accounts([PageJson("2", "B")], "CURSOR3")
            : Accounts([PageJson("1", "A")], "CURSOR2", next)));

        var pages = await host.Client.GetPageTokensAsync(UserId, LongLivedToken).ToListAsync();

        Assert.Equal(2, pages.Count);
        Assert.Equal(2, host.Requests.Count);
        Assert.All(host.Requests, request =>
        {
            Assert.Equal(inHeader ? "Bearer " + LongLivedToken : null, request.Authorization);
            Assert.Equal(inHeader ? null : LongLivedToken, request.Query.GetValueOrDefault("access_token"));
            Assert.Equal(TokenOperationTests.Proof(LongLivedToken), request.Query["appsecret_proof"]);
        });
    }

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public async Task Debug_token_sends_the_app_token_where_the_switch_says_and_the_input_token_as_a_parameter(bool inHeader)
    {
        using var host = new GraphTestHost(o => o.SendAccessTokenInHeader = inHeader);
        host.On(HttpMethod.Get, "debug_token", DebugValid);

        Assert.True((await host.Client.DebugTokenAsync(LongLivedToken)).IsValid);

        var request = Assert.Single(host.Requests);
        Assert.Equal(inHeader ? "Bearer " + AppToken : null, request.Authorization);
        Assert.Equal(inHeader ? null : AppToken, request.Query.GetValueOrDefault("access_token"));
        Assert.Equal(LongLivedToken, request.Query["input_token"]);
        Assert.DoesNotContain("appsecret_proof", request.Query.Keys);
    }

    [Fact]
    public async Task Posts_keep_the_credential_in_the_form_whatever_the_switch()
    {
        using var host = new GraphTestHost(o => o.SendAccessTokenInHeader = false);
        host.On(HttpMethod.Post, "oauth/client_code", ClientCodeJson);

        await host.Client.GetClientCodeAsync(LongLivedToken, new Uri("https://app.example.com/cb"));

        var request = Assert.Single(host.Requests);
        Assert.Null(request.Authorization);
        Assert.Empty(request.Query);
        Assert.Equal(LongLivedToken, request.Form["access_token"]);
    }

    [Fact]
    public async Task With_the_switch_off_the_token_in_the_query_reaches_no_log_trace_or_metric()
    {
        using var capture = new TelemetryCapture();
        using var host = new GraphTestHost(
            o => o.SendAccessTokenInHeader = false,
            fb =>
            {
                fb.Services.AddLogging(l => l.SetMinimumLevel(LogLevel.Trace).AddProvider(capture));
                fb.HttpClientBuilder.AddDefaultLogger();
            });
        host.On(HttpMethod.Get, UserId + "/accounts", Accounts([Page]));
        host.On(HttpMethod.Get, "debug_token", DebugValid);

        await host.Client.GetPageTokensAsync(UserId, LongLivedToken).ToListAsync();
        await host.Client.DebugTokenAsync(PageToken);

        Assert.Contains(host.Requests, r => r.Query.ContainsKey("access_token"));
        Assert.NotEmpty(capture.Logs);
        var text = string.Join("\n", capture.AllText());
        foreach (var secret in new[] { LongLivedToken, PageToken, GraphTestHost.AppSecret, Uri.EscapeDataString(AppToken), TokenOperationTests.Proof(LongLivedToken) })
        {
            Assert.DoesNotContain(secret, text, StringComparison.Ordinal);
        }
    }
}
