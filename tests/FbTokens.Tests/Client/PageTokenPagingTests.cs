using System.Net;
using FbTokens.Tests.Framework;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using static FbTokens.Tests.Framework.GraphPayloads;

namespace FbTokens.Tests.Client;

public sealed class PageTokenPagingTests : IDisposable
{
    private const string UserId = "1207059";
    private readonly GraphTestHost _host = new();

    public void Dispose() => _host.Dispose();

    [Fact]
    public async Task Reads_a_page_entry_field_for_field()
    {
        _host.On(HttpMethod.Get, UserId + "/accounts", Accounts([Page]));

        var page = Assert.Single(await _host.Client.GetPageTokensAsync(UserId, LongLivedToken).ToListAsync());

        Assert.Equal("1353269864728879", page.Id);
        Assert.Equal("Cute Kitten Page", page.Name);
        Assert.Equal(PageToken, page.AccessToken);
        Assert.Equal("Brand", page.Category);
        Assert.Equal(new PageCategory("1605186416478696", "Brand"), Assert.Single(page.CategoryList));
        Assert.Equal(["ANALYZE", "ADVERTISE", "MODERATE", "CREATE_CONTENT", "MANAGE"], page.Tasks);
        var request = Assert.Single(_host.Requests);
        var query = request.Query;
        Assert.Equal("Bearer " + LongLivedToken, request.Authorization);
        Assert.DoesNotContain("access_token", query.Keys);
        Assert.Equal(TokenOperationTests.Proof(LongLivedToken), query["appsecret_proof"]);
        Assert.Equal("id,name,access_token,category,category_list,tasks", query["fields"]);
        Assert.Equal("100", query["limit"]);
    }

    [Fact]
    public async Task Follows_next_links_until_the_last_page_sending_its_own_token_and_proof()
    {
        // Graph's next link repeats the query, token included; the client replaces them with its own.
        var next2 = GraphTestHost.Base + UserId + "/accounts?access_token=STALE&appsecret_proof=STALE&limit=2&after=CURSOR2";
        var next3 = GraphTestHost.Base + UserId + "/accounts?access_token=STALE&limit=2&after=CURSOR3";
        _host.On(HttpMethod.Get, UserId + "/accounts", request => request.Query.TryGetValue("after", out var after)
            ? GraphTestHost.Json(after == "CURSOR2"
                ? Accounts([PageJson("3", "C"), PageJson("4", "D")], "CURSOR3", next3)
                : Accounts([PageJson("5", "E")], "CURSOR4"))
            : GraphTestHost.Json(Accounts([PageJson("1", "A"), PageJson("2", "B")], "CURSOR2", next2)));

        var pages = await _host.Client.GetPageTokensAsync(UserId, LongLivedToken).ToListAsync();

        Assert.Equal(["1", "2", "3", "4", "5"], pages.Select(p => p.Id));
        Assert.Equal(3, _host.Requests.Count);
        Assert.All(_host.Requests, r =>
        {
            Assert.Equal("Bearer " + LongLivedToken, r.Authorization);
            Assert.DoesNotContain("access_token", r.Query.Keys);
            Assert.Equal(TokenOperationTests.Proof(LongLivedToken), r.Query["appsecret_proof"]);
        });
        Assert.Equal("2", _host.Requests[1].Query["limit"]);
        Assert.Equal("CURSOR3", _host.Requests[2].Query["after"]);
    }

    [Fact]
    public async Task Is_lazy_no_request_until_enumerated_and_no_more_than_consumed()
    {
        var next = GraphTestHost.Base + UserId + "/accounts?after=CURSOR2";
        _host.On(HttpMethod.Get, UserId + "/accounts", Accounts([PageJson("1", "A")], "CURSOR2", next));

        var sequence = _host.Client.GetPageTokensAsync(UserId, LongLivedToken);
        Assert.Empty(_host.Requests);

        await using var enumerator = sequence.GetAsyncEnumerator();
        Assert.True(await enumerator.MoveNextAsync());
        Assert.Single(_host.Requests);
    }

