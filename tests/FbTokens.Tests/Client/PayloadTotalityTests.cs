using System.Net;
using FbTokens.Tests.Framework;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using static FbTokens.Tests.Framework.GraphPayloads;

namespace FbTokens.Tests.Client;

/// <summary>
/// Issue 12 defects 3, 4, 5 and 12, and the real payloads: whatever a success body holds, the caller gets a record or a
/// <see cref="GraphProtocolException"/> that keeps the status, never a crash, and never loses a token bought with a code.
/// </summary>
public sealed class PayloadTotalityTests : IDisposable
{
    private const int NormalisedEventId = 1020;
    private static readonly Uri Redirect = new("https://app.example.com/facebook/callback");
    private readonly CapturingLoggerProvider _logs = new();
    private readonly GraphTestHost _host;

    public PayloadTotalityTests()
    {
        _host = new GraphTestHost(builder: b => b.Services.AddLogging(l => l.AddProvider(_logs).SetMinimumLevel(LogLevel.Trace)));
    }

    public void Dispose() => _host.Dispose();

    /// <summary>expires_in values that cannot be a lifetime: past DateTimeOffset's range, zero, negative, not a whole number.</summary>
    public static TheoryData<string> OddExpiresIn =>
    [
        "253402300800", "9223372036854775807", "0", "-1", "-9223372036854775808", "1e300", "18446744073709551616",
        "1.5", "\"soon\"", "true", "{\"seconds\":1}", "[5183944]",
    ];

    private static string TokenJson(string token, string expiresIn, string extra = "") =>
        "{\"access_token\":\"" + token + "\",\"token_type\":\"bearer\",\"expires_in\":" + expiresIn + extra + "}";

    // ---- defect 3 and 12: expires_in -------------------------------------------------------------------------------

    [Theory]
    [MemberData(nameof(OddExpiresIn))]
    public async Task ExchangeCode_returns_the_token_with_unknown_expiry_when_expires_in_is_odd(string expiresIn)
    {
        _host.On(HttpMethod.Post, "oauth/access_token", TokenJson(ShortLivedToken, expiresIn));

        var token = await _host.Client.ExchangeCodeAsync(Code, Redirect);

        Assert.Equal(ShortLivedToken, token.AccessToken);
        Assert.Null(token.ExpiresIn);
        Assert.Null(token.ExpiresAt);
        AssertNormalisedWarning("ExchangeCode", "expires_in", ShortLivedToken, Code);
    }

    [Theory]
    [MemberData(nameof(OddExpiresIn))]
    public async Task RedeemClientCode_returns_the_token_with_unknown_expiry_when_expires_in_is_odd(string expiresIn)
    {
        _host.On(HttpMethod.Post, "oauth/access_token", TokenJson(LongLivedToken, expiresIn, ",\"machine_id\":\"YJ1sX0Zq8ZcMachineId\""));

        var token = await _host.Client.RedeemClientCodeAsync(ClientCode, Redirect);

        Assert.Equal(LongLivedToken, token.AccessToken);
        Assert.Equal("YJ1sX0Zq8ZcMachineId", token.MachineId);
        Assert.Null(token.ExpiresIn);
        Assert.Null(token.ExpiresAt);
        AssertNormalisedWarning("RedeemClientCode", "expires_in", LongLivedToken, ClientCode);
    }

    [Fact]
    public async Task The_warning_names_the_offending_number()
    {
        _host.On(HttpMethod.Post, "oauth/access_token", TokenJson(ShortLivedToken, "253402300800"));

        await _host.Client.ExchangeCodeAsync(Code, Redirect);

        Assert.Contains(_logs.Entries, e => e.Id.Id == NormalisedEventId && e.Text.Contains("253402300800", StringComparison.Ordinal));
    }

    [Theory]
    [InlineData("{\"access_token\":\"" + LongLivedToken + "\",\"token_type\":{\"a\":1},\"expires_in\":5183944,\"machine_id\":[1]}")]
    [InlineData("{\"access_token\":\"" + LongLivedToken + "\",\"token_type\":7,\"expires_in\":\"5183944\",\"machine_id\":12345}")]
    public async Task A_token_bought_with_a_code_survives_odd_token_type_and_machine_id(string body)
    {
        _host.On(HttpMethod.Post, "oauth/access_token", body);

        var token = await _host.Client.RedeemClientCodeAsync(ClientCode, Redirect);

        Assert.Equal(LongLivedToken, token.AccessToken);
        Assert.Equal(GraphTestHost.Start.AddSeconds(5183944), token.ExpiresAt);
    }

