using System.Net;
using System.Net.Http.Headers;
using System.Security.Cryptography;
using System.Text;
using FbTokens.Testing.Tests.Framework;

namespace FbTokens.Testing.Tests;

/// <summary>
/// Graph takes the caller's token from the <c>Authorization</c> header (<c>Bearer</c> or <c>OAuth</c>) as well as
/// from the <c>access_token</c> parameter; the emulator does the same on both hosts, for every endpoint that reads it.
/// </summary>
public sealed class EmulatorAuthorizationHeaderTests
{
    public static TheoryData<HostKind, string> HostsAndSchemes => new()
    {
        { HostKind.InMemory, "Bearer" },
        { HostKind.InMemory, "OAuth" },
        { HostKind.InMemory, "bearer" },
        { HostKind.Kestrel, "Bearer" },
        { HostKind.Kestrel, "OAuth" },
    };

    public static TheoryData<HostKind> Hosts => new() { HostKind.InMemory, HostKind.Kestrel };

    private static HttpRequestMessage Get(string pathAndQuery, string scheme, string token)
    {
        var request = new HttpRequestMessage(HttpMethod.Get, pathAndQuery);
        request.Headers.Authorization = new AuthenticationHeaderValue(scheme, token);
        return request;
    }

    [Theory]
    [MemberData(nameof(HostsAndSchemes))]
    public async Task A_user_token_in_the_header_reads_me_and_accounts_and_next_links_do_not_copy_it(HostKind kind, string scheme)
    {
        await using var host = await EmulatorHost.StartAsync(kind);
        var (user, longLived) = await host.CreateUserWithLongLivedTokenAsync();
        host.Emulator.CreatePages(user.Id, 3);

        var me = await host.SendAsync(Get("v24.0/me", scheme, longLived));
        Assert.Equal(HttpStatusCode.OK, me.Status);
        Assert.Equal(user.Id, me.Json.GetProperty("id").GetString());

        var first = await host.SendAsync(Get($"v24.0/{user.Id}/accounts?limit=2", scheme, longLived));
        Assert.Equal(HttpStatusCode.OK, first.Status);
        Assert.Equal(2, first.Json.GetProperty("data").GetArrayLength());
        var next = first.Json.GetProperty("paging").GetProperty("next").GetString()!;
        Assert.DoesNotContain(longLived, next, StringComparison.Ordinal);
        Assert.DoesNotContain("access_token=", new Uri(next).Query, StringComparison.Ordinal);

        var second = await host.SendAsync(Get(next, scheme, longLived));
        Assert.Equal(HttpStatusCode.OK, second.Status);
        Assert.Equal(1, second.Json.GetProperty("data").GetArrayLength());
    }

    [Theory]
    [MemberData(nameof(Hosts))]
    public async Task Debug_token_takes_the_app_token_from_the_header_and_the_input_token_from_the_query(HostKind kind)
    {
        await using var host = await EmulatorHost.StartAsync(kind);
        var (user, longLived) = await host.CreateUserWithLongLivedTokenAsync();

        var debug = await host.SendAsync(Get("v24.0/debug_token?input_token=" + Uri.EscapeDataString(longLived), "Bearer", host.App.AppAccessToken));

        Assert.Equal(HttpStatusCode.OK, debug.Status);
        Assert.True(debug.Json.GetProperty("data").GetProperty("is_valid").GetBoolean());
        Assert.Equal(user.Id, debug.Json.GetProperty("data").GetProperty("user_id").GetString());
    }

    [Theory]
    [MemberData(nameof(Hosts))]
    public async Task A_header_in_another_scheme_or_without_a_token_is_no_credential(HostKind kind)
    {
        await using var host = await EmulatorHost.StartAsync(kind);
        var (_, longLived) = await host.CreateUserWithLongLivedTokenAsync();

        var basic = await host.SendAsync(Get("v24.0/me", "Basic", longLived));
        Assert.Equal(104, basic.ErrorCode);

        var empty = new HttpRequestMessage(HttpMethod.Get, "v24.0/me");
        empty.Headers.TryAddWithoutValidation("Authorization", "Bearer");
        Assert.Equal(104, (await host.SendAsync(empty)).ErrorCode);

        var unknown = await host.SendAsync(Get("v24.0/me", "Bearer", "EAAGnotATokenTheEmulatorIssued"));
        Assert.Equal(190, unknown.ErrorCode);
    }

    [Theory]
    [MemberData(nameof(Hosts))]
    public async Task The_proof_is_checked_against_the_header_token(HostKind kind)
    {
        await using var host = await EmulatorHost.StartAsync(kind, o => o.RequireAppSecretProof = true);
        var (user, longLived) = await host.CreateUserWithLongLivedTokenAsync();
        var proof = Convert.ToHexStringLower(HMACSHA256.HashData(Encoding.UTF8.GetBytes(host.App.AppSecret), Encoding.UTF8.GetBytes(longLived)));

        var missing = await host.SendAsync(Get("v24.0/me", "Bearer", longLived));
        Assert.Equal(100, missing.ErrorCode);

        var wrong = await host.SendAsync(Get("v24.0/me?appsecret_proof=" + new string('0', 64), "Bearer", longLived));
        Assert.Equal("Invalid appsecret_proof provided in the API argument", wrong.Error.GetProperty("message").GetString());

        var ok = await host.SendAsync(Get("v24.0/me?appsecret_proof=" + proof, "Bearer", longLived));
        Assert.Equal(HttpStatusCode.OK, ok.Status);
        Assert.Equal(user.Id, ok.Json.GetProperty("id").GetString());
    }
}