    [Theory]
    [InlineData("https://evil.example.com/v24.0/1207059/accounts?after=X")]
    [InlineData("http://graph.facebook.com/v24.0/1207059/accounts?after=X")]
    [InlineData("https://graph.facebook.com:8443/v24.0/1207059/accounts?after=X")]
    [InlineData("https://user:pw@graph.facebook.com/v24.0/1207059/accounts?after=X")]
    [InlineData("/v24.0/1207059/accounts?after=X")]
    public async Task Never_follows_a_next_link_off_the_graph_host(string next)
    {
        _host.On(HttpMethod.Get, UserId + "/accounts", Accounts([PageJson("1", "A")], "X", next));
        var pages = new List<PageTokenResponse>();

        var error = await Assert.ThrowsAsync<GraphProtocolException>(async () =>
        {
            await foreach (var page in _host.Client.GetPageTokensAsync(UserId, LongLivedToken))
            {
                pages.Add(page);
            }
        });

        Assert.Single(pages);
        Assert.Single(_host.Requests);
        Assert.DoesNotContain(LongLivedToken, error.Message);
    }

    [Fact]
    public async Task Stops_when_a_next_link_repeats_a_cursor()
    {
        var next = GraphTestHost.Base + UserId + "/accounts?after=SAME";
        _host.On(HttpMethod.Get, UserId + "/accounts", Accounts([PageJson("1", "A")], "SAME", next));

        await Assert.ThrowsAsync<GraphProtocolException>(() => _host.Client.GetPageTokensAsync(UserId, LongLivedToken).ToListAsync().AsTask());

        Assert.Equal(2, _host.Requests.Count);
    }

    /// <summary>Past this many requests a test's fake Graph ends the list, so that a missing bound fails the test instead of hanging it.</summary>
    private const int Runaway = 40;

    private static async Task<(List<string> Read, GraphProtocolException? Error)> ReadAllAsync(GraphTestHost host)
    {
        var read = new List<string>();
        try
        {
            await foreach (var page in host.Client.GetPageTokensAsync(UserId, LongLivedToken))
            {
                read.Add(page.Id);
            }
        }
        catch (GraphProtocolException ex)
        {
            return (read, ex);
        }

        return (read, null);
    }