    [Fact]
    public async Task A_sane_expires_in_still_gives_the_expiry_for_the_single_use_operations()
    {
        _host.On(HttpMethod.Post, "oauth/access_token", TokenJson(ShortLivedToken, "\"5183944\""));

        var token = await _host.Client.ExchangeCodeAsync(Code, Redirect);

        Assert.Equal(TimeSpan.FromSeconds(5183944), token.ExpiresIn);
        Assert.Equal(GraphTestHost.Start.AddSeconds(5183944), token.ExpiresAt);
        Assert.DoesNotContain(_logs.Entries, e => e.Id.Id == NormalisedEventId);
    }

    [Theory]
    [MemberData(nameof(OddExpiresIn))]
    public async Task ExchangeForLongLivedToken_rejects_an_odd_expires_in_keeping_the_status(string expiresIn)
    {
        _host.On(HttpMethod.Post, "oauth/access_token", TokenJson(LongLivedToken, expiresIn));

        var error = await Assert.ThrowsAsync<GraphProtocolException>(() => _host.Client.ExchangeForLongLivedTokenAsync(ShortLivedToken));

        Assert.Equal(HttpStatusCode.OK, error.StatusCode);
        Assert.Contains("expires_in", error.Message, StringComparison.Ordinal);
        Assert.DoesNotContain(LongLivedToken, error.ToString(), StringComparison.Ordinal);
    }

