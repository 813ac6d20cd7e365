using System.Net;
using System.Text.Json;
using FbTokens.Testing.Tests.Framework;

namespace FbTokens.Testing.Tests;

public sealed class EmulatorFaultTests
{
    public static TheoryData<HostKind> Hosts => new() { HostKind.InMemory, HostKind.Kestrel };

    public static TheoryData<HostKind, TokenInvalidationReason> InvalidationCases()
    {
        var data = new TheoryData<HostKind, TokenInvalidationReason>();
        foreach (var kind in new[] { HostKind.InMemory, HostKind.Kestrel })
        {
            foreach (var reason in new[] { TokenInvalidationReason.Expired, TokenInvalidationReason.PasswordChanged, TokenInvalidationReason.InvalidAccessToken, TokenInvalidationReason.AppNotInstalled, TokenInvalidationReason.UserCheckpointed })
            {
                data.Add(kind, reason);
            }
        }

        return data;
    }

    [Theory]
    [MemberData(nameof(InvalidationCases))]
    public async Task Invalidated_tokens_fail_with_190_and_the_reasons_subcode(HostKind kind, TokenInvalidationReason reason)
    {
        await using var host = await EmulatorHost.StartAsync(kind);
        var (user, longLived) = await host.CreateUserWithLongLivedTokenAsync();
        host.Emulator.CreatePages(user.Id, 1);
        var pageToken = (await host.GetAsync($"v24.0/{user.Id}/accounts", ("access_token", longLived))).Json.GetProperty("data")[0].GetProperty("access_token").GetString()!;

        Assert.Equal(3, host.Emulator.InvalidateUserTokens(user.Id, reason));

        var call = await host.GetAsync("v24.0/me", ("access_token", longLived));
        Assert.Equal(HttpStatusCode.BadRequest, call.Status);
        Assert.Equal(190, call.ErrorCode);
        Assert.Equal((int)reason, call.ErrorSubcode);
        Assert.StartsWith("Error validating access token", call.Error.GetProperty("message").GetString(), StringComparison.Ordinal);

        var debug = (await host.GetAsync("v24.0/debug_token", ("input_token", pageToken), ("access_token", host.App.AppAccessToken))).Json.GetProperty("data");
        Assert.False(debug.GetProperty("is_valid").GetBoolean());
        Assert.Equal((int)reason, debug.GetProperty("error").GetProperty("subcode").GetInt32());

        // A new login works again.
        var fresh = host.Emulator.IssueUserToken(user.Id);
        Assert.Equal(HttpStatusCode.OK, (await host.GetAsync("v24.0/me", ("access_token", fresh))).Status);
    }

    [Theory]
    [MemberData(nameof(Hosts))]
    public async Task Throttles_answer_with_the_code_retry_after_and_usage_until_they_lapse(HostKind kind)
    {
        await using var host = await EmulatorHost.StartAsync(kind);
        var (user, longLived) = await host.CreateUserWithLongLivedTokenAsync();
        var page = host.Emulator.CreatePages(user.Id, 1)[0];
        var pageToken = (await host.GetAsync($"v24.0/{user.Id}/accounts", ("access_token", longLived))).Json.GetProperty("data")[0].GetProperty("access_token").GetString()!;

        host.Emulator.Faults.RateLimitApp(host.App.AppId, TimeSpan.FromMinutes(2));
        var app = await host.GetAsync("v24.0/debug_token", ("input_token", longLived), ("access_token", host.App.AppAccessToken));
        Assert.Equal(4, app.ErrorCode);
        Assert.Equal("120", app.Headers["Retry-After"]);
        Assert.Contains("\"call_count\":100", app.Headers["X-App-Usage"], StringComparison.Ordinal);
        host.Time.Advance(TimeSpan.FromMinutes(2));
        Assert.Equal(HttpStatusCode.OK, (await host.GetAsync("v24.0/debug_token", ("input_token", longLived), ("access_token", host.App.AppAccessToken))).Status);

        host.Emulator.Faults.RateLimitUser(user.Id, TimeSpan.FromMinutes(5), code: 613);
        var userCall = await host.GetAsync("v24.0/me", ("access_token", longLived));
        Assert.Equal(613, userCall.ErrorCode);

        host.Time.Advance(TimeSpan.FromMinutes(5));
        host.Emulator.Faults.RateLimitPage(page.Id, TimeSpan.FromMinutes(7), code: 80001, sendRetryAfter: false);
        var pageCall = await host.GetAsync("v24.0/me", ("access_token", pageToken));
        Assert.Equal(80001, pageCall.ErrorCode);
        Assert.False(pageCall.Headers.ContainsKey("Retry-After"));
        using var buc = JsonDocument.Parse(pageCall.Headers["X-Business-Use-Case-Usage"]);
        var bucket = buc.RootElement.GetProperty(page.Id)[0];
        Assert.Equal("pages", bucket.GetProperty("type").GetString());
        Assert.Equal(7, bucket.GetProperty("estimated_time_to_regain_access").GetInt32());
    }