    [Fact]
    public async Task The_same_next_link_with_a_new_cursor_each_time_is_a_loop()
    {
        var next = GraphTestHost.Base + UserId + "/accounts?limit=1&after=SAME";
        var calls = 0;
        _host.On(HttpMethod.Get, UserId + "/accounts", _ => ++calls >= Runaway
            ? GraphTestHost.Json(Accounts([PageJson("end", "End")]))
            : GraphTestHost.Json(Accounts([PageJson(calls.ToString(System.Globalization.CultureInfo.InvariantCulture), "P")], "CURSOR" + calls, next)));

        var (read, error) = await ReadAllAsync(_host);

        Assert.NotNull(error);
        Assert.Equal(2, _host.Requests.Count);
        Assert.Equal(["1", "2"], read);
        Assert.Contains("repeats", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_link_that_only_differs_in_dropped_parameters_or_order_is_the_same_link()
    {
        var calls = 0;
        _host.On(HttpMethod.Get, UserId + "/accounts", _ =>
        {
            calls++;
            var next = GraphTestHost.Base + UserId + (calls % 2 == 0
                ? "/accounts?after=SAME&limit=1&junk=" + calls
                : "/accounts?limit=1&after=SAME&other=" + calls);
            return calls >= Runaway
                ? GraphTestHost.Json(Accounts([PageJson("end", "End")]))
                : GraphTestHost.Json(Accounts([PageJson("p" + calls, "P")], "CURSOR" + calls, next));
        });

        var (_, error) = await ReadAllAsync(_host);

        Assert.NotNull(error);
        Assert.Equal(2, _host.Requests.Count);
    }

    [Fact]
    public async Task Endless_empty_pages_each_with_a_new_next_end_with_a_protocol_error_at_the_limit()
    {
        // A quiet end would pass a partial list off as complete: the manager would then conclude that a page is
        // gone and ask its owner to log in again. So the bound is an error, not an end.
        var calls = 0;
        _host.On(HttpMethod.Get, UserId + "/accounts", _ => ++calls >= Runaway
            ? GraphTestHost.Json(Accounts([PageJson("end", "End")]))
            : GraphTestHost.Json(Accounts([], "CURSOR" + calls, GraphTestHost.Base + UserId + "/accounts?after=CURSOR" + calls)));

        var (read, error) = await ReadAllAsync(_host);

        Assert.NotNull(error);
        Assert.Empty(read);
        Assert.Equal(3, _host.Requests.Count);
        Assert.Contains("FbTokens:Limits:MaxConsecutiveEmptyPages", error.Message, StringComparison.Ordinal);
        Assert.Equal(System.Net.HttpStatusCode.OK, error.StatusCode);
    }

    [Theory]
    [InlineData(",,1", 2, null)] // the second empty page in a row still has a next link: the limit
    [InlineData(",1,,2,,3", 6, "1,2,3")] // never two in a row
    [InlineData(",1,,", 4, "1")] // two in a row, but the second is the last page
    public async Task Empty_pages_below_the_limit_are_followed_and_a_full_page_resets_the_count(string script, int requests, string? expected)
    {
        using var host = new GraphTestHost(o => o.Limits.MaxConsecutiveEmptyPages = 2);
        var pages = script.Split(',');
        var calls = 0;
        host.On(HttpMethod.Get, UserId + "/accounts", _ =>
        {
            var index = calls++;
            var entries = pages[index].Length == 0 ? Array.Empty<string>() : [PageJson(pages[index], "P")];
            var next = index < pages.Length - 1 ? GraphTestHost.Base + UserId + "/accounts?after=C" + index : null;
            return GraphTestHost.Json(Accounts(entries, "C" + index, next));
        });

        var (read, error) = await ReadAllAsync(host);

        Assert.Equal(requests, host.Requests.Count);
        Assert.Equal(expected is null, error is not null);
        Assert.Equal(expected?.Split(',') ?? [], read.ToArray());
    }

    [Fact]
    public async Task An_empty_last_page_ends_quietly()
    {
        var calls = 0;
        _host.On(HttpMethod.Get, UserId + "/accounts", _ => ++calls == 1
            ? GraphTestHost.Json(Accounts([PageJson("1", "A")], "C1", GraphTestHost.Base + UserId + "/accounts?after=C1"))
            : GraphTestHost.Json(Accounts([])));

        var (read, error) = await ReadAllAsync(_host);

        Assert.Null(error);
        Assert.Equal(["1"], read);
    }

    [Fact]
    public async Task Paging_stops_with_a_protocol_error_at_MaxPages()
    {
        var logs = new CapturingLoggerProvider();
        using var host = new GraphTestHost(o => o.Limits.MaxPages = 3, fb => fb.Services.AddLogging(l => l.AddProvider(logs)));
        var calls = 0;
        host.On(HttpMethod.Get, UserId + "/accounts", _ => ++calls >= Runaway
            ? GraphTestHost.Json(Accounts([PageJson("end", "End")]))
            : GraphTestHost.Json(Accounts([PageJson("p" + calls, "P")], "C" + calls, GraphTestHost.Base + UserId + "/accounts?after=C" + calls)));

        var (read, error) = await ReadAllAsync(host);

        Assert.NotNull(error);
        Assert.Equal(["p1", "p2", "p3"], read);
        Assert.Equal(3, host.Requests.Count);
        Assert.Contains("FbTokens:Limits:MaxPages", error.Message, StringComparison.Ordinal);
        var stopped = Assert.Single(logs.Entries, e => e.Id.Id == 1050);
        Assert.Equal(LogLevel.Warning, stopped.Level);
        Assert.Contains("after 3 page(s) because FbTokens:Limits:MaxPages was reached", stopped.Text, StringComparison.Ordinal);
        Assert.DoesNotContain(LongLivedToken, stopped.Text, StringComparison.Ordinal);
        Assert.DoesNotContain("after=C", stopped.Text, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Exactly_MaxPages_pages_are_read_without_error()
    {
        using var host = new GraphTestHost(o => o.Limits.MaxPages = 3);
        var calls = 0;
        host.On(HttpMethod.Get, UserId + "/accounts", _ => ++calls == 3
            ? GraphTestHost.Json(Accounts([PageJson("p3", "P")]))
            : GraphTestHost.Json(Accounts([PageJson("p" + calls, "P")], "C" + calls, GraphTestHost.Base + UserId + "/accounts?after=C" + calls)));

        var (read, error) = await ReadAllAsync(host);

        Assert.Null(error);
        Assert.Equal(["p1", "p2", "p3"], read);
    }

    [Fact]
    public async Task The_seen_link_set_is_bounded_by_MaxSeenPageLinks()
    {
        using var host = new GraphTestHost(o => o.Limits.MaxSeenPageLinks = 2);
        var calls = 0;
        host.On(HttpMethod.Get, UserId + "/accounts", _ => ++calls >= Runaway
            ? GraphTestHost.Json(Accounts([PageJson("end", "End")]))
            : GraphTestHost.Json(Accounts([PageJson("p" + calls, "P")], "C" + calls, GraphTestHost.Base + UserId + "/accounts?after=C" + calls)));

        var (read, error) = await ReadAllAsync(host);

        Assert.NotNull(error);
        Assert.Equal(3, host.Requests.Count);
        Assert.Equal(["p1", "p2", "p3"], read);
        Assert.Contains("FbTokens:Limits:MaxSeenPageLinks", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_repeated_cursor_under_a_new_link_is_a_loop()
    {
        var calls = 0;
        _host.On(HttpMethod.Get, UserId + "/accounts", _ => ++calls >= Runaway
            ? GraphTestHost.Json(Accounts([PageJson("end", "End")]))
            : GraphTestHost.Json(Accounts([PageJson("p" + calls, "P")], "SAME", GraphTestHost.Base + UserId + "/accounts?offset=" + calls)));

        var (_, error) = await ReadAllAsync(_host);

        Assert.NotNull(error);
        Assert.Equal(2, _host.Requests.Count);
    }

    [Theory]
    [InlineData("ACCESS_TOKEN=FOREIGN")]
    [InlineData("Access_Token=FOREIGN")]
    [InlineData("access_token[]=FOREIGN")]
    [InlineData("access%5Ftoken=FOREIGN")]
    [InlineData("%61ccess_token=FOREIGN")]
    [InlineData("access_token%00=FOREIGN")]
    [InlineData("access_token =FOREIGN")]
    [InlineData("APPSECRET_PROOF=FOREIGN")]
    [InlineData("input_token=FOREIGN")]
    [InlineData("client_secret=FOREIGN")]
    [InlineData("redirect_uri=FOREIGN")]
    [InlineData("after=C2&after=FOREIGN")]
    [InlineData("AFTER=FOREIGN")]
    public async Task A_next_link_is_rebuilt_from_graphs_paging_parameters_only(string foreign)
    {
        var next = GraphTestHost.Base + UserId + "/accounts?" + foreign + "&limit=2&after=C2";
        var calls = 0;
        _host.On(HttpMethod.Get, UserId + "/accounts", _ => ++calls == 1
            ? GraphTestHost.Json(Accounts([PageJson("1", "A")], "C2", next))
            : GraphTestHost.Json(Accounts([PageJson("2", "B")])));

        var (read, error) = await ReadAllAsync(_host);

        Assert.Null(error);
        Assert.Equal(["1", "2"], read);
        var second = _host.Requests[1];
        Assert.DoesNotContain("FOREIGN", second.Url.OriginalString, StringComparison.OrdinalIgnoreCase);
        Assert.Equal(["after", "appsecret_proof", "fields", "limit"], second.Query.Keys.Order(StringComparer.Ordinal));
        Assert.Equal("C2", second.Query["after"]);
        Assert.Equal("2", second.Query["limit"]);
        Assert.Equal(TokenOperationTests.Proof(LongLivedToken), second.Query["appsecret_proof"]);
        Assert.Equal("Bearer " + LongLivedToken, second.Authorization);
    }

    [Fact]
    public async Task A_rebuilt_link_keeps_every_paging_parameter_once_on_the_configured_base_and_the_requests_own_path()
    {
        // Graph upgraded the version and the link names another path: only its paging parameters are kept.
        var next = "https://graph.facebook.com/v19.0/999/feed?__paging_token=PT%2B1&until=1700000000&since=1600000000&offset=25"
            + "&before=B1&after=A1&limit=5&fields=id%2Cname%2Caccess_token&access_token=STALE&appsecret_proof=STALE";
        var calls = 0;
        _host.On(HttpMethod.Get, UserId + "/accounts", _ => ++calls == 1
            ? GraphTestHost.Json(Accounts([PageJson("1", "A")], "A1", next))
            : GraphTestHost.Json(Accounts([PageJson("2", "B")])));

        var (read, error) = await ReadAllAsync(_host);

        Assert.Null(error);
        Assert.Equal(["1", "2"], read);
        var second = _host.Requests[1];
        Assert.Equal(GraphTestHost.Base + UserId + "/accounts", second.Url.GetLeftPart(UriPartial.Path));
        Assert.Equal("PT+1", second.Query["__paging_token"]);
        Assert.Equal("1700000000", second.Query["until"]);
        Assert.Equal("1600000000", second.Query["since"]);
        Assert.Equal("25", second.Query["offset"]);
        Assert.Equal("B1", second.Query["before"]);
        Assert.Equal("A1", second.Query["after"]);
        Assert.Equal("5", second.Query["limit"]);
        Assert.Equal("id,name,access_token", second.Query["fields"]);
        Assert.Equal(TokenOperationTests.Proof(LongLivedToken), second.Query["appsecret_proof"]);
        Assert.DoesNotContain("STALE", second.Url.OriginalString, StringComparison.Ordinal);
        Assert.DoesNotContain("access_token=", second.Url.Query, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_next_link_without_fields_gets_the_clients_own()
    {
        var calls = 0;
        _host.On(HttpMethod.Get, UserId + "/accounts", _ => ++calls == 1
            ? GraphTestHost.Json(Accounts([PageJson("1", "A")], "C2", GraphTestHost.Base + UserId + "/accounts?after=C2"))
            : GraphTestHost.Json(Accounts([PageJson("2", "B")])));

        await ReadAllAsync(_host);

        Assert.Equal("id,name,access_token,category,category_list,tasks", _host.Requests[1].Query["fields"]);
    }

    [Fact]
    public async Task An_empty_list_is_an_empty_sequence()
    {
        _host.On(HttpMethod.Get, "me/accounts", """{"data":[]}""");

        Assert.Empty(await _host.Client.GetPageTokensAsync("me", LongLivedToken).ToListAsync());
    }

    [Fact]
    public async Task No_proof_is_sent_when_turned_off()
    {
        using var host = new GraphTestHost(o => o.UseAppSecretProof = false);
        host.On(HttpMethod.Get, UserId + "/accounts", Accounts([Page]));

        await host.Client.GetPageTokensAsync(UserId, LongLivedToken).ToListAsync();

        Assert.DoesNotContain("appsecret_proof", Assert.Single(host.Requests).Query.Keys);
    }

    [Fact]
    public async Task An_auth_error_on_a_later_page_surfaces_after_the_pages_already_read()
    {
        var next = GraphTestHost.Base + UserId + "/accounts?after=CURSOR2";
        _host.On(HttpMethod.Get, UserId + "/accounts", request => request.Query.ContainsKey("after")
            ? GraphTestHost.Json(Error(190, 460), HttpStatusCode.BadRequest)
            : GraphTestHost.Json(Accounts([PageJson("1", "A")], "CURSOR2", next)));
        var read = new List<string>();

        var error = await Assert.ThrowsAsync<GraphAuthException>(async () =>
        {
            await foreach (var page in _host.Client.GetPageTokensAsync(UserId, LongLivedToken))
            {
                read.Add(page.Id);
            }
        });

        Assert.Equal(["1"], read);
        Assert.Equal(TokenErrorReason.PasswordChanged, error.Reason);
    }
}

public sealed class PageTokenPayloadTests : IDisposable
{
    private readonly GraphTestHost _host = new();

    public void Dispose() => _host.Dispose();

    // An entry without id, name, token or a complete category no longer fails the list: see PayloadTotalityTests.
    [Theory]
    [InlineData("""{"paging":{}}""")]
    [InlineData("""{"data":null}""")]
    [InlineData("""{"data":{"id":"1"}}""")]
    [InlineData("""{"data":[{"id":"1","name":"A","access_token":"EAAGm0PageTokenabcdefghij","category_list":[{"id":1.5,"name":"Brand"}]}]}""")]
    public async Task An_accounts_response_without_a_usable_data_array_is_a_protocol_error(string body)
    {
        _host.On(HttpMethod.Get, "me/accounts", body);

        var error = await Assert.ThrowsAsync<GraphProtocolException>(() => _host.Client.GetPageTokensAsync("me", GraphPayloads.LongLivedToken).ToListAsync().AsTask());

        Assert.Equal(System.Net.HttpStatusCode.OK, error.StatusCode);
        Assert.DoesNotContain("EAAGm0PageToken", error.Message, StringComparison.Ordinal);
    }
}
