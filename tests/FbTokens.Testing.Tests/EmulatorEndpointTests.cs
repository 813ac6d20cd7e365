using System.Net;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using FbTokens.Testing.Tests.Framework;

namespace FbTokens.Testing.Tests;

/// <summary>Contract tests: every scenario runs against the in-memory handler and the Kestrel host alike.</summary>
public sealed class EmulatorEndpointTests
{
    public static TheoryData<HostKind> Hosts => new() { HostKind.InMemory, HostKind.Kestrel };

    [Theory]
    [MemberData(nameof(Hosts))]
    public async Task Code_exchange_gives_a_short_lived_token_and_the_code_is_single_use(HostKind kind)
    {
        await using var host = await EmulatorHost.StartAsync(kind);
        var user = host.Emulator.CreateTestUser();
        var code = host.Emulator.CreateAuthorizationCode(user.Id, EmulatorHost.RedirectUri);
        (string, string)[] form = [("client_id", host.App.AppId), ("redirect_uri", EmulatorHost.RedirectUri.AbsoluteUri), ("client_secret", host.App.AppSecret), ("code", code)];

        var first = await host.PostFormAsync("v24.0/oauth/access_token", form);
        Assert.Equal(HttpStatusCode.OK, first.Status);
        Assert.Equal("bearer", first.Json.GetProperty("token_type").GetString());
        var expiresIn = first.Json.GetProperty("expires_in").GetInt64();
        Assert.InRange(expiresIn, 3600, 7200);
        var token = host.Emulator.FindToken(first.Json.GetProperty("access_token").GetString()!);
        Assert.Equal(user.Id, token!.UserId);
        Assert.False(token.IsLongLived);

        var second = await host.PostFormAsync("v24.0/oauth/access_token", form);
        Assert.Equal(HttpStatusCode.BadRequest, second.Status);
        Assert.Equal(100, second.ErrorCode);
        Assert.Equal(36009, second.ErrorSubcode);
        Assert.Equal("OAuthException", second.Error.GetProperty("type").GetString());
        Assert.False(string.IsNullOrEmpty(second.Error.GetProperty("fbtrace_id").GetString()));
    }

    [Theory]
    [MemberData(nameof(Hosts))]
    public async Task Code_exchange_is_accepted_as_get_with_a_query_string(HostKind kind)
    {
        await using var host = await EmulatorHost.StartAsync(kind);
        var user = host.Emulator.CreateTestUser();
        var code = host.Emulator.CreateAuthorizationCode(user.Id, EmulatorHost.RedirectUri);

        var result = await host.GetAsync("v19.0/oauth/access_token",
            ("client_id", host.App.AppId), ("redirect_uri", EmulatorHost.RedirectUri.AbsoluteUri), ("client_secret", host.App.AppSecret), ("code", code));

        Assert.Equal(HttpStatusCode.OK, result.Status);
        Assert.Equal("v19.0", result.Headers["facebook-api-version"]);
    }

