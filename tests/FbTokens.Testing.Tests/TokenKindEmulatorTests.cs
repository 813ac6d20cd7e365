using System.Net;
using FbTokens.Testing.Tests.Framework;

namespace FbTokens.Testing.Tests;

/// <summary>
/// Each token kind's rules from docs/token-kinds.md, in both hosts, and where the answer depends on it under both
/// values of <see cref="GraphTokenEmulatorOptions.LongLivedExchangeExtends"/>.
/// </summary>
public sealed class TokenKindEmulatorTests
{
    private const long SixtyDays = 5_183_944;

    public static TheoryData<HostKind> Hosts => new() { HostKind.InMemory, HostKind.Kestrel };

    public static TheoryData<HostKind, bool> HostsAndModes => new()
    {
        { HostKind.InMemory, false },
        { HostKind.InMemory, true },
        { HostKind.Kestrel, false },
        { HostKind.Kestrel, true },
    };

    [Theory]
    [MemberData(nameof(HostsAndModes))]
    public async Task Re_exchanging_a_long_lived_token_keeps_its_expiry_unless_the_option_extends_it(HostKind kind, bool extends)
    {
        await using var host = await EmulatorHost.StartAsync(kind, o => o.LongLivedExchangeExtends = extends);
        var (_, longLived) = await host.CreateUserWithLongLivedTokenAsync();
        var expiresAt = host.Emulator.FindToken(longLived)!.ExpiresAt;
        host.Time.Advance(TimeSpan.FromDays(10));

        var again = await ExchangeAsync(host, longLived);

        Assert.Equal(HttpStatusCode.OK, again.Status);
        var value = again.Json.GetProperty("access_token").GetString()!;
        var expiresIn = again.Json.GetProperty("expires_in").GetInt64();
        if (extends)
        {
            Assert.NotEqual(longLived, value);
            Assert.Equal(SixtyDays, expiresIn);
            Assert.Equal(host.Time.GetUtcNow().AddSeconds(SixtyDays), host.Emulator.FindToken(value)!.ExpiresAt);
        }
        else
        {
            // The field reports: the same token back, its expiry untouched, so expires_in is what is left.
            Assert.Equal(longLived, value);
            Assert.Equal(SixtyDays - (long)TimeSpan.FromDays(10).TotalSeconds, expiresIn);
            Assert.Equal(expiresAt, host.Emulator.FindToken(value)!.ExpiresAt);
        }

        // Either way the token's own expiry still ends the original.
        host.Time.Advance(TimeSpan.FromDays(51));
        var late = await ExchangeAsync(host, longLived);
        Assert.Equal(190, late.ErrorCode);
        Assert.Equal(463, late.ErrorSubcode);
    }

    [Theory]
    [MemberData(nameof(HostsAndModes))]
    public async Task A_new_login_exchanged_gives_a_fresh_60_days_in_both_modes(HostKind kind, bool extends)
    {
        await using var host = await EmulatorHost.StartAsync(kind, o => o.LongLivedExchangeExtends = extends);
        var (user, longLived) = await host.CreateUserWithLongLivedTokenAsync();
        host.Time.Advance(TimeSpan.FromDays(50));

        var shortLived = await RedeemNewLoginAsync(host, user.Id);
        var renewed = await ExchangeAsync(host, shortLived);

        Assert.Equal(HttpStatusCode.OK, renewed.Status);
        var value = renewed.Json.GetProperty("access_token").GetString()!;
        Assert.NotEqual(longLived, value);
        Assert.NotEqual(shortLived, value);
        Assert.Equal(SixtyDays, renewed.Json.GetProperty("expires_in").GetInt64());
        Assert.True(host.Emulator.FindToken(value)!.IsLongLived);
    }

