using System.Net;
using System.Security.Claims;
using FbTokens.AspNetCore.Tests.Framework;
using FbTokens.Testing;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Authentication.Cookies;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.WebUtilities;
using Microsoft.Extensions.DependencyInjection;

namespace FbTokens.AspNetCore.Tests.Login;

public sealed class MapFacebookLoginTests
{
    private static Task<WebTestHost> HostAsync(Action<FacebookLoginEndpointOptions>? configure = null, Action<Microsoft.AspNetCore.Builder.WebApplicationBuilder, GraphTokenEmulator>? services = null) =>
        WebTestHost.StartAsync(app => app.MapFacebookLogin("/login/facebook", o =>
        {
            o.Scopes.Add("pages_show_list");
            configure?.Invoke(o);
        }), services);

    [Fact]
    public async Task Login_exchanges_the_code_saves_a_long_lived_token_and_redirects_to_the_local_return_url()
    {
        await using var host = await HostAsync();
        var user = host.Emulator.CreateTestUser();

        var started = await LoginFlow.StartAsync(host, "/login/facebook?returnUrl=%2Fhome%3Ftab%3D1");
        Assert.Equal("https://localhost/login/facebook/callback", started.RedirectUri.AbsoluteUri);
        Assert.Equal("pages_show_list", QueryHelpers.ParseQuery(started.Dialog.Query)["scope"].ToString());
        var response = await LoginFlow.CallbackAsync(host, started, host.Emulator.CreateAuthorizationCode(user.Id, started.RedirectUri));

        Assert.Equal(HttpStatusCode.Redirect, response.StatusCode);
        Assert.Equal("/home?tab=1", response.Headers.Location!.OriginalString);
        var stored = await host.Manager.GetTokenAsync(TokenKey.ForUser(user.Id));
        Assert.True(host.Emulator.FindToken(stored.Value)!.IsLongLived);
    }