    [Theory]
    [MemberData(nameof(Hosts))]
    public async Task An_expired_code_a_wrong_redirect_uri_and_a_wrong_secret_are_refused(HostKind kind)
    {
        await using var host = await EmulatorHost.StartAsync(kind);
        var user = host.Emulator.CreateTestUser();
        var redirect = EmulatorHost.RedirectUri.AbsoluteUri;

        var expired = host.Emulator.CreateAuthorizationCode(user.Id, EmulatorHost.RedirectUri);
        host.Time.Advance(TimeSpan.FromMinutes(11));
        var expiredResult = await host.PostFormAsync("v24.0/oauth/access_token", ("client_id", host.App.AppId), ("redirect_uri", redirect), ("client_secret", host.App.AppSecret), ("code", expired));
        Assert.Equal(36007, expiredResult.ErrorSubcode);

        var code = host.Emulator.CreateAuthorizationCode(user.Id, EmulatorHost.RedirectUri);
        var mismatch = await host.PostFormAsync("v24.0/oauth/access_token", ("client_id", host.App.AppId), ("redirect_uri", "https://other.example.com/"), ("client_secret", host.App.AppSecret), ("code", code));
        Assert.Equal(36008, mismatch.ErrorSubcode);

        var wrongSecret = await host.PostFormAsync("v24.0/oauth/access_token", ("client_id", host.App.AppId), ("redirect_uri", redirect), ("client_secret", "0123456789abcdef0123456789abcdef"), ("code", code));
        Assert.Equal(HttpStatusCode.BadRequest, wrongSecret.Status);
        Assert.Equal("Error validating client secret.", wrongSecret.Error.GetProperty("message").GetString());

        var unknownApp = await host.PostFormAsync("v24.0/oauth/access_token", ("client_id", "42"), ("redirect_uri", redirect), ("client_secret", host.App.AppSecret), ("code", code));
        Assert.Equal(101, unknownApp.ErrorCode);

        // None of the failures spent the code.
        var ok = await host.PostFormAsync("v24.0/oauth/access_token", ("client_id", host.App.AppId), ("redirect_uri", redirect), ("client_secret", host.App.AppSecret), ("code", code));
        Assert.Equal(HttpStatusCode.OK, ok.Status);
    }

    [Theory]
    [MemberData(nameof(Hosts))]
    public async Task Long_lived_exchange_returns_a_new_60_day_token_and_an_expired_token_cannot_be_exchanged(HostKind kind)
    {
        await using var host = await EmulatorHost.StartAsync(kind);
        var user = host.Emulator.CreateTestUser();
        var result = await host.PostFormAsync("v24.0/oauth/access_token",
            ("grant_type", "fb_exchange_token"), ("client_id", host.App.AppId), ("client_secret", host.App.AppSecret), ("fb_exchange_token", user.AccessToken));

        Assert.Equal(HttpStatusCode.OK, result.Status);
        Assert.Equal(5183944, result.Json.GetProperty("expires_in").GetInt64());
        var longLived = result.Json.GetProperty("access_token").GetString()!;
        Assert.NotEqual(user.AccessToken, longLived);
        Assert.True(host.Emulator.FindToken(longLived)!.IsLongLived);

        host.Time.Advance(TimeSpan.FromHours(3));
        var expired = await host.PostFormAsync("v24.0/oauth/access_token",
            ("grant_type", "fb_exchange_token"), ("client_id", host.App.AppId), ("client_secret", host.App.AppSecret), ("fb_exchange_token", user.AccessToken));
        Assert.Equal(190, expired.ErrorCode);
        Assert.Equal(463, expired.ErrorSubcode);

        host.Time.Advance(TimeSpan.FromDays(61));
        var debug = await host.GetAsync("v24.0/debug_token", ("input_token", longLived), ("access_token", host.App.AppAccessToken));
        Assert.False(debug.Json.GetProperty("data").GetProperty("is_valid").GetBoolean());
        Assert.Equal(463, debug.Json.GetProperty("data").GetProperty("error").GetProperty("subcode").GetInt32());
    }

