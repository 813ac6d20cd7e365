using System.Net;
using System.Text.Json;
using FbTokens.Testing.Tests.Framework;

namespace FbTokens.Testing.Tests;

/// <summary>The emulated Login dialog, <c>{version}/dialog/oauth</c>, on both hosts.</summary>
public sealed class LoginDialogEmulatorTests
{
    private const string Redirect = "https://app.example.com/signin-facebook";

    public static TheoryData<HostKind> Hosts => new() { HostKind.InMemory, HostKind.Kestrel };

    [Theory]
    [MemberData(nameof(Hosts))]
    public async Task The_consent_page_lists_the_app_the_user_and_each_permission_with_stable_ids(HostKind kind)
    {
        await using var host = await EmulatorHost.StartAsync(kind);
        var user = host.Emulator.CreateTestUser("Ada Lovelace");

        var page = await GetDialogAsync(host, "v24.0/dialog/oauth", ("state", "s1"), ("scope", "email,pages_show_list"));

        Assert.Equal(HttpStatusCode.OK, page.Status);
        Assert.Equal("text/html", page.MediaType);
        Assert.Contains("id=\"fbtokens-allow\"", page.Body, StringComparison.Ordinal);
        Assert.Contains("id=\"fbtokens-cancel\"", page.Body, StringComparison.Ordinal);
        Assert.Contains("id=\"perm-email\"", page.Body, StringComparison.Ordinal);
        Assert.Contains("id=\"perm-pages_show_list\"", page.Body, StringComparison.Ordinal);
        Assert.Contains(">FbTokens Emulator</span>", page.Body, StringComparison.Ordinal);
        Assert.Contains(">Ada Lovelace</span>", page.Body, StringComparison.Ordinal);
        Assert.Contains(user.Id, page.Body, StringComparison.Ordinal);
        Assert.Contains("default-src 'none'", page.Headers["Content-Security-Policy"], StringComparison.Ordinal);
        Assert.DoesNotContain("<script", page.Body, StringComparison.OrdinalIgnoreCase);
    }

    [Theory]
    [MemberData(nameof(Hosts))]
    public async Task Allow_redirects_with_a_single_use_code_bound_to_the_redirect_uri_and_the_ticked_permissions(HostKind kind)
    {
        await using var host = await EmulatorHost.StartAsync(kind);
        var user = host.Emulator.CreateTestUser(scopes: ["public_profile"]);

        // What the browser sends when the person unticks pages_manage_posts and presses Continue.
        var result = await host.PostFormAsync("v24.0/dialog/oauth",
            ("client_id", host.App.AppId), ("redirect_uri", Redirect), ("state", "st ate/1"), ("scope", "email,pages_manage_posts"),
            ("login_as", user.Id), ("granted", "email"), ("action", "allow"));

        Assert.Equal(HttpStatusCode.Found, result.Status);
        var location = new Uri(result.Headers["Location"]);
        Assert.StartsWith(Redirect + "?code=", location.AbsoluteUri, StringComparison.Ordinal);
        Assert.Equal("#_=_", location.Fragment);
        var query = Query(location);
        Assert.Equal("st ate/1", query["state"]);

        var token = await RedeemAsync(host, query["code"], Redirect);
        Assert.Equal(HttpStatusCode.OK, token.Status);
        var emulated = host.Emulator.FindToken(token.Json.GetProperty("access_token").GetString()!)!;
        Assert.Equal(user.Id, emulated.UserId);
        Assert.Equal(["public_profile", "email"], emulated.Scopes);

        var again = await RedeemAsync(host, query["code"], Redirect);
        Assert.Equal(36009, again.ErrorSubcode);
    }

    [Theory]
    [MemberData(nameof(Hosts))]
    public async Task The_code_is_refused_with_another_redirect_uri(HostKind kind)
    {
        await using var host = await EmulatorHost.StartAsync(kind);
        host.Emulator.CreateTestUser();
        host.Emulator.SetNextLoginDialogOutcome(LoginDialogOutcome.Allow);

        var result = await GetDialogAsync(host, "v24.0/dialog/oauth", ("state", "x"));
        var code = Query(new Uri(result.Headers["Location"]))["code"];

        Assert.Equal(36008, (await RedeemAsync(host, code, "https://app.example.com/other")).ErrorSubcode);
        Assert.Equal(HttpStatusCode.OK, (await RedeemAsync(host, code, Redirect)).Status);
    }

