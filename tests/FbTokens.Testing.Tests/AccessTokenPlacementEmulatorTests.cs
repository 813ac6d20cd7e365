using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;

namespace FbTokens.Testing.Tests;

/// <summary>
/// <c>FbTokens:SendAccessTokenInHeader</c> both ways against the in-memory emulator: <c>/accounts</c> (paged, with a
/// required <c>appsecret_proof</c>) and <c>debug_token</c> work whether the caller's credential travels in the
/// <c>Authorization: Bearer</c> header or as the <c>access_token</c> parameter, and it travels only where the switch says.
/// </summary>
public sealed class AccessTokenPlacementEmulatorTests
{
    [Theory]
    [InlineData(null, true)]
    [InlineData("true", true)]
    [InlineData("false", false)]
    public async Task Accounts_and_debug_token_work_with_the_credential_where_the_switch_puts_it(string? setting, bool inHeader)
    {
        await using var emulator = new GraphTokenEmulator();
        var app = emulator.AddApp(requireAppSecretProof: true);
        var values = new Dictionary<string, string?>
        {
            ["FbTokens:AppId"] = app.AppId,
            ["FbTokens:AppSecret"] = app.AppSecret,
            ["FbTokens:PageSize"] = "2",
        };
        if (setting is not null)
        {
            values["FbTokens:SendAccessTokenInHeader"] = setting;
        }

        var recorder = new Recorder();
        var services = new ServiceCollection();
        services.AddFbTokens(new ConfigurationBuilder().AddInMemoryCollection(values).Build().GetSection("FbTokens"))
            .UseGraphTokenEmulator(emulator)
            .HttpClientBuilder.AddHttpMessageHandler(() => recorder);
        await using var provider = services.BuildServiceProvider();
        var client = provider.GetRequiredService<IGraphTokenClient>();
        var user = emulator.CreateTestUser(appId: app.AppId);
        var pages = emulator.CreatePages(user.Id, 3);
        var userToken = emulator.IssueUserToken(user.Id);

        var read = await client.GetPageTokensAsync(user.Id, userToken).ToListAsync();
        var debug = await client.DebugTokenAsync(userToken);

        Assert.Equal(pages.Select(p => p.Id), read.Select(p => p.Id));
        Assert.True(debug.IsValid);
        Assert.Equal(user.Id, debug.UserId);
        var appToken = app.AppId + "|" + app.AppSecret;
        Assert.Equal(3, recorder.Seen.Count);
        Assert.All(recorder.Seen, seen =>
        {
            var credential = seen.Path.EndsWith("/debug_token", StringComparison.Ordinal) ? appToken : userToken;
            Assert.Equal(inHeader ? "Bearer " + credential : null, seen.Authorization);
            Assert.Equal(inHeader ? null : credential, seen.AccessTokenParameter);
        });
    }

    private sealed record Seen(string Path, string? Authorization, string? AccessTokenParameter);

    /// <summary>Notes where each request carried its credential, then passes it on to the emulator.</summary>
    private sealed class Recorder : DelegatingHandler
    {
        public List<Seen> Seen { get; } = [];

        protected override Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
        {
            string? parameter = null;
            foreach (var part in request.RequestUri!.Query.TrimStart('?').Split('&', StringSplitOptions.RemoveEmptyEntries))
            {
                if (part.StartsWith("access_token=", StringComparison.Ordinal))
                {
                    parameter = Uri.UnescapeDataString(part["access_token=".Length..]);
                }
            }

            lock (Seen)
            {
                Seen.Add(new(request.RequestUri.AbsolutePath, request.Headers.Authorization?.ToString(), parameter));
            }

            return base.SendAsync(request, cancellationToken);
        }
    }
}