    [Theory]
    [MemberData(nameof(Hosts))]
    public async Task Accounts_pages_with_cursors_and_absolute_next_links_that_repeat_the_query(HostKind kind)
    {
        await using var host = await EmulatorHost.StartAsync(kind);
        var (user, longLived) = await host.CreateUserWithLongLivedTokenAsync();
        var pages = host.Emulator.CreatePages(user.Id, 30);

        var seen = new List<string>();
        var first = await host.GetAsync($"v24.0/{user.Id}/accounts", ("access_token", longLived), ("limit", "7"));
        var current = first;
        var requests = 1;
        while (true)
        {
            Assert.Equal(HttpStatusCode.OK, current.Status);
            var data = current.Json.GetProperty("data");
            seen.AddRange(data.EnumerateArray().Select(p => p.GetProperty("id").GetString()!));
            var paging = current.Json.GetProperty("paging");
            Assert.Equal(requests > 1, paging.TryGetProperty("previous", out _));
            if (!paging.TryGetProperty("next", out var next))
            {
                break;
            }

            var nextUri = new Uri(next.GetString()!);
            Assert.Equal(host.Emulator.BaseAddress.GetLeftPart(UriPartial.Authority), nextUri.GetLeftPart(UriPartial.Authority));
            Assert.Contains("access_token=" + Uri.EscapeDataString(longLived), nextUri.Query, StringComparison.Ordinal);
            Assert.Contains("limit=7", nextUri.Query, StringComparison.Ordinal);
            current = await host.SendAsync(new HttpRequestMessage(HttpMethod.Get, nextUri));
            requests++;
        }

        Assert.Equal(5, requests);
        Assert.Equal(pages.Select(p => p.Id), seen);

        var entry = first.Json.GetProperty("data")[0];
        Assert.Equal("Brand", entry.GetProperty("category").GetString());
        Assert.Equal(5, entry.GetProperty("tasks").GetArrayLength());
        Assert.StartsWith("EAA", entry.GetProperty("access_token").GetString(), StringComparison.Ordinal);

        // 'before' walks back from the second page to the first.
        var secondPageBefore = (await host.GetAsync($"v24.0/{user.Id}/accounts", ("access_token", longLived), ("limit", "7"), ("after", first.Json.GetProperty("paging").GetProperty("cursors").GetProperty("after").GetString()!)))
            .Json.GetProperty("paging").GetProperty("cursors").GetProperty("before").GetString()!;
        var back = await host.GetAsync($"v24.0/{user.Id}/accounts", ("access_token", longLived), ("limit", "7"), ("before", secondPageBefore));
        Assert.Equal(pages.Take(7).Select(p => p.Id), back.Json.GetProperty("data").EnumerateArray().Select(p => p.GetProperty("id").GetString()));
    }

    [Theory]
    [MemberData(nameof(Hosts))]
    public async Task Accounts_edges_no_pages_exact_multiple_fields_me_and_bad_cursor(HostKind kind)
    {
        await using var host = await EmulatorHost.StartAsync(kind);
        var (user, longLived) = await host.CreateUserWithLongLivedTokenAsync();

        var none = await host.GetAsync($"v24.0/me/accounts", ("access_token", longLived));
        Assert.Equal("{\"data\":[]}", none.Body);

        host.Emulator.CreatePages(user.Id, 10);
        var exact = await host.GetAsync($"v24.0/{user.Id}/accounts", ("access_token", longLived), ("limit", "10"), ("fields", "id,name"));
        Assert.Equal(10, exact.Json.GetProperty("data").GetArrayLength());
        Assert.False(exact.Json.GetProperty("paging").TryGetProperty("next", out _));
        Assert.False(exact.Json.GetProperty("data")[0].TryGetProperty("access_token", out _));

        var badCursor = await host.GetAsync($"v24.0/{user.Id}/accounts", ("access_token", longLived), ("after", "not-a-cursor"));
        Assert.Equal(100, badCursor.ErrorCode);

        var otherUser = host.Emulator.CreateTestUser();
        var foreign = await host.GetAsync($"v24.0/{otherUser.Id}/accounts", ("access_token", longLived));
        Assert.Equal(100, foreign.ErrorCode);
        Assert.Equal(33, foreign.ErrorSubcode);
    }

