using System.Net;
using System.Text.RegularExpressions;
using FbTokens.Testing.Tests.Framework;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Time.Testing;

namespace FbTokens.Testing.Tests;

/// <summary>
/// The whole server-side login against the emulator, as a browser and an app would run it: core's
/// <see cref="IFacebookLoginUrlBuilder"/> builds the dialog URL, the "browser" submits the consent page's own form
/// (one box unticked), the app validates the state and exchanges the code with <see cref="IGraphTokenClient"/>.
/// </summary>
public sealed partial class LoginDialogClientFlowTests
{
    private static readonly Uri Redirect = new("https://app.example.com/signin-facebook");

    public static TheoryData<HostKind> Hosts => new() { HostKind.InMemory, HostKind.Kestrel };

    [Theory]
    [MemberData(nameof(Hosts))]
    public async Task Core_builds_the_url_the_page_form_round_trips_and_the_client_exchanges_the_code(HostKind kind)
    {
        var time = new FakeTimeProvider(new DateTimeOffset(2026, 3, 1, 12, 0, 0, TimeSpan.Zero));
        await using var emulator = new GraphTokenEmulator(time);
        var user = emulator.CreateTestUser(scopes: ["public_profile"]);
        var baseAddress = kind == HostKind.Kestrel ? await emulator.StartServerAsync() : GraphTokenEmulator.InMemoryBaseAddress;
        var services = new ServiceCollection();
        var builder = services.AddFbTokens(o =>
        {
            o.AppId = emulator.DefaultApp.AppId;
            o.AppSecret = emulator.DefaultApp.AppSecret;
            o.GraphBaseAddress = baseAddress;
        }).AddFacebookLogin(o => o.DialogBaseAddress = baseAddress);
        if (kind == HostKind.InMemory)
        {
            builder.UseGraphTokenEmulator(emulator);
        }

        await using var provider = services.BuildServiceProvider();
        var login = provider.GetRequiredService<IFacebookLoginUrlBuilder>().Build(new FacebookLoginRequest(Redirect) { Scopes = ["email", "pages_show_list"] });
        using var browser = kind == HostKind.Kestrel
            ? new HttpClient(new SocketsHttpHandler { AllowAutoRedirect = false })
            : new HttpClient(emulator.CreateHttpMessageHandler());

        var page = await browser.GetStringAsync(login.Url);
        var form = FormFields(page).Where(f => f.Name != "action" && !(f.Name == "granted" && f.Value == "pages_show_list")).ToList();
        form.Add(("action", "allow"));
        var action = new Uri(login.Url, FormAction().Match(page).Groups[1].Value);
        using var posted = await browser.PostAsync(action, new FormUrlEncodedContent(form.Select(f => new KeyValuePair<string, string>(f.Name, WebUtility.HtmlDecode(f.Value)))));

        Assert.Equal(HttpStatusCode.Found, posted.StatusCode);
        var callback = posted.Headers.Location!;
        Assert.Equal(Redirect.GetLeftPart(UriPartial.Path), callback.GetLeftPart(UriPartial.Path));
        var query = callback.Query.TrimStart('?').Split('&').Select(p => p.Split('=', 2)).ToDictionary(p => p[0], p => Uri.UnescapeDataString(p[1].Replace('+', ' ')));
        var redirectUri = provider.GetRequiredService<IFacebookLoginUrlBuilder>().ValidateCallback(login.State, query["state"]);
        var token = await provider.GetRequiredService<IGraphTokenClient>().ExchangeCodeAsync(query["code"], redirectUri);

        var emulated = emulator.FindToken(token.AccessToken)!;
        Assert.Equal(user.Id, emulated.UserId);
        Assert.Equal(["public_profile", "email"], emulated.Scopes);
    }

    private static IEnumerable<(string Name, string Value)> FormFields(string html)
    {
        foreach (Match input in InputTag().Matches(html))
        {
            var tag = input.Value;
            var type = Attribute(tag, "type");
            if (type == "checkbox" && !tag.Contains(" checked", StringComparison.Ordinal))
            {
                continue;
            }

            yield return (Attribute(tag, "name")!, Attribute(tag, "value") ?? string.Empty);
        }
    }

    private static string? Attribute(string tag, string name) =>
        Regex.Match(tag, " " + name + "=\"([^\"]*)\"") is { Success: true } m ? m.Groups[1].Value : null;

    [GeneratedRegex("<input [^>]*>")]
    private static partial Regex InputTag();

    [GeneratedRegex("<form [^>]*action=\"([^\"]*)\"")]
    private static partial Regex FormAction();
}
