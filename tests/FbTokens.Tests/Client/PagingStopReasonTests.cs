using System.Globalization;
using FbTokens.Tests.Framework;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using static FbTokens.Tests.Framework.GraphPayloads;

namespace FbTokens.Tests.Client;

/// <summary>
/// Every rule that stops paging says which one it was: the error names the rule (and the setting, for a bound), and
/// the Warning log (event 1050) names it in a fixed phrase, never the link.
/// </summary>
public sealed class PagingStopReasonTests
{
    private const string UserId = "1207059";
    private const int Runaway = 40;

    public static TheoryData<string> Rules() => ["off-host", "repeat", "empty", "seen"];

    [Theory]
    [MemberData(nameof(Rules))]
    public async Task The_error_and_the_log_name_the_rule_that_stopped_paging(string rule)
    {
        var logs = new CapturingLoggerProvider();
        using var host = new GraphTestHost(
            o =>
            {
                o.Limits.MaxConsecutiveEmptyPages = 2;
                o.Limits.MaxSeenPageLinks = 2;
            },
            fb => fb.Services.AddLogging(l => l.AddProvider(logs)));
        var calls = 0;
        host.On(HttpMethod.Get, UserId + "/accounts", _ =>
        {
            var call = ++calls;
            var n = call.ToString(CultureInfo.InvariantCulture);
            var next = rule switch
            {
                "off-host" => "https://graph.example.com/v24.0/" + UserId + "/accounts?after=C" + n,
                "repeat" => GraphTestHost.Base + UserId + "/accounts?after=SAME",
                _ => GraphTestHost.Base + UserId + "/accounts?after=C" + n,
            };
            return GraphTestHost.Json(call >= Runaway
                ? Accounts([PageJson("end", "End")])
                : Accounts(rule == "empty" ? [] : [PageJson("p" + n, "P")], "C" + n, next));
        });

        var error = await Assert.ThrowsAsync<GraphProtocolException>(() => host.Client.GetPageTokensAsync(UserId, LongLivedToken).ToListAsync().AsTask());

        var (message, reason, pages) = rule switch
        {
            "off-host" => ("Graph's paging.next points outside the configured Graph base address; it was not followed.", "the next link left the Graph host", 1),
            "repeat" => ("Graph's paging.next repeats a page already read (the same link or cursor); paging stopped to avoid a loop.", "the next link repeated a page", 2),
            "empty" => ("Graph sent 2 empty pages in a row, the last still with a next link; paging stopped at FbTokens:Limits:MaxConsecutiveEmptyPages (2) and the list may be incomplete.", "FbTokens:Limits:MaxConsecutiveEmptyPages was reached", 2),
            _ => ("Graph's paging went on past FbTokens:Limits:MaxSeenPageLinks (2 links remembered to detect loops); paging stopped and the list may be incomplete.", "FbTokens:Limits:MaxSeenPageLinks was reached", 3),
        };
        Assert.Equal(message, error.Message);
        Assert.Equal(pages, host.Requests.Count);
        var stopped = Assert.Single(logs.Entries, e => e.Id.Id == 1050);
        Assert.Equal(LogLevel.Warning, stopped.Level);
        Assert.StartsWith(string.Create(CultureInfo.InvariantCulture, $"Graph GetPageTokens {{user-id}}/accounts: paging stopped after {pages} page(s) because {reason};"), stopped.Text, StringComparison.Ordinal);
        Assert.DoesNotContain("after=", stopped.Text, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_paging_parameter_without_a_value_is_sent_empty()
    {
        using var host = new GraphTestHost();
        var calls = 0;
        host.On(HttpMethod.Get, UserId + "/accounts", _ => GraphTestHost.Json(++calls == 1
            ? Accounts([PageJson("1", "A")], "C1", GraphTestHost.Base + UserId + "/accounts?after=C1&limit&before=")
            : Accounts([PageJson("2", "B")])));

        var pages = await host.Client.GetPageTokensAsync(UserId, LongLivedToken).ToListAsync();

        Assert.Equal(["1", "2"], pages.Select(p => p.Id));
        var second = host.Requests[1];
        Assert.Equal("C1", second.Query["after"]);
        Assert.Equal(string.Empty, second.Query["limit"]);
        Assert.Equal(string.Empty, second.Query["before"]);
    }
}
