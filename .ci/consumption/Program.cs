// The consumption test's app (see .ci/consumption-test.sh): runs the token flows through the packed packages against
// the packed emulator, in memory, then serves the same emulator on loopback for the packed fbtokens tool until the
// script creates the stop file named by the first argument.
using System.Security.Claims;
using FbTokens;
using FbTokens.Testing;
using Microsoft.AspNetCore.Authentication.OAuth;
using Microsoft.Extensions.DependencyInjection;

if (args.Length != 1)
{
    Console.Error.WriteLine("usage: Consumer <stop-file>");
    return 2;
}

await using var emulator = new GraphTokenEmulator();
var user = emulator.CreateTestUser("Consumption Test User");
emulator.CreatePages(user.Id, 3);

var services = new ServiceCollection();
services.AddFbTokens(o =>
    {
        o.AppId = emulator.DefaultApp.AppId;
        o.AppSecret = emulator.DefaultApp.AppSecret;
        o.PageSize = 2; // 3 pages over 2 requests: cursor paging is exercised.
    })
    .UseGraphTokenEmulator(emulator);
await using var provider = services.BuildServiceProvider();
var graph = provider.GetRequiredService<IGraphTokenClient>();

var longLived = await graph.ExchangeForLongLivedTokenAsync(user.AccessToken);
var pages = new List<PageTokenResponse>();
await foreach (var page in graph.GetPageTokensAsync(user.Id, longLived.AccessToken))
{
    pages.Add(page);
}

var info = await graph.DebugTokenAsync(longLived.AccessToken);
var app = await graph.GetAppAccessTokenAsync();

Require(longLived.AccessToken != user.AccessToken, "the long-lived token replaces the short-lived one");
Require(pages.Count == 3, $"3 page tokens (got {pages.Count})");
Require(info.IsValid && info.UserId == user.Id && info.Type == "USER", "debug_token reports a valid user token of the test user");
Require(!string.IsNullOrEmpty(app.AccessToken), "an app token");
Require(!longLived.ToString().Contains(longLived.AccessToken, StringComparison.Ordinal), "ToString() masks the token");

// FbTokens.AspNetCore from its package: the sign-in opt-in on an OAuth handler's options, and the signed-in user's token
// read from a principal through the token manager.
var web = new ServiceCollection();
web.AddLogging();
web.AddFbTokens(o =>
    {
        o.AppId = emulator.DefaultApp.AppId;
        o.AppSecret = emulator.DefaultApp.AppSecret;
    })
    .UseGraphTokenEmulator(emulator)
    .AddTokenManager();
await using (var webProvider = web.BuildServiceProvider())
{
    var oauth = new OAuthOptions().SaveFbTokens(includePageTokens: true);
    var manager = webProvider.GetRequiredService<IGraphTokenManager>();
    await manager.SaveUserTokenAsync(emulator.IssueUserToken(user.Id, longLived: true));
    var principal = new ClaimsPrincipal(new ClaimsIdentity([new Claim(ClaimTypes.NameIdentifier, user.Id)], "consumer"));
    var mine = await manager.GetFacebookUserTokenAsync(principal);
    Require(oauth.Events is not null && mine.Succeeded && mine.UserId == user.Id, "FbTokens.AspNetCore finds the signed-in user's stored token");
}

Console.WriteLine($"in-memory flow: ok (long-lived token, {pages.Count} page tokens, debug_token valid, app token, AspNetCore user token)");

// The same emulator (same users and tokens) on loopback, for the tool.
var baseAddress = await emulator.StartServerAsync();
Console.WriteLine($"EMULATOR {baseAddress.AbsoluteUri} {emulator.DefaultApp.AppId} {emulator.DefaultApp.AppSecret} {longLived.AccessToken} {user.Id}");

var stopFile = args[0];
var deadline = DateTime.UtcNow.AddMinutes(3); // never outlive a broken script
while (!File.Exists(stopFile))
{
    if (DateTime.UtcNow > deadline)
    {
        Console.Error.WriteLine("The stop file never appeared.");
        return 1;
    }

    await Task.Delay(100);
}

Console.WriteLine("emulator stopped");
return 0;

static void Require(bool condition, string what)
{
    if (!condition)
    {
        throw new InvalidOperationException("Consumption check failed: " + what);
    }
}