    [Theory]
    [MemberData(nameof(Hosts))]
    public async Task Debug_token_describes_user_page_and_app_tokens(HostKind kind)
    {
        await using var host = await EmulatorHost.StartAsync(kind);
        var (user, longLived) = await host.CreateUserWithLongLivedTokenAsync();
        host.Emulator.CreatePages(user.Id, 2);
        var pageToken = (await host.GetAsync($"v24.0/{user.Id}/accounts", ("access_token", longLived))).Json.GetProperty("data")[0];

        var userDebug = (await host.GetAsync("v24.0/debug_token", ("input_token", longLived), ("access_token", host.App.AppAccessToken))).Json.GetProperty("data");
        Assert.Equal("USER", userDebug.GetProperty("type").GetString());
        Assert.Equal(host.App.AppId, userDebug.GetProperty("app_id").GetString());
        Assert.Equal(user.Id, userDebug.GetProperty("user_id").GetString());
        Assert.True(userDebug.GetProperty("is_valid").GetBoolean());
        Assert.Equal(host.Time.GetUtcNow().ToUnixTimeSeconds() + 5183944, userDebug.GetProperty("expires_at").GetInt64());
        Assert.Equal(host.Time.GetUtcNow().AddDays(90).ToUnixTimeSeconds(), userDebug.GetProperty("data_access_expires_at").GetInt64());
        Assert.Contains(userDebug.GetProperty("granular_scopes").EnumerateArray(), g => g.GetProperty("scope").GetString() == "pages_show_list" && g.GetProperty("target_ids").GetArrayLength() == 2);

        var pageDebug = (await host.GetAsync("v24.0/debug_token", ("input_token", pageToken.GetProperty("access_token").GetString()!), ("access_token", host.App.AppAccessToken))).Json.GetProperty("data");
        Assert.Equal("PAGE", pageDebug.GetProperty("type").GetString());
        Assert.Equal(0, pageDebug.GetProperty("expires_at").GetInt64());
        Assert.Equal(pageToken.GetProperty("id").GetString(), pageDebug.GetProperty("profile_id").GetString());

        // An app token from client_credentials authenticates debug_token as well as {app-id}|{app-secret}.
        var appToken = (await host.PostFormAsync("v24.0/oauth/access_token", ("client_id", host.App.AppId), ("client_secret", host.App.AppSecret), ("grant_type", "client_credentials"))).Json;
        Assert.Equal("bearer", appToken.GetProperty("token_type").GetString());
        Assert.False(appToken.TryGetProperty("expires_in", out _));
        var appDebug = (await host.GetAsync("v24.0/debug_token", ("input_token", appToken.GetProperty("access_token").GetString()!), ("access_token", appToken.GetProperty("access_token").GetString()!))).Json.GetProperty("data");
        Assert.Equal("APP", appDebug.GetProperty("type").GetString());

        var garbage = (await host.GetAsync("v24.0/debug_token", ("input_token", "EAAGgarbage"), ("access_token", host.App.AppAccessToken))).Json.GetProperty("data");
        Assert.False(garbage.GetProperty("is_valid").GetBoolean());
        Assert.Equal(190, garbage.GetProperty("error").GetProperty("code").GetInt32());

        var wrongAppToken = await host.GetAsync("v24.0/debug_token", ("input_token", longLived), ("access_token", host.App.AppId + "|wrong"));
        Assert.Equal(HttpStatusCode.BadRequest, wrongAppToken.Status);
        Assert.Equal(190, wrongAppToken.ErrorCode);

        var noToken = await host.GetAsync("v24.0/debug_token", ("input_token", longLived));
        Assert.Equal(104, noToken.ErrorCode);
    }

    [Theory]
    [MemberData(nameof(Hosts))]
    public async Task Page_tokens_from_a_short_lived_user_token_expire_with_it(HostKind kind)
    {
        await using var host = await EmulatorHost.StartAsync(kind);
        var user = host.Emulator.CreateTestUser();
        host.Emulator.CreatePages(user.Id, 1);
        var page = (await host.GetAsync($"v24.0/{user.Id}/accounts", ("access_token", user.AccessToken))).Json.GetProperty("data")[0];

        var token = host.Emulator.FindToken(page.GetProperty("access_token").GetString()!)!;
        Assert.Equal(host.Emulator.FindToken(user.AccessToken)!.ExpiresAt, token.ExpiresAt);
    }