    [Theory]
    [MemberData(nameof(Hosts))]
    public async Task Cancel_redirects_with_facebooks_error_parameters_and_the_state(HostKind kind)
    {
        await using var host = await EmulatorHost.StartAsync(kind);
        host.Emulator.CreateTestUser();

        var result = await host.PostFormAsync("dialog/oauth",
            ("client_id", host.App.AppId), ("redirect_uri", Redirect + "?from=menu"), ("state", "abc"), ("action", "cancel"));

        Assert.Equal(HttpStatusCode.Found, result.Status);
        Assert.Equal(
            Redirect + "?from=menu&error=access_denied&error_code=200&error_description=Permissions+error&error_reason=user_denied&state=abc#_=_",
            result.Headers["Location"]);
    }

    [Theory]
    [MemberData(nameof(Hosts))]
    public async Task A_scripted_outcome_redirects_at_once_and_only_for_the_next_request(HostKind kind)
    {
        await using var host = await EmulatorHost.StartAsync(kind);
        host.Emulator.CreateTestUser();

        host.Emulator.SetNextLoginDialogOutcome(LoginDialogOutcome.Decline);
        var declined = await GetDialogAsync(host, "v19.0/dialog/oauth", ("state", "s"));
        Assert.Equal(HttpStatusCode.Found, declined.Status);
        var query = Query(new Uri(declined.Headers["Location"]));
        Assert.Equal(("access_denied", "user_denied", "s"), (query["error"], query["error_reason"], query["state"]));

        var next = await GetDialogAsync(host, "v19.0/dialog/oauth", ("state", "s"));
        Assert.Equal(HttpStatusCode.OK, next.Status);

        host.Emulator.SetNextLoginDialogOutcome(LoginDialogOutcome.Allow);
        host.Emulator.SetNextLoginDialogOutcome(null);
        Assert.Equal(HttpStatusCode.OK, (await GetDialogAsync(host, "v19.0/dialog/oauth")).Status);
    }

    [Theory]
    [MemberData(nameof(Hosts))]
    public async Task Declined_permissions_show_as_declined_and_only_rerequest_asks_for_them_again(HostKind kind)
    {
        await using var host = await EmulatorHost.StartAsync(kind);
        var user = host.Emulator.CreateTestUser(scopes: ["public_profile"]);
        (string, string)[] scope = [("scope", "email,pages_manage_posts")];

        host.Emulator.SetNextLoginDialogOutcome(LoginDialogOutcome.DeclinePermissions("pages_manage_posts"));
        var first = await LoginAsync(host, scope);
        Assert.Equal(["public_profile", "email"], host.Emulator.FindToken(first)!.Scopes);
        var permissions = await host.GetAsync("v24.0/me/permissions", ("access_token", first));
        Assert.Equal(
            [("public_profile", "granted"), ("email", "granted"), ("pages_manage_posts", "declined")],
            permissions.Json.GetProperty("data").EnumerateArray().Select(p => (p.GetProperty("permission").GetString(), p.GetProperty("status").GetString())).ToArray());
        var debug = await host.GetAsync("v24.0/debug_token", ("input_token", first), ("access_token", host.App.AppAccessToken));
        Assert.DoesNotContain("pages_manage_posts", debug.Json.GetProperty("data").GetProperty("scopes").EnumerateArray().Select(s => s.GetString()));

        // Without auth_type=rerequest Facebook does not ask again; with it, the permission is back on the page.
        var plain = await GetDialogAsync(host, "v24.0/dialog/oauth", scope);
        Assert.DoesNotContain("perm-pages_manage_posts", plain.Body, StringComparison.Ordinal);
        Assert.Contains("perm-email", plain.Body, StringComparison.Ordinal);
        var rerequest = await GetDialogAsync(host, "v24.0/dialog/oauth", [.. scope, ("auth_type", "rerequest")]);
        Assert.Contains("perm-pages_manage_posts", rerequest.Body, StringComparison.Ordinal);

        host.Emulator.SetNextLoginDialogOutcome(LoginDialogOutcome.Allow);
        var plainLogin = await LoginAsync(host, scope);
        Assert.DoesNotContain("pages_manage_posts", host.Emulator.FindToken(plainLogin)!.Scopes);

        host.Emulator.SetNextLoginDialogOutcome(LoginDialogOutcome.Allow);
        var granted = await LoginAsync(host, [.. scope, ("auth_type", "rerequest")]);
        Assert.Contains("pages_manage_posts", host.Emulator.FindToken(granted)!.Scopes);
        var after = await host.GetAsync("v24.0/me/permissions", ("access_token", granted));
        Assert.DoesNotContain("declined", after.Body, StringComparison.Ordinal);
        Assert.Equal(user.Id, host.Emulator.FindToken(granted)!.UserId);
    }