    [Theory]
    [MemberData(nameof(Hosts))]
    public async Task Page_tokens_from_a_short_lived_user_token_expire_with_it(HostKind kind)
    {
        await using var host = await EmulatorHost.StartAsync(kind);
        var user = host.Emulator.CreateTestUser();
        host.Emulator.CreatePage(user.Id);
        var userExpiry = host.Emulator.FindToken(user.AccessToken)!.ExpiresAt!.Value;

        var pageToken = await FirstPageTokenAsync(host, user.AccessToken);
        var debug = await DebugAsync(host, pageToken);
        Assert.Equal(userExpiry.ToUnixTimeSeconds(), debug.GetProperty("expires_at").GetInt64());
        Assert.Equal(HttpStatusCode.OK, (await host.GetAsync("v24.0/me", ("access_token", pageToken))).Status);

        host.Time.Advance(userExpiry - host.Time.GetUtcNow());
        var me = await host.GetAsync("v24.0/me", ("access_token", pageToken));
        Assert.Equal(190, me.ErrorCode);
        Assert.Equal(463, me.ErrorSubcode);
        Assert.False((await DebugAsync(host, pageToken)).GetProperty("is_valid").GetBoolean());
    }

    [Theory]
    [MemberData(nameof(Hosts))]
    public async Task Page_tokens_from_a_long_lived_user_token_do_not_expire(HostKind kind)
    {
        await using var host = await EmulatorHost.StartAsync(kind);
        var (user, longLived) = await host.CreateUserWithLongLivedTokenAsync();
        host.Emulator.CreatePage(user.Id);

        var pageToken = await FirstPageTokenAsync(host, longLived);
        Assert.Equal(0, (await DebugAsync(host, pageToken)).GetProperty("expires_at").GetInt64());

        // Past the user token's 60 days the page token still works.
        host.Time.Advance(TimeSpan.FromDays(61));
        Assert.Equal(463, (await host.GetAsync("v24.0/me", ("access_token", longLived))).ErrorSubcode);
        Assert.Equal(HttpStatusCode.OK, (await host.GetAsync("v24.0/me", ("access_token", pageToken))).Status);
        Assert.True((await DebugAsync(host, pageToken)).GetProperty("is_valid").GetBoolean());
    }

    [Theory]
    [MemberData(nameof(HostsAndModes))]
    public async Task The_data_access_window_closes_90_days_after_the_last_login_and_only_a_new_login_reopens_it(HostKind kind, bool extends)
    {
        await using var host = await EmulatorHost.StartAsync(kind, o => o.LongLivedExchangeExtends = extends);
        var user = host.Emulator.CreateTestUser();
        host.Emulator.CreatePage(user.Id);
        var loggedInAt = host.Time.GetUtcNow();

        // Day 50: a long-lived token minted server-side (no login): it outlives the window, which still counts from day 0.
        host.Time.Advance(TimeSpan.FromDays(50));
        var longLived = host.Emulator.IssueUserToken(user.Id, longLived: true);
        var debug = await DebugAsync(host, longLived);
        Assert.Equal(loggedInAt.AddDays(90).ToUnixTimeSeconds(), debug.GetProperty("data_access_expires_at").GetInt64());

        // Day 89: a re-exchange, in either mode, is no sign of the person: the window does not move.
        host.Time.Advance(TimeSpan.FromDays(39));
        var exchanged = (await ExchangeAsync(host, longLived)).Json.GetProperty("access_token").GetString()!;
        Assert.Equal(loggedInAt.AddDays(90).ToUnixTimeSeconds(), (await DebugAsync(host, exchanged)).GetProperty("data_access_expires_at").GetInt64());
        Assert.Equal(HttpStatusCode.OK, (await host.GetAsync("v24.0/me", ("access_token", longLived))).Status);

        // Day 90: closed. The token still authenticates, /accounts (pages_show_list does not expire) still answers,
        // but the person's data does not.
        host.Time.Advance(TimeSpan.FromDays(1));
        var me = await host.GetAsync("v24.0/me", ("access_token", longLived));
        Assert.Equal(HttpStatusCode.BadRequest, me.Status);
        Assert.Equal(190, me.ErrorCode);
        Assert.Equal(493, me.ErrorSubcode);
        debug = await DebugAsync(host, longLived);
        Assert.True(debug.GetProperty("is_valid").GetBoolean());
        Assert.True(debug.GetProperty("data_access_expires_at").GetInt64() <= host.Time.GetUtcNow().ToUnixTimeSeconds());
        Assert.Equal(HttpStatusCode.OK, (await host.GetAsync("v24.0/me/accounts", ("access_token", longLived))).Status);

        // A new login reopens it, for the tokens the person already had too.
        host.Time.Advance(TimeSpan.FromDays(2));
        await RedeemNewLoginAsync(host, user.Id);
        Assert.Equal(HttpStatusCode.OK, (await host.GetAsync("v24.0/me", ("access_token", longLived))).Status);
        Assert.Equal(host.Time.GetUtcNow().AddDays(90).ToUnixTimeSeconds(), (await DebugAsync(host, longLived)).GetProperty("data_access_expires_at").GetInt64());
        Assert.Equal(host.Time.GetUtcNow().AddDays(90), host.Emulator.FindToken(longLived)!.DataAccessExpiresAt);
    }