    [Theory]
    [MemberData(nameof(Hosts))]
    public async Task Client_code_redeems_once_without_the_secret_and_keeps_the_machine_id(HostKind kind)
    {
        await using var host = await EmulatorHost.StartAsync(kind);
        var (user, longLived) = await host.CreateUserWithLongLivedTokenAsync();
        var redirect = EmulatorHost.RedirectUri.AbsoluteUri;

        async Task<string> ClientCodeAsync() =>
            (await host.PostFormAsync("v24.0/oauth/client_code", ("client_id", host.App.AppId), ("client_secret", host.App.AppSecret), ("redirect_uri", redirect), ("access_token", longLived)))
            .Json.GetProperty("code").GetString()!;

        var code = await ClientCodeAsync();
        var redeemed = await host.PostFormAsync("v24.0/oauth/access_token", ("code", code), ("client_id", host.App.AppId), ("redirect_uri", redirect));
        Assert.Equal(HttpStatusCode.OK, redeemed.Status);
        var machineId = redeemed.Json.GetProperty("machine_id").GetString()!;
        Assert.Equal(5183944, redeemed.Json.GetProperty("expires_in").GetInt64());
        Assert.Equal(user.Id, host.Emulator.FindToken(redeemed.Json.GetProperty("access_token").GetString()!)!.UserId);

        var again = await host.PostFormAsync("v24.0/oauth/access_token", ("code", code), ("client_id", host.App.AppId), ("redirect_uri", redirect));
        Assert.Equal(36009, again.ErrorSubcode);

        var withMachine = await host.PostFormAsync("v24.0/oauth/access_token", ("code", await ClientCodeAsync()), ("client_id", host.App.AppId), ("redirect_uri", redirect), ("machine_id", machineId));
        Assert.Equal(machineId, withMachine.Json.GetProperty("machine_id").GetString());
    }

    [Theory]
    [MemberData(nameof(Hosts))]
    public async Task Appsecret_proof_is_required_when_the_app_says_so_and_checked_when_sent(HostKind kind)
    {
        await using var host = await EmulatorHost.StartAsync(kind, o => o.RequireAppSecretProof = true);
        var (user, longLived) = await host.CreateUserWithLongLivedTokenAsync();

        var missing = await host.GetAsync("v24.0/me", ("access_token", longLived));
        Assert.Equal(100, missing.ErrorCode);
        Assert.Equal("GraphMethodException", missing.Error.GetProperty("type").GetString());
        Assert.Equal("API calls from the server require an appsecret_proof argument", missing.Error.GetProperty("message").GetString());

        var wrong = await host.GetAsync("v24.0/me", ("access_token", longLived), ("appsecret_proof", new string('0', 64)));
        Assert.Equal("Invalid appsecret_proof provided in the API argument", wrong.Error.GetProperty("message").GetString());

        var proof = Convert.ToHexStringLower(HMACSHA256.HashData(Encoding.UTF8.GetBytes(host.App.AppSecret), Encoding.UTF8.GetBytes(longLived)));
        var ok = await host.GetAsync("v24.0/me", ("access_token", longLived), ("appsecret_proof", proof));
        Assert.Equal(HttpStatusCode.OK, ok.Status);
        Assert.Equal(user.Id, ok.Json.GetProperty("id").GetString());
    }

    [Theory]
    [MemberData(nameof(Hosts))]
    public async Task Batch_debug_token_answers_in_order_with_json_bodies_as_strings(HostKind kind)
    {
        await using var host = await EmulatorHost.StartAsync(kind);
        var (_, longLived) = await host.CreateUserWithLongLivedTokenAsync();
        var batch = JsonSerializer.Serialize(new[]
        {
            new { method = "GET", relative_url = "debug_token?input_token=" + Uri.EscapeDataString(longLived) },
            new { method = "GET", relative_url = "debug_token?input_token=EAAGunknown" },
        });

        var result = await host.PostFormAsync(string.Empty, ("access_token", host.App.AppAccessToken), ("batch", batch));

        Assert.Equal(HttpStatusCode.OK, result.Status);
        var items = result.Json.EnumerateArray().ToList();
        Assert.Equal(2, items.Count);
        Assert.All(items, i => Assert.Equal(200, i.GetProperty("code").GetInt32()));
        Assert.Contains(items[0].GetProperty("headers").EnumerateArray(), h => h.GetProperty("name").GetString() == "Content-Type");
        var body0 = JsonDocument.Parse(items[0].GetProperty("body").GetString()!).RootElement.GetProperty("data");
        Assert.True(body0.GetProperty("is_valid").GetBoolean());
        var body1 = JsonDocument.Parse(items[1].GetProperty("body").GetString()!).RootElement.GetProperty("data");
        Assert.False(body1.GetProperty("is_valid").GetBoolean());
        Assert.Equal(1, host.Emulator.GetCallCount(GraphEndpoint.Batch));
        Assert.Equal(2, host.Emulator.GetCallCount(GraphEndpoint.DebugToken));
    }