    [Theory]
    [MemberData(nameof(OddExpiresIn))]
    public async Task GetAppAccessToken_rejects_an_odd_expires_in_keeping_the_status(string expiresIn)
    {
        _host.On(HttpMethod.Post, "oauth/access_token", _ => GraphTestHost.Json(TokenJson("138483919580948|appTokenHashPart", expiresIn), HttpStatusCode.Created));

        var error = await Assert.ThrowsAsync<GraphProtocolException>(() => _host.Client.GetAppAccessTokenAsync());

        Assert.Equal(HttpStatusCode.Created, error.StatusCode);
        Assert.DoesNotContain("appTokenHashPart", error.ToString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task The_largest_accepted_expires_in_still_gives_a_time()
    {
        // Ten years: far beyond any lifetime Graph issues, still well inside DateTimeOffset's range.
        _host.On(HttpMethod.Post, "oauth/access_token", TokenJson(LongLivedToken, "315360000"));

        var token = await _host.Client.ExchangeForLongLivedTokenAsync(ShortLivedToken);

        Assert.Equal(TimeSpan.FromSeconds(315360000), token.ExpiresIn);
    }

    [Fact]
    public async Task An_app_token_without_expires_in_still_has_no_expiry()
    {
        _host.On(HttpMethod.Post, "oauth/access_token", AppToken);

        var token = await _host.Client.GetAppAccessTokenAsync();

        Assert.Null(token.ExpiresIn);
        Assert.Null(token.ExpiresAt);
    }

    // ---- defect 12: unusable tokens and codes ---------------------------------------------------------------------

    public static TheoryData<string> UnusableCredentials => ["", " ", "\\t", "EAAGm0PX4ZC\\u0000psBA", "EAAGm0PX4ZC psBA", "EAAGm0PX4ZC\\npsBA", "EAAGm0\\u007FpsBA"];

    [Theory]
    [MemberData(nameof(UnusableCredentials))]
    public async Task An_unusable_access_token_is_a_protocol_error_for_every_token_operation(string token)
    {
        var body = "{\"access_token\":\"" + token + "\",\"token_type\":\"bearer\",\"expires_in\":5183944}";
        _host.On(HttpMethod.Post, "oauth/access_token", body);

        Func<Task>[] operations =
        [
            () => _host.Client.ExchangeCodeAsync(Code, Redirect),
            () => _host.Client.ExchangeForLongLivedTokenAsync(ShortLivedToken),
            () => _host.Client.RedeemClientCodeAsync(ClientCode, Redirect),
            () => _host.Client.GetAppAccessTokenAsync(),
        ];
        foreach (var operation in operations)
        {
            var error = await Assert.ThrowsAsync<GraphProtocolException>(operation);
            Assert.Equal(HttpStatusCode.OK, error.StatusCode);
            Assert.Contains("access_token", error.Message, StringComparison.Ordinal);
        }
    }

    [Theory]
    [MemberData(nameof(UnusableCredentials))]
    public async Task An_unusable_client_code_is_a_protocol_error(string code)
    {
        _host.On(HttpMethod.Post, "oauth/client_code", "{\"code\":\"" + code + "\"}");

        var error = await Assert.ThrowsAsync<GraphProtocolException>(() => _host.Client.GetClientCodeAsync(LongLivedToken, Redirect));

        Assert.Equal(HttpStatusCode.OK, error.StatusCode);
        Assert.Contains("code", error.Message, StringComparison.Ordinal);
    }

    // ---- defect 4: debug_token timestamps -------------------------------------------------------------------------

    [Fact]
    public async Task Debug_timestamps_past_year_9999_become_null_and_are_logged()
    {
        _host.On(HttpMethod.Get, "debug_token",
            """{"data":{"app_id":"138483919580948","type":"USER","is_valid":true,"expires_at":253402300800,"issued_at":9223372036854775807,"data_access_expires_at":1e300,"user_id":"1207059"}}""");

        var debug = await _host.Client.DebugTokenAsync(LongLivedToken);

        Assert.True(debug.IsValid);
        Assert.Null(debug.ExpiresAt);
        Assert.Null(debug.IssuedAt);
        Assert.Null(debug.DataAccessExpiresAt);
        Assert.Equal(3, _logs.Entries.Count(e => e.Id.Id == NormalisedEventId + 1 && e.Level == LogLevel.Warning));
        Assert.DoesNotContain(_logs.Entries, e => e.Text.Contains(LongLivedToken, StringComparison.Ordinal));
    }

    [Fact]
    public async Task The_last_representable_second_is_kept()
    {
        _host.On(HttpMethod.Get, "debug_token", """{"data":{"app_id":"1","is_valid":true,"expires_at":253402300799,"issued_at":"1347235328"}}""");

        var debug = await _host.Client.DebugTokenAsync(LongLivedToken);

        Assert.Equal(DateTimeOffset.FromUnixTimeSeconds(253402300799), debug.ExpiresAt);
        Assert.Equal(DateTimeOffset.FromUnixTimeSeconds(1347235328), debug.IssuedAt);
    }

    [Theory]
    [InlineData("\"expires_at\":-1")]
    [InlineData("\"issued_at\":-9223372036854775808")]
    [InlineData("\"data_access_expires_at\":-1e300")]
    [InlineData("\"expires_at\":1.5")]
    [InlineData("\"expires_at\":\"never\"")]
    public async Task A_negative_or_fractional_debug_timestamp_is_a_protocol_error(string field)
    {
        _host.On(HttpMethod.Get, "debug_token", _ => GraphTestHost.Json("{\"data\":{\"app_id\":\"1\",\"is_valid\":true," + field + "}}", HttpStatusCode.Accepted));

        var error = await Assert.ThrowsAsync<GraphProtocolException>(() => _host.Client.DebugTokenAsync(LongLivedToken));

        Assert.Equal(HttpStatusCode.Accepted, error.StatusCode);
    }

    // ---- defect 5: null entries in arrays -------------------------------------------------------------------------

    [Fact]
    public async Task Null_entries_in_debug_token_arrays_are_skipped()
    {
        _host.On(HttpMethod.Get, "debug_token",
            """{"data":{"app_id":"138483919580948","is_valid":true,"scopes":[null,"email",null],"granular_scopes":[null,{"scope":null,"target_ids":["1"]},{"scope":"pages_show_list","target_ids":[null,"1353269864728879"]},{"scope":"email","target_ids":null}]}}""");

        var debug = await _host.Client.DebugTokenAsync(LongLivedToken);

        Assert.Equal(["email"], debug.Scopes);
        Assert.Collection(
            debug.GranularScopes,
            g =>
            {
                Assert.Equal("pages_show_list", g.Scope);
                Assert.Equal(["1353269864728879"], g.TargetIds);
            },
            g =>
            {
                Assert.Equal("email", g.Scope);
                Assert.Empty(g.TargetIds);
            });
    }

    [Fact]
    public async Task Null_entries_in_accounts_arrays_are_skipped()
    {
        _host.On(HttpMethod.Get, "me/accounts",
            """{"data":[null,{"id":"1353269864728879","name":"Cute Kitten Page","access_token":"EAAGm0PageToken1353269864728879abcdefghij","category_list":[null,{"id":"1605186416478696","name":"Brand"}],"tasks":[null,"MANAGE"]},null]}""");

        var page = Assert.Single(await _host.Client.GetPageTokensAsync("me", LongLivedToken).ToListAsync());

        Assert.Equal("1353269864728879", page.Id);
        Assert.Equal([new PageCategory("1605186416478696", "Brand")], page.CategoryList);
        Assert.Equal(["MANAGE"], page.Tasks);
    }

    // ---- real payloads: numeric ids --------------------------------------------------------------------------------

    [Fact]
    public async Task Debug_ids_may_be_json_numbers()
    {
        _host.On(HttpMethod.Get, "debug_token",
            """{"data":{"app_id":138483919580948,"type":"PAGE","is_valid":true,"expires_at":0,"user_id":1207059,"profile_id":1353269864728879}}""");

        var debug = await _host.Client.DebugTokenAsync(LongLivedToken);

        Assert.Equal("138483919580948", debug.AppId);
        Assert.Equal("1207059", debug.UserId);
        Assert.Equal("1353269864728879", debug.ProfileId);
    }

    [Fact]
    public async Task Page_and_category_ids_may_be_json_numbers()
    {
        _host.On(HttpMethod.Get, "me/accounts",
            """{"data":[{"id":1353269864728879,"name":"Cute Kitten Page","access_token":"EAAGm0PageToken1353269864728879abcdefghij","category_list":[{"id":1605186416478696,"name":"Brand"}]}]}""");

        var page = Assert.Single(await _host.Client.GetPageTokensAsync("me", LongLivedToken).ToListAsync());

        Assert.Equal("1353269864728879", page.Id);
        Assert.Equal("1605186416478696", Assert.Single(page.CategoryList).Id);
    }

    [Theory]
    [InlineData("1.5")]
    [InlineData("-7")]
    [InlineData("1e5")]
    [InlineData("true")]
    [InlineData("{}")]
    public async Task An_id_that_is_not_a_whole_number_is_a_protocol_error(string id)
    {
        _host.On(HttpMethod.Get, "debug_token", "{\"data\":{\"app_id\":" + id + ",\"is_valid\":true}}");

        var error = await Assert.ThrowsAsync<GraphProtocolException>(() => _host.Client.DebugTokenAsync(LongLivedToken));

        Assert.Equal(HttpStatusCode.OK, error.StatusCode);
    }

    // ---- real payloads: debug_token metadata ----------------------------------------------------------------------

    [Fact]
    public async Task Debug_metadata_is_exposed()
    {
        _host.On(HttpMethod.Get, "debug_token", DebugValid);

        var debug = await _host.Client.DebugTokenAsync(LongLivedToken);

        Assert.Equal(new DebugTokenMetadata(null, "iphone-safari"), debug.Metadata);
    }

    [Theory]
    [InlineData("""{"auth_type":"rerequest","sso":"ios","auth_nonce":"n","future":{"a":[1]}}""", "rerequest", "ios")]
    [InlineData("""{"auth_type":7,"sso":{"x":1}}""", null, null)]
    [InlineData("""{}""", null, null)]
    public async Task Debug_metadata_ignores_unknown_fields_and_values_that_are_not_strings(string metadata, string? authType, string? sso)
    {
        _host.On(HttpMethod.Get, "debug_token", "{\"data\":{\"app_id\":\"1\",\"is_valid\":true,\"metadata\":" + metadata + "}}");

        var debug = await _host.Client.DebugTokenAsync(LongLivedToken);

        Assert.Equal(new DebugTokenMetadata(authType, sso), debug.Metadata);
    }

    [Fact]
    public async Task Debug_without_metadata_has_none()
    {
        _host.On(HttpMethod.Get, "debug_token", DebugPageNeverExpires);

        Assert.Null((await _host.Client.DebugTokenAsync(LongLivedToken)).Metadata);
    }

    // ---- real payloads: pages without a token or without an id ----------------------------------------------------

    [Fact]
    public async Task A_page_without_a_token_does_not_fail_the_other_pages()
    {
        _host.On(HttpMethod.Get, "me/accounts", Accounts([
            PageJson("1", "First"),
            """{"id":"2","name":"No token","category":"Brand","tasks":["ANALYZE"]}""",
            """{"id":"3","name":"Empty token","access_token":""}""",
            PageJson("4", "Fourth"),
        ]));

        var pages = await _host.Client.GetPageTokensAsync("me", LongLivedToken).ToListAsync();

        Assert.Equal(["1", "2", "3", "4"], pages.Select(p => p.Id));
        Assert.Equal([true, false, false, true], pages.Select(p => p.HasAccessToken));
        Assert.Equal(["ANALYZE"], pages[1].Tasks);
        Assert.Equal(string.Empty, pages[1].AccessToken);
        Assert.Equal(string.Empty, pages[2].AccessToken);
        Assert.Equal("EAAGm0PageToken4abcdefghij", pages[3].AccessToken);
        Assert.Contains(_logs.Entries, e => e.Id.Id == NormalisedEventId + 4 && e.Level == LogLevel.Debug && e.Text.Contains("page 2 ", StringComparison.Ordinal));
        Assert.Contains(_logs.Entries, e => e.Id.Id == NormalisedEventId + 3 && e.Level == LogLevel.Warning && e.Text.Contains("page 3 ", StringComparison.Ordinal));
    }

    [Theory]
    [InlineData("""{"name":"No id","access_token":"EAAGm0PageTokenabcdefghij"}""", "(no id, page id (null))")]
    [InlineData("""{"id":"9","access_token":"EAAGm0PageTokenabcdefghij"}""", "(no name, page id 9)")]
    [InlineData("""{"id":"","name":"Empty id","access_token":"EAAGm0PageTokenabcdefghij"}""", "(no id, page id (null))")]
    [InlineData("null", "(a null entry, page id (null))")]
    public async Task A_page_without_an_id_or_name_is_skipped_with_a_warning(string unusable, string problem)
    {
        _host.On(HttpMethod.Get, "me/accounts", Accounts([PageJson("1", "First"), unusable, PageJson("2", "Second")]));

        var pages = await _host.Client.GetPageTokensAsync("me", LongLivedToken).ToListAsync();

        Assert.Equal(["1", "2"], pages.Select(p => p.Id));
        var warning = Assert.Single(_logs.Entries, e => e.Id.Id == NormalisedEventId + 2);
        Assert.Equal(LogLevel.Warning, warning.Level);
        Assert.Contains(problem, warning.Text, StringComparison.Ordinal);
        Assert.DoesNotContain("EAAGm0PageToken", warning.Text, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_category_without_an_id_or_name_is_skipped()
    {
        _host.On(HttpMethod.Get, "me/accounts",
            """{"data":[{"id":"1","name":"A","access_token":"EAAGm0PageTokenabcdefghij","category_list":[{"name":"Brand"},{"id":"2"},{"id":"3","name":"Kept"}]}]}""");

        var page = Assert.Single(await _host.Client.GetPageTokensAsync("me", LongLivedToken).ToListAsync());

        Assert.Equal([new PageCategory("3", "Kept")], page.CategoryList);
    }

    private void AssertNormalisedWarning(string operation, string field, params string[] secrets)
    {
        var warning = Assert.Single(_logs.Entries, e => e.Id.Id == NormalisedEventId);
        Assert.Equal(LogLevel.Warning, warning.Level);
        Assert.Contains(operation, warning.Text, StringComparison.Ordinal);
        Assert.Contains(field, warning.Text, StringComparison.Ordinal);
        foreach (var secret in secrets)
        {
            Assert.DoesNotContain(secret, warning.Text, StringComparison.Ordinal);
        }
    }
}