    [Theory]
    [MemberData(nameof(Hosts))]
    public async Task A_short_lived_token_minted_for_the_person_also_reopens_the_window(HostKind kind)
    {
        await using var host = await EmulatorHost.StartAsync(kind);
        var user = host.Emulator.CreateTestUser();
        host.Time.Advance(TimeSpan.FromDays(91));
        var longLived = host.Emulator.IssueUserToken(user.Id, longLived: true);
        Assert.Equal(493, (await host.GetAsync("v24.0/me", ("access_token", longLived))).ErrorSubcode);

        host.Emulator.IssueUserToken(user.Id, longLived: false);

        Assert.Equal(HttpStatusCode.OK, (await host.GetAsync("v24.0/me", ("access_token", longLived))).Status);
    }

    [Theory]
    [MemberData(nameof(HostsAndModes))]
    public async Task A_non_expiring_system_user_token_is_reported_as_such_and_an_exchange_gives_it_back_unchanged(HostKind kind, bool extends)
    {
        await using var host = await EmulatorHost.StartAsync(kind, o => o.LongLivedExchangeExtends = extends);
        var systemUser = host.Emulator.CreateSystemUser("Ops Bot");

        var debug = await DebugAsync(host, systemUser.AccessToken);
        Assert.Equal("SYSTEM_USER", debug.GetProperty("type").GetString());
        Assert.Equal(0, debug.GetProperty("expires_at").GetInt64());
        Assert.Equal(0, debug.GetProperty("data_access_expires_at").GetInt64());
        Assert.Equal(systemUser.Id, debug.GetProperty("user_id").GetString());
        Assert.True(debug.GetProperty("is_valid").GetBoolean());
        Assert.Equal(EmulatedTokenKind.SystemUser, host.Emulator.FindToken(systemUser.AccessToken)!.Kind);

        var renewal = await ExchangeAsync(host, systemUser.AccessToken, ("set_token_expires_in_60_days", "true"));
        Assert.Equal(HttpStatusCode.OK, renewal.Status);
        Assert.Equal(systemUser.AccessToken, renewal.Json.GetProperty("access_token").GetString());
        Assert.False(renewal.Json.TryGetProperty("expires_in", out _));

        // No data-access window: a year on, it still reads.
        host.Time.Advance(TimeSpan.FromDays(365));
        var me = await host.GetAsync("v24.0/me", ("access_token", systemUser.AccessToken));
        Assert.Equal(HttpStatusCode.OK, me.Status);
        Assert.Equal("Ops Bot", me.Json.GetProperty("name").GetString());
    }