    [Theory]
    [MemberData(nameof(Hosts))]
    public async Task A_login_through_the_dialog_reopens_the_data_access_window(HostKind kind)
    {
        await using var host = await EmulatorHost.StartAsync(kind, o => o.DataAccessLifetime = TimeSpan.FromDays(30));
        var (_, longLived) = await host.CreateUserWithLongLivedTokenAsync();
        host.Time.Advance(TimeSpan.FromDays(31));
        Assert.Equal(493, (await host.GetAsync("v24.0/me", ("access_token", longLived))).ErrorSubcode);

        host.Emulator.SetNextLoginDialogOutcome(LoginDialogOutcome.Allow);
        await LoginAsync(host, [("auth_type", "reauthorize")]);

        Assert.Equal(HttpStatusCode.OK, (await host.GetAsync("v24.0/me", ("access_token", longLived))).Status);
    }

    [Theory]
    [MemberData(nameof(Hosts))]
    public async Task An_unknown_app_or_a_bad_redirect_uri_gets_an_error_page_never_a_redirect(HostKind kind)
    {
        await using var host = await EmulatorHost.StartAsync(kind);
        host.Emulator.CreateTestUser();
        host.Emulator.SetNextLoginDialogOutcome(LoginDialogOutcome.Allow);

        var unknownApp = await host.GetAsync("v24.0/dialog/oauth", ("client_id", "42"), ("redirect_uri", Redirect));
        Assert.Equal(HttpStatusCode.BadRequest, unknownApp.Status);
        Assert.Contains("Invalid App ID", unknownApp.Body, StringComparison.Ordinal);
        Assert.False(unknownApp.Headers.ContainsKey("Location"));

        foreach (var bad in new[] { "", "/relative", "javascript:alert(1)", "https://app.example.com/cb#frag" })
        {
            var result = await host.GetAsync("v24.0/dialog/oauth", ("client_id", host.App.AppId), ("redirect_uri", bad));
            Assert.Equal(HttpStatusCode.BadRequest, result.Status);
            Assert.False(result.Headers.ContainsKey("Location"));
        }

        var token = await host.GetAsync("v24.0/dialog/oauth", ("client_id", host.App.AppId), ("redirect_uri", Redirect), ("response_type", "token"));
        Assert.Equal(HttpStatusCode.BadRequest, token.Status);
        var noAction = await host.PostFormAsync("v24.0/dialog/oauth", ("client_id", host.App.AppId), ("redirect_uri", Redirect));
        Assert.Equal(HttpStatusCode.BadRequest, noAction.Status);
        var put = await host.SendAsync(new HttpRequestMessage(HttpMethod.Put, $"v24.0/dialog/oauth?client_id={host.App.AppId}&redirect_uri={Uri.EscapeDataString(Redirect)}"));
        Assert.Equal(HttpStatusCode.MethodNotAllowed, put.Status);

        // Registered redirect URIs: only those; the scripted outcome is still waiting.
        host.App.ValidOAuthRedirectUris = [new Uri(Redirect)];
        var other = await host.GetAsync("v24.0/dialog/oauth", ("client_id", host.App.AppId), ("redirect_uri", "https://evil.example.com/cb"));
        Assert.Equal(HttpStatusCode.BadRequest, other.Status);
        Assert.Contains("URL blocked", other.Body, StringComparison.Ordinal);
        var registered = await GetDialogAsync(host, "v24.0/dialog/oauth");
        Assert.Equal(HttpStatusCode.Found, registered.Status);
    }

    [Theory]
    [MemberData(nameof(Hosts))]
    public async Task Request_values_are_html_encoded_and_bad_scopes_or_users_are_refused(HostKind kind)
    {
        await using var host = await EmulatorHost.StartAsync(kind);
        var app = host.Emulator.AddApp("<b>Evil</b> & Co");
        var user = host.Emulator.CreateTestUser("<img src=x onerror=alert(1)>", app.AppId);
        const string state = "\"><script>alert(1)</script>";

        var page = await host.GetAsync("v24.0/dialog/oauth", ("client_id", app.AppId), ("redirect_uri", Redirect + "?q=\"<x>"), ("state", state), ("scope", "email"));

        Assert.Equal(HttpStatusCode.OK, page.Status);
        Assert.DoesNotContain("<script", page.Body, StringComparison.OrdinalIgnoreCase);
        Assert.DoesNotContain("<img", page.Body, StringComparison.OrdinalIgnoreCase);
        Assert.DoesNotContain("<b>", page.Body, StringComparison.OrdinalIgnoreCase);
        Assert.DoesNotContain("<x>", page.Body, StringComparison.OrdinalIgnoreCase);
        Assert.Contains("&lt;b&gt;Evil&lt;/b&gt;", page.Body, StringComparison.Ordinal);
        Assert.Contains(user.Id, page.Body, StringComparison.Ordinal);

        var badScope = await host.GetAsync("v24.0/dialog/oauth", ("client_id", app.AppId), ("redirect_uri", Redirect), ("scope", "email,<svg/onload=x>"));
        Assert.Equal(HttpStatusCode.BadRequest, badScope.Status);
        Assert.DoesNotContain("<svg", badScope.Body, StringComparison.Ordinal);

        var otherAppsUser = host.Emulator.CreateTestUser();
        var wrongUser = await host.GetAsync("v24.0/dialog/oauth", ("client_id", app.AppId), ("redirect_uri", Redirect), ("login_as", otherAppsUser.Id));
        Assert.Equal(HttpStatusCode.BadRequest, wrongUser.Status);
    }