    [Fact]
    public async Task The_state_cookie_is_protected_http_only_secure_lax_scoped_to_the_callback_and_short_lived()
    {
        await using var host = await HostAsync();

        var started = await LoginFlow.StartAsync(host);

        var setCookie = Assert.Single(started.Response.Headers.GetValues("Set-Cookie"));
        Assert.StartsWith(".FbTokens.Login.", setCookie, StringComparison.Ordinal);
        Assert.Contains("httponly", setCookie, StringComparison.OrdinalIgnoreCase);
        Assert.Contains("secure", setCookie, StringComparison.OrdinalIgnoreCase);
        Assert.Contains("samesite=lax", setCookie, StringComparison.OrdinalIgnoreCase);
        Assert.Contains("path=/login/facebook/callback", setCookie, StringComparison.OrdinalIgnoreCase);
        Assert.Contains("max-age=600", setCookie, StringComparison.OrdinalIgnoreCase);
        Assert.DoesNotContain(started.State, setCookie, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("https://evil.example/steal")]
    [InlineData("//evil.example/steal")]
    [InlineData("/\\evil.example/steal")]
    [InlineData("javascript:alert(1)")]
    public async Task A_return_url_that_is_not_local_is_replaced_by_the_default(string returnUrl)
    {
        await using var host = await HostAsync();
        var user = host.Emulator.CreateTestUser();

        var started = await LoginFlow.StartAsync(host, "/login/facebook?returnUrl=" + Uri.EscapeDataString(returnUrl));
        var response = await LoginFlow.CallbackAsync(host, started, host.Emulator.CreateAuthorizationCode(user.Id, started.RedirectUri));

        Assert.Equal(HttpStatusCode.Redirect, response.StatusCode);
        Assert.Equal("/", response.Headers.Location!.OriginalString);
    }

    [Fact]
    public async Task A_declined_dialog_is_AccessDenied_with_a_400_page_by_default_and_saves_nothing()
    {
        await using var host = await HostAsync();

        var started = await LoginFlow.StartAsync(host);
        var response = await host.Client.GetAsync("/login/facebook/callback?error=access_denied&error_code=200&error_reason=user_denied&state=" + Uri.EscapeDataString(started.State));

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Contains(nameof(FacebookLoginFailure.AccessDenied), await response.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        Assert.Empty(host.Cookies.GetCookies(started.RedirectUri));
    }

    [Fact]
    public async Task FailureRedirectPath_sends_failures_there_with_the_failure_name()
    {
        await using var host = await HostAsync(o => o.FailureRedirectPath = "/login-failed");

        var response = await host.Client.GetAsync("/login/facebook/callback?code=abc&state=never-issued");

        Assert.Equal(HttpStatusCode.Redirect, response.StatusCode);
        Assert.Equal("/login-failed?error=StateMissing", response.Headers.Location!.OriginalString);
    }

    public enum Scenario
    {
        Declined,
        OtherProviderError,
        NoStateReturned,
        NoCookie,
        TamperedCookie,
        StateExpired,
        StateReplayed,
        NoCode,
        CodeExpired,
        CodeReused,
        CodeForAnotherRedirect,
        GraphOutage,
        GraphHtml,
    }

    [Theory]
    [InlineData(Scenario.Declined, FacebookLoginFailure.AccessDenied)]
    [InlineData(Scenario.OtherProviderError, FacebookLoginFailure.ProviderError)]
    [InlineData(Scenario.NoStateReturned, FacebookLoginFailure.StateMissing)]
    [InlineData(Scenario.NoCookie, FacebookLoginFailure.StateMissing)]
    [InlineData(Scenario.TamperedCookie, FacebookLoginFailure.StateMismatch)]
    [InlineData(Scenario.StateExpired, FacebookLoginFailure.StateExpired)]
    [InlineData(Scenario.StateReplayed, FacebookLoginFailure.StateReused)]
    [InlineData(Scenario.NoCode, FacebookLoginFailure.CodeMissing)]
    [InlineData(Scenario.CodeExpired, FacebookLoginFailure.CodeRejected)]
    [InlineData(Scenario.CodeReused, FacebookLoginFailure.CodeRejected)]
    [InlineData(Scenario.CodeForAnotherRedirect, FacebookLoginFailure.CodeRejected)]
    [InlineData(Scenario.GraphOutage, FacebookLoginFailure.Unavailable)]
    [InlineData(Scenario.GraphHtml, FacebookLoginFailure.Unavailable)]
    public async Task Every_failure_reaches_OnFailure_with_its_reason_never_a_500(Scenario @case, FacebookLoginFailure expected)
    {
        var failures = new List<FacebookLoginFailure>();
        await using var host = await HostAsync(
            o => o.OnFailure = f =>
            {
                failures.Add(f.Failure);
                return Task.FromResult(Results.Content("failed: " + f.Failure, "text/plain", statusCode: 409));
            },
            (b, _) => b.Services.Configure<FacebookLoginOptions>(o => o.StateLifetime = TimeSpan.FromHours(1)));
        var user = host.Emulator.CreateTestUser();
        var started = await LoginFlow.StartAsync(host);
        var code = host.Emulator.CreateAuthorizationCode(user.Id, started.RedirectUri);
        var callback = started.RedirectUri.AbsolutePath;
        var state = Uri.EscapeDataString(started.State);

        HttpResponseMessage response;
        switch (@case)
        {
            case Scenario.Declined:
                response = await host.Client.GetAsync($"{callback}?error=access_denied&error_reason=user_denied&state={state}");
                break;
            case Scenario.OtherProviderError:
                response = await host.Client.GetAsync($"{callback}?error=server_error&state={state}");
                break;
            case Scenario.NoStateReturned:
                response = await host.Client.GetAsync($"{callback}?code={code}");
                break;
            case Scenario.NoCookie:
                foreach (Cookie c in host.Cookies.GetCookies(started.RedirectUri))
                {
                    c.Expired = true;
                }

                response = await LoginFlow.CallbackAsync(host, started, code);
                break;
            case Scenario.TamperedCookie:
                foreach (Cookie c in host.Cookies.GetCookies(started.RedirectUri))
                {
                    c.Value = "A" + c.Value[1..^2] + "xy";
                }

                response = await LoginFlow.CallbackAsync(host, started, code);
                break;
            case Scenario.StateExpired:
                host.Time.Advance(TimeSpan.FromHours(2));
                response = await LoginFlow.CallbackAsync(host, started, code);
                break;
            case Scenario.StateReplayed:
                var cookieHeader = host.Cookies.GetCookieHeader(started.RedirectUri);
                Assert.Equal(HttpStatusCode.Redirect, (await LoginFlow.CallbackAsync(host, started, code)).StatusCode);
                using (var replay = new HttpRequestMessage(HttpMethod.Get, $"{callback}?code={code}&state={state}"))
                {
                    replay.Headers.Add("Cookie", cookieHeader);
                    response = await host.Client.SendAsync(replay);
                }

                break;
            case Scenario.NoCode:
                response = await host.Client.GetAsync($"{callback}?state={state}");
                break;
            case Scenario.CodeExpired:
                host.Time.Advance(TimeSpan.FromMinutes(11));
                response = await LoginFlow.CallbackAsync(host, started, code);
                break;
            case Scenario.CodeReused:
                Assert.Equal(HttpStatusCode.Redirect, (await LoginFlow.CallbackAsync(host, started, code)).StatusCode);
                var second = await LoginFlow.StartAsync(host);
                response = await LoginFlow.CallbackAsync(host, second, code);
                break;
            case Scenario.CodeForAnotherRedirect:
                response = await LoginFlow.CallbackAsync(host, started, host.Emulator.CreateAuthorizationCode(user.Id, new Uri("https://localhost/elsewhere")));
                break;
            case Scenario.GraphOutage:
                host.Emulator.Faults.FailNext(10, EmulatorFault.ServiceUnavailable);
                response = await LoginFlow.CallbackAsync(host, started, code);
                break;
            case Scenario.GraphHtml:
                host.Emulator.Faults.FailNext(10, EmulatorFault.HtmlBody);
                response = await LoginFlow.CallbackAsync(host, started, code);
                break;
            default:
                throw new ArgumentOutOfRangeException(nameof(@case));
        }

        Assert.Equal((HttpStatusCode)409, response.StatusCode);
        Assert.Equal(expected, failures.Last());
        Assert.DoesNotContain(host.Logs.Entries, e => e.Level >= Microsoft.Extensions.Logging.LogLevel.Error);
    }

    [Fact]
    public async Task A_store_schema_problem_while_saving_is_Unavailable_not_a_500()
    {
        var failures = new List<FacebookLoginFailure>();
        await using var host = await HostAsync(
            o => o.OnFailure = f =>
            {
                failures.Add(f.Failure);
                return Task.FromResult(Results.StatusCode(409));
            },
            (b, _) => b.Services.AddSingleton(BrokenTokenStore.Create(() => new TokenStoreSchemaException("FbTokens", "the table is missing: apply migrations", null))));
        var user = host.Emulator.CreateTestUser();

        var started = await LoginFlow.StartAsync(host);
        var response = await LoginFlow.CallbackAsync(host, started, host.Emulator.CreateAuthorizationCode(user.Id, started.RedirectUri));

        Assert.Equal((HttpStatusCode)409, response.StatusCode);
        Assert.Equal([FacebookLoginFailure.Unavailable], failures);
    }

    [Fact]
    public async Task SignInScheme_signs_the_person_in_so_their_token_is_found_from_HttpContext()
    {
        await using var host = await WebTestHost.StartAsync(
            app =>
            {
                app.UseAuthentication();
                app.MapFacebookLogin("/login/facebook", o => o.SignInScheme = CookieAuthenticationDefaults.AuthenticationScheme);
                app.MapGet("/me", async (HttpContext http) =>
                {
                    var result = await http.GetFacebookUserTokenAsync();
                    return $"{result.Status}:{result.UserId}:{http.User.FindFirstValue(ClaimTypes.NameIdentifier)}";
                });
            },
            (b, _) => b.Services.AddAuthentication(CookieAuthenticationDefaults.AuthenticationScheme).AddCookie());
        var user = host.Emulator.CreateTestUser();

        Assert.StartsWith("NotSignedIn", await host.Client.GetStringAsync("/me"), StringComparison.Ordinal);
        var started = await LoginFlow.StartAsync(host);
        var response = await LoginFlow.CallbackAsync(host, started, host.Emulator.CreateAuthorizationCode(user.Id, started.RedirectUri));

        Assert.Equal(HttpStatusCode.Redirect, response.StatusCode);
        Assert.Equal($"Found:{user.Id}:{user.Id}", await host.Client.GetStringAsync("/me"));
    }

    [Fact]
    public async Task OnSuccess_gets_the_saved_token_and_return_url_and_answers_instead_of_the_redirect()
    {
        FacebookLoginSuccessContext? seen = null;
        await using var host = await HostAsync(o =>
        {
            o.IncludePageTokens = true;
            o.OnSuccess = s =>
            {
                seen = s;
                return Task.FromResult(Results.Ok("welcome"));
            };
        });
        var user = host.Emulator.CreateTestUser();
        var page = host.Emulator.CreatePage(user.Id);

        var started = await LoginFlow.StartAsync(host, "/login/facebook?returnUrl=/pages");
        var response = await LoginFlow.CallbackAsync(host, started, host.Emulator.CreateAuthorizationCode(user.Id, started.RedirectUri));

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal(user.Id, seen!.UserToken.Key.SubjectId);
        Assert.Equal("/pages", seen.ReturnUrl);
        Assert.Equal(user.Id, (await host.Manager.GetTokenAsync(TokenKey.ForPage(page.Id))).OwnerUserId);
    }

    [Fact]
    public async Task Two_logins_in_progress_in_one_browser_each_complete()
    {
        await using var host = await HostAsync();
        var user = host.Emulator.CreateTestUser();

        var first = await LoginFlow.StartAsync(host, "/login/facebook?returnUrl=/one");
        var second = await LoginFlow.StartAsync(host, "/login/facebook?returnUrl=/two");

        var r1 = await LoginFlow.CallbackAsync(host, first, host.Emulator.CreateAuthorizationCode(user.Id, first.RedirectUri));
        var r2 = await LoginFlow.CallbackAsync(host, second, host.Emulator.CreateAuthorizationCode(user.Id, second.RedirectUri));

        Assert.Equal("/one", r1.Headers.Location!.OriginalString);
        Assert.Equal("/two", r2.Headers.Location!.OriginalString);
    }

    [Theory]
    [InlineData("/login/{provider}")]
    [InlineData("")]
    public void A_pattern_that_is_not_a_literal_path_is_refused(string pattern)
    {
        var app = WebApplication.CreateSlimBuilder().Build();
        Assert.ThrowsAny<ArgumentException>(() => app.MapFacebookLogin(pattern));
    }

    [Fact]
    public void A_failure_redirect_that_is_not_local_is_refused()
    {
        var app = WebApplication.CreateSlimBuilder().Build();
        Assert.Throws<ArgumentException>(() => app.MapFacebookLogin("/login", o => o.FailureRedirectPath = "https://evil.example/"));
    }
}
