using System.Net;
using FbTokens.Tests.Framework;
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
        var query = Assert.Single(_host.Requests).Query;
        Assert.Equal(LongLivedToken, query["access_token"]);
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
            Assert.Equal(LongLivedToken, r.Query["access_token"]);
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