    [Theory]
    [MemberData(nameof(Hosts))]
    public async Task Batch_refuses_more_than_50_and_leaves_faulted_operations_null(HostKind kind)
    {
        await using var host = await EmulatorHost.StartAsync(kind);
        var op = new { method = "GET", relative_url = "debug_token?input_token=x" };
        var tooMany = await host.PostFormAsync("v24.0/", ("access_token", host.App.AppAccessToken), ("batch", JsonSerializer.Serialize(Enumerable.Repeat(op, 51))));
        Assert.Equal(100, tooMany.ErrorCode);

        host.Emulator.Faults.FailNext(1, EmulatorFault.ConnectionReset, GraphEndpoint.DebugToken);
        var partial = await host.PostFormAsync("v24.0/", ("access_token", host.App.AppAccessToken), ("batch", JsonSerializer.Serialize(Enumerable.Repeat(op, 3))));
        var items = partial.Json.EnumerateArray().ToList();
        Assert.Equal(JsonValueKind.Null, items[0].ValueKind);
        Assert.Equal(JsonValueKind.Object, items[1].ValueKind);
    }

    [Theory]
    [MemberData(nameof(Hosts))]
    public async Task Usage_headers_report_the_percent_of_the_hourly_budget(HostKind kind)
    {
        await using var host = await EmulatorHost.StartAsync(kind, o => o.CallBudgetPerHour = 10);
        for (var i = 0; i < 3; i++)
        {
            await host.GetAsync("v24.0/debug_token", ("input_token", "x"), ("access_token", host.App.AppAccessToken));
        }

        var fourth = await host.GetAsync("v24.0/debug_token", ("input_token", "x"), ("access_token", host.App.AppAccessToken));
        using var usage = JsonDocument.Parse(fourth.Headers["X-App-Usage"]);
        Assert.Equal(40, usage.RootElement.GetProperty("call_count").GetInt32());

        host.Time.Advance(TimeSpan.FromMinutes(61));
        var later = await host.GetAsync("v24.0/debug_token", ("input_token", "x"), ("access_token", host.App.AppAccessToken));
        using var laterUsage = JsonDocument.Parse(later.Headers["X-App-Usage"]);
        Assert.Equal(10, laterUsage.RootElement.GetProperty("call_count").GetInt32());

        for (var i = 0; i < 10; i++)
        {
            await host.GetAsync("v24.0/debug_token", ("input_token", "x"), ("access_token", host.App.AppAccessToken));
        }

        var over = await host.GetAsync("v24.0/debug_token", ("input_token", "x"), ("access_token", host.App.AppAccessToken));
        Assert.Equal(4, over.ErrorCode);
    }

    [Theory]
    [MemberData(nameof(Hosts))]
    public async Task Unknown_paths_get_graphs_error_and_are_counted(HostKind kind)
    {
        await using var host = await EmulatorHost.StartAsync(kind);
        var result = await host.GetAsync("v24.0/nope/nothing/here");
        Assert.Equal(2500, result.ErrorCode);
        Assert.Equal(1, host.Emulator.GetCallCount(GraphEndpoint.Unknown));
    }
}
