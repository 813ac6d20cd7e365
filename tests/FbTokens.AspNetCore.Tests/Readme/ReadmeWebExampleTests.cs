using System.Net;
using Microsoft.AspNetCore.Authentication.Cookies;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.TestHost;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;

namespace FbTokens.AspNetCore.Tests.Readme;

/// <summary>
/// README.md's web example ("In an ASP.NET Core app"), compiled and run here: the lines between the markers below must
/// appear in README.md exactly as they are (the test checks), so the README cannot drift from code that builds.
/// </summary>
public sealed class ReadmeWebExampleTests
{
    private static void ReadmeExample(WebApplicationBuilder builder, out WebApplication built)
    {
        // README web example: begin
        builder.Services.AddDataProtection();
        builder.Services.AddAuthentication(CookieAuthenticationDefaults.AuthenticationScheme).AddCookie();
        builder.Services.AddFbTokens(builder.Configuration.GetSection("FbTokens"))   // AppId, AppSecret
            .AddTokenManager()
            .AddFacebookLogin()
            .AddTokenValidationSweep();

        var app = builder.Build();
        app.UseAuthentication();

        // GET /login/facebook: the Login dialog, with a fresh state kept in a Data Protection cookie.
        // GET /login/facebook/callback: checks the state, exchanges the code once, stores the tokens, signs the person in.
        app.MapFacebookLogin("/login/facebook", o =>
        {
            o.Scopes.Add("pages_show_list");
            o.IncludePageTokens = true;
            o.SignInScheme = CookieAuthenticationDefaults.AuthenticationScheme;
        });

        // Facebook's callbacks: a verified signed_request, then the person's tokens invalidated or deleted.
        app.MapFacebookDeauthorizeCallback("/facebook/deauthorize");
        app.MapFacebookDataDeletionCallback("/facebook/data-deletion", "/facebook/data-deletion/status");

        // The signed-in person's token, kept valid by the token manager.
        app.MapGet("/me/token", async (HttpContext http) =>
        {
            FacebookUserTokenResult result = await http.GetFacebookUserTokenAsync();
            return result.Status == FacebookUserTokenStatus.Found
                ? Results.Text($"Your token: {FbTokensMasking.MaskToken(result.Token!.Value)}")
                : Results.Redirect("/login/facebook?returnUrl=/me/token");
        });
        // README web example: end
        built = app;
    }

    [Fact]
    public async Task The_example_builds_starts_and_sends_the_browser_to_the_login_dialog_with_a_state_cookie()
    {
        var builder = WebApplication.CreateSlimBuilder(new WebApplicationOptions { EnvironmentName = "Production" });
        builder.WebHost.UseTestServer(o => o.BaseAddress = new Uri("https://localhost/"));
        builder.Configuration.AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["FbTokens:AppId"] = "1234567890",
            ["FbTokens:AppSecret"] = "readme-example-secret-0123456789",
        });
        ReadmeExample(builder, out var app);
        await using (app)
        {
            await app.StartAsync();
            using var client = new HttpClient(app.GetTestServer().CreateHandler()) { BaseAddress = new Uri("https://localhost/") };

            var anonymous = await client.GetAsync("/me/token");
            Assert.Equal(HttpStatusCode.Redirect, anonymous.StatusCode);
            Assert.Equal("/login/facebook?returnUrl=/me/token", anonymous.Headers.Location!.OriginalString);

            var login = await client.GetAsync("/login/facebook?returnUrl=/me/token");
            Assert.Equal(HttpStatusCode.Redirect, login.StatusCode);
            var dialog = login.Headers.Location!;
            Assert.Equal("www.facebook.com", dialog.Host);
            Assert.Contains("state=", dialog.Query, StringComparison.Ordinal);
            Assert.Contains("client_id=1234567890", dialog.Query, StringComparison.Ordinal);
            var cookie = Assert.Single(login.Headers.GetValues("Set-Cookie"));
            Assert.Contains("httponly", cookie, StringComparison.OrdinalIgnoreCase);

            var forged = await client.PostAsync("/facebook/deauthorize", new FormUrlEncodedContent([new("signed_request", "forged.e30")]));
            Assert.Equal(HttpStatusCode.BadRequest, forged.StatusCode);
        }
    }

    [Fact]
    public void README_shows_the_example_exactly_as_it_is_compiled_here()
    {
        var source = File.ReadAllLines(Path.Combine(RepositoryRoot(), "tests", "FbTokens.AspNetCore.Tests", "Readme", "ReadmeWebExampleTests.cs"));
        var begin = Array.FindIndex(source, l => l.Trim() == "// README web example: begin");
        var end = Array.FindIndex(source, l => l.Trim() == "// README web example: end");
        Assert.True(begin > 0 && end > begin);
        var example = source[(begin + 1)..end].Select(l => l.Length >= 8 ? l[8..] : l.Trim()).ToArray();

        var readme = File.ReadAllText(Path.Combine(RepositoryRoot(), "README.md")).ReplaceLineEndings("\n");
        Assert.Contains(string.Join("\n", example), readme, StringComparison.Ordinal);
    }

    private static string RepositoryRoot()
    {
        // From the test's output folder up (CI builds map source paths, so [CallerFilePath] is not a real path there).
        var directory = new DirectoryInfo(AppContext.BaseDirectory);
        while (directory is not null && !File.Exists(Path.Combine(directory.FullName, "FbTokens.sln")))
        {
            directory = directory.Parent;
        }

        return directory?.FullName ?? throw new InvalidOperationException("FbTokens.sln not found above the test's output folder.");
    }
}