    [Theory]
    [MemberData(nameof(Hosts))]
    public async Task Transient_faults_hit_the_next_n_calls_only(HostKind kind)
    {
        await using var host = await EmulatorHost.StartAsync(kind);
        host.Emulator.Faults.FailNext(2, EmulatorFault.TransientError);
        host.Emulator.Faults.FailNext(1, EmulatorFault.ServiceUnavailable);

        var first = await host.GetAsync("v24.0/debug_token", ("input_token", "x"), ("access_token", host.App.AppAccessToken));
        Assert.Equal(HttpStatusCode.InternalServerError, first.Status);
        Assert.Equal(2, first.ErrorCode);
        Assert.True(first.Error.GetProperty("is_transient").GetBoolean());
        Assert.Equal(2, (await host.GetAsync("v24.0/debug_token", ("input_token", "x"), ("access_token", host.App.AppAccessToken))).ErrorCode);

        var third = await host.GetAsync("v24.0/debug_token", ("input_token", "x"), ("access_token", host.App.AppAccessToken));
        Assert.Equal(HttpStatusCode.ServiceUnavailable, third.Status);
        Assert.Equal("text/html", third.MediaType);

        Assert.Equal(HttpStatusCode.OK, (await host.GetAsync("v24.0/debug_token", ("input_token", "x"), ("access_token", host.App.AppAccessToken))).Status);
    }

    [Theory]
    [MemberData(nameof(Hosts))]
    public async Task Broken_bodies_are_served_as_asked(HostKind kind)
    {
        await using var host = await EmulatorHost.StartAsync(kind);
        host.Emulator.Faults.FailNext(1, EmulatorFault.TruncatedBody, GraphEndpoint.DebugToken);
        host.Emulator.Faults.FailNext(1, EmulatorFault.HtmlBody, GraphEndpoint.DebugToken);
        host.Emulator.Faults.FailNext(1, EmulatorFault.EmptyBody, GraphEndpoint.DebugToken);

        var truncated = await host.GetAsync("v24.0/debug_token", ("input_token", "x"), ("access_token", host.App.AppAccessToken));
        Assert.Equal(HttpStatusCode.OK, truncated.Status);
        Assert.ThrowsAny<JsonException>(() => JsonDocument.Parse(truncated.Body));

        var html = await host.GetAsync("v24.0/debug_token", ("input_token", "x"), ("access_token", host.App.AppAccessToken));
        Assert.Equal("text/html", html.MediaType);
        Assert.StartsWith("<!DOCTYPE html>", html.Body, StringComparison.Ordinal);

        var empty = await host.GetAsync("v24.0/debug_token", ("input_token", "x"), ("access_token", host.App.AppAccessToken));
        Assert.Equal(string.Empty, empty.Body);
    }

    [Theory]
    [MemberData(nameof(Hosts))]
    public async Task A_connection_reset_surfaces_as_HttpRequestException(HostKind kind)
    {
        await using var host = await EmulatorHost.StartAsync(kind);
        host.Emulator.Faults.FailNext(1, EmulatorFault.ConnectionReset);

        await Assert.ThrowsAsync<HttpRequestException>(() => host.GetAsync("v24.0/debug_token", ("input_token", "x"), ("access_token", host.App.AppAccessToken)));
        Assert.Equal(HttpStatusCode.OK, (await host.GetAsync("v24.0/debug_token", ("input_token", "x"), ("access_token", host.App.AppAccessToken))).Status);
    }

    [Theory]
    [MemberData(nameof(Hosts))]
    public async Task Latency_waits_on_the_emulators_clock(HostKind kind)
    {
        await using var host = await EmulatorHost.StartAsync(kind);
        host.Emulator.Faults.SetLatency(TimeSpan.FromSeconds(30), GraphEndpoint.DebugToken);

        var call = host.GetAsync("v24.0/debug_token", ("input_token", "x"), ("access_token", host.App.AppAccessToken));

        // The request is parked on the fake clock: it cannot complete until 30 fake seconds have passed.
        var advanced = await FakeClock.AdvanceUntilCompletedAsync(host.Time, call, () => host.Emulator.GetCallCount(GraphEndpoint.DebugToken) > 0, TimeSpan.FromSeconds(1));
        Assert.True(advanced >= TimeSpan.FromSeconds(30));
        Assert.Equal(HttpStatusCode.OK, (await call).Status);
    }
}