    [Theory]
    [MemberData(nameof(Hosts))]
    public async Task The_dialog_logs_in_as_the_requested_user_or_signs_up_a_new_one_for_an_app_without_users(HostKind kind)
    {
        await using var host = await EmulatorHost.StartAsync(kind);
        var first = host.Emulator.CreateTestUser();
        host.Emulator.CreateTestUser();

        host.Emulator.SetNextLoginDialogOutcome(LoginDialogOutcome.Allow);
        var asFirst = await LoginAsync(host, [("login_as", first.Id)]);
        Assert.Equal(first.Id, host.Emulator.FindToken(asFirst)!.UserId);

        var empty = host.Emulator.AddApp();
        host.Emulator.SetNextLoginDialogOutcome(LoginDialogOutcome.Allow);
        var result = await host.GetAsync("v24.0/dialog/oauth", ("client_id", empty.AppId), ("redirect_uri", Redirect), ("scope", "email"));
        var code = Query(new Uri(result.Headers["Location"]))["code"];
        var token = await host.PostFormAsync("v24.0/oauth/access_token",
            ("client_id", empty.AppId), ("client_secret", empty.AppSecret), ("redirect_uri", Redirect), ("code", code));
        var emulated = host.Emulator.FindToken(token.Json.GetProperty("access_token").GetString()!)!;
        Assert.Equal(empty.AppId, emulated.AppId);
        Assert.Equal(["email"], emulated.Scopes);
    }

    [Theory]
    [MemberData(nameof(Hosts))]
    public async Task Injected_graph_faults_do_not_hit_the_dialog_and_graph_routes_do_not_serve_it_in_a_batch(HostKind kind)
    {
        await using var host = await EmulatorHost.StartAsync(kind);
        host.Emulator.CreateTestUser();
        host.Emulator.Faults.FailNext(1, EmulatorFault.InternalServerError);

        Assert.Equal(HttpStatusCode.OK, (await GetDialogAsync(host, "v24.0/dialog/oauth")).Status);
        Assert.Equal(1, host.Emulator.GetCallCount(GraphEndpoint.LoginDialog));
        Assert.Equal(HttpStatusCode.InternalServerError, (await host.GetAsync("v24.0/me")).Status);
    }

    private static Task<GraphResult> GetDialogAsync(EmulatorHost host, string path, params (string Name, string Value)[] extra) =>
        host.GetAsync(path, [("client_id", host.App.AppId), ("redirect_uri", Redirect), ("response_type", "code"), .. extra]);

    /// <summary>GETs the dialog (a scripted outcome must be set), redeems the code, and returns the user token.</summary>
    private static async Task<string> LoginAsync(EmulatorHost host, (string Name, string Value)[] extra)
    {
        var result = await GetDialogAsync(host, "v24.0/dialog/oauth", extra);
        Assert.Equal(HttpStatusCode.Found, result.Status);
        var token = await RedeemAsync(host, Query(new Uri(result.Headers["Location"]))["code"], Redirect);
        Assert.Equal(HttpStatusCode.OK, token.Status);
        return token.Json.GetProperty("access_token").GetString()!;
    }

    private static Task<GraphResult> RedeemAsync(EmulatorHost host, string code, string redirect) =>
        host.PostFormAsync("v24.0/oauth/access_token",
            ("client_id", host.App.AppId), ("client_secret", host.App.AppSecret), ("redirect_uri", redirect), ("code", code));

    private static Dictionary<string, string> Query(Uri uri) =>
        uri.Query.TrimStart('?').Split('&').Select(p => p.Split('=', 2))
            .ToDictionary(p => p[0], p => Uri.UnescapeDataString(p[1].Replace('+', ' ')));
}