    [Theory]
    [MemberData(nameof(HostsAndModes))]
    public async Task A_60_day_system_user_token_is_renewed_by_an_exchange_with_the_flag_and_forfeited_after_expiry(HostKind kind, bool extends)
    {
        await using var host = await EmulatorHost.StartAsync(kind, o => o.LongLivedExchangeExtends = extends);
        var systemUser = host.Emulator.CreateSystemUser(tokenExpiresIn60Days: true);
        var old = systemUser.AccessToken;
        Assert.Equal(host.Time.GetUtcNow().AddSeconds(SixtyDays).ToUnixTimeSeconds(), (await DebugAsync(host, old)).GetProperty("expires_at").GetInt64());
        host.Time.Advance(TimeSpan.FromDays(50));

        // Without the flag nothing moves (the same token, what is left of its 60 days).
        var unflagged = await ExchangeAsync(host, old);
        Assert.Equal(old, unflagged.Json.GetProperty("access_token").GetString());
        Assert.Equal(SixtyDays - (long)TimeSpan.FromDays(50).TotalSeconds, unflagged.Json.GetProperty("expires_in").GetInt64());

        var renewal = await ExchangeAsync(host, old, ("set_token_expires_in_60_days", "true"));
        Assert.Equal(HttpStatusCode.OK, renewal.Status);
        Assert.Equal("bearer", renewal.Json.GetProperty("token_type").GetString());
        var renewed = renewal.Json.GetProperty("access_token").GetString()!;
        Assert.NotEqual(old, renewed);
        Assert.Equal(SixtyDays, renewal.Json.GetProperty("expires_in").GetInt64());
        Assert.Equal(EmulatedTokenKind.SystemUser, host.Emulator.FindToken(renewed)!.Kind);

        // The old token works until creation + 60 days; then it is forfeited and cannot be renewed.
        Assert.Equal(HttpStatusCode.OK, (await host.GetAsync("v24.0/me", ("access_token", old))).Status);
        host.Time.Advance(TimeSpan.FromDays(11));
        Assert.Equal(463, (await host.GetAsync("v24.0/me", ("access_token", old))).ErrorSubcode);
        var forfeited = await ExchangeAsync(host, old, ("set_token_expires_in_60_days", "true"));
        Assert.Equal(190, forfeited.ErrorCode);
        Assert.Equal(463, forfeited.ErrorSubcode);
        Assert.Equal(HttpStatusCode.OK, (await host.GetAsync("v24.0/me", ("access_token", renewed))).Status);
    }

    private static Task<GraphResult> ExchangeAsync(EmulatorHost host, string token, params (string Name, string Value)[] extra) =>
        host.PostFormAsync("v24.0/oauth/access_token",
            [("grant_type", "fb_exchange_token"), ("client_id", host.App.AppId), ("client_secret", host.App.AppSecret), ("fb_exchange_token", token), .. extra]);

    private static async Task<string> RedeemNewLoginAsync(EmulatorHost host, string userId)
    {
        var code = host.Emulator.CreateAuthorizationCode(userId, EmulatorHost.RedirectUri);
        var result = await host.PostFormAsync("v24.0/oauth/access_token",
            ("client_id", host.App.AppId), ("redirect_uri", EmulatorHost.RedirectUri.AbsoluteUri), ("client_secret", host.App.AppSecret), ("code", code));
        Assert.Equal(HttpStatusCode.OK, result.Status);
        return result.Json.GetProperty("access_token").GetString()!;
    }

    private static async Task<string> FirstPageTokenAsync(EmulatorHost host, string userToken)
    {
        var accounts = await host.GetAsync("v24.0/me/accounts", ("access_token", userToken));
        Assert.Equal(HttpStatusCode.OK, accounts.Status);
        return accounts.Json.GetProperty("data")[0].GetProperty("access_token").GetString()!;
    }

    private static async Task<System.Text.Json.JsonElement> DebugAsync(EmulatorHost host, string token)
    {
        var result = await host.GetAsync("v24.0/debug_token", ("input_token", token), ("access_token", host.App.AppAccessToken));
        Assert.Equal(HttpStatusCode.OK, result.Status);
        return result.Json.GetProperty("data");
    }
}
