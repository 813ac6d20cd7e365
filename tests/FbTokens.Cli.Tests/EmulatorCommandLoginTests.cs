using System.Net;
using System.Text.Json;
using FbTokens.Cli.Tests.Framework;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;

namespace FbTokens.Cli.Tests;

/// <summary>
/// 'fbtokens emulator' for an app in another process: the Login dialog, registered redirect URIs, a code minted at
/// start and through POST /_emulator/codes, and app removal reaching the registered deauthorize URL.
/// </summary>
public sealed class EmulatorCommandLoginTests
{
    private const string Redirect = "https://app.example.com/signin-facebook";

    [Fact]
    public async Task The_emulator_command_mints_codes_serves_the_dialog_and_simulates_app_removal()
    {
        var received = new List<string>();
        await using var receiver = await StartReceiverAsync(received);
        var deauthorize = new Uri(receiver.Urls.First() + "/facebook/deauthorize");
        using var stop = new CancellationTokenSource();
        var stdout = new LineSignalWriter(line => line.StartsWith('{'));
        using var stderr = new StringWriter();
        var host = new CliHost { UseUserSecrets = false, Environment = new Dictionary<string, string?>(), TimeZone = TimeZoneInfo.Utc };
        var running = CliApp.RunAsync(
            ["emulator", "--pages", "0", "--json", "--redirect-uri", Redirect, "--deauthorize-url", deauthorize.AbsoluteUri, "--mint-code", Redirect],
            stdout, stderr, host, stop.Token);

        var json = JsonDocument.Parse(await stdout.Matched.WaitAsync(TimeSpan.FromSeconds(30))).RootElement;
        var appId = json.GetProperty("appId").GetString()!;
        var appSecret = json.GetProperty("appSecret").GetString()!;
        var userId = json.GetProperty("userId").GetString()!;
        var admin = new Uri(json.GetProperty("adminRoutes").GetString()!);
        var dialog = new Uri(json.GetProperty("loginDialog").GetString()!);
        using var http = new HttpClient(new SocketsHttpHandler { AllowAutoRedirect = false }) { BaseAddress = new Uri(json.GetProperty("baseAddress").GetString()!) };

        // The code minted at start redeems, with the app secret, for a token of the test user.
        var redeemed = await RedeemAsync(http, appId, appSecret, json.GetProperty("code").GetString()!);
        Assert.Equal(HttpStatusCode.OK, redeemed.StatusCode);
        var token = JsonDocument.Parse(await redeemed.Content.ReadAsStringAsync()).RootElement.GetProperty("access_token").GetString()!;

        // More codes through the admin route.
        using var minted = await http.PostAsync(new Uri(admin, "codes"), new FormUrlEncodedContent([new("redirect_uri", Redirect)]));
        var mintedJson = JsonDocument.Parse(await minted.Content.ReadAsStringAsync()).RootElement;
        Assert.Equal(userId, mintedJson.GetProperty("user_id").GetString());
        Assert.Equal(HttpStatusCode.OK, (await RedeemAsync(http, appId, appSecret, mintedJson.GetProperty("code").GetString()!)).StatusCode);

        // The dialog serves the consent page for the registered redirect URI only.
        using var page = await http.GetAsync(dialog + $"?client_id={appId}&redirect_uri={Uri.EscapeDataString(Redirect)}&state=s");
        using var blocked = await http.GetAsync(dialog + $"?client_id={appId}&redirect_uri={Uri.EscapeDataString("https://other.example.com/cb")}");
        Assert.Equal(HttpStatusCode.OK, page.StatusCode);
        Assert.Contains("fbtokens-allow", await page.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.BadRequest, blocked.StatusCode);

        // App removal: the signed_request reaches the registered URL and the user's token stops working (458).
        using var removed = await http.PostAsync(new Uri(admin, $"apps/{appId}/users/{userId}/remove"), null);
        var removedJson = JsonDocument.Parse(await removed.Content.ReadAsStringAsync()).RootElement;
        using var me = await http.GetAsync("v24.0/me?access_token=" + token);
        await stop.CancelAsync();
        Assert.Equal(0, await running.WaitAsync(TimeSpan.FromSeconds(30)));

        Assert.Equal(200, removedJson.GetProperty("deauthorize_status").GetInt32());
        var signed = Assert.Single(received);
        Assert.Equal(userId, FacebookSignedRequest.Parse(signed, appSecret).UserId);
        Assert.Equal(458, JsonDocument.Parse(await me.Content.ReadAsStringAsync()).RootElement.GetProperty("error").GetProperty("error_subcode").GetInt32());
        Assert.Empty(stderr.ToString());
    }

    [Fact]
    public async Task The_text_output_names_the_login_dialog_and_the_admin_routes()
    {
        using var stop = new CancellationTokenSource();
        var stdout = new LineSignalWriter(line => line.StartsWith("Press Ctrl+C", StringComparison.Ordinal));
        var host = new CliHost { UseUserSecrets = false, Environment = new Dictionary<string, string?>() };
        var running = CliApp.RunAsync(["emulator", "--mint-code", Redirect], stdout, TextWriter.Null, host, stop.Token);

        await stdout.Matched.WaitAsync(TimeSpan.FromSeconds(30));
        await stop.CancelAsync();
        Assert.Equal(0, await running.WaitAsync(TimeSpan.FromSeconds(30)));

        var text = stdout.ToString();
        Assert.Matches(@"Login dialog\s+http://127\.0\.0\.1:\d+/v\d+\.\d+/dialog/oauth", text);
        Assert.Matches(@"Admin routes\s+http://127\.0\.0\.1:\d+/_emulator/ ", text);
        Assert.Matches(@"Login code\s+AQ", text);
    }

    private static Task<HttpResponseMessage> RedeemAsync(HttpClient http, string appId, string appSecret, string code) =>
        http.PostAsync("v24.0/oauth/access_token", new FormUrlEncodedContent(
        [
            new("client_id", appId), new("client_secret", appSecret), new("redirect_uri", Redirect), new("code", code),
        ]));

    /// <summary>A loopback app that records the <c>signed_request</c> of each callback.</summary>
    private static async Task<WebApplication> StartReceiverAsync(List<string> received)
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.WebHost.UseKestrel(o => o.Listen(IPAddress.Loopback, 0));
        var app = builder.Build();
        app.MapPost("/facebook/deauthorize", async (HttpContext context) =>
        {
            var form = await context.Request.ReadFormAsync();
            lock (received)
            {
                received.Add(form["signed_request"].ToString());
            }

            return Results.Ok();
        });
        await app.StartAsync();
        return app;
    }
}
