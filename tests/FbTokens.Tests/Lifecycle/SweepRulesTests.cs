using FbTokens.Internal;
using FbTokens.Tests.Framework;
using Microsoft.Extensions.DependencyInjection;

namespace FbTokens.Tests.Lifecycle;

/// <summary>What one validation sweep checks, writes back and reports, at the edges of its rules.</summary>
public sealed class SweepRulesTests
{
    private static LifecycleHost Create(FakeBatchGraphHandler graph, Action<TokenManagerOptions>? configure = null) =>
        new(configure, build: b => b.AddTokenValidationSweep(), graph: graph);

    private static Task<TokenSweepResult> SweepAsync(LifecycleHost host) =>
        host.Services.GetRequiredService<TokenSweeper>().SweepAsync(CancellationToken.None);

    private static async Task<StoredToken> SeedAsync(LifecycleHost host, TokenKey key, string value, DateTimeOffset? expiresAt, DateTimeOffset? dataAccess, IReadOnlyList<string> scopes, TokenStatus status = TokenStatus.Valid, bool renewalNeedsPerson = false) =>
        await host.Store.SetAsync(new StoredToken
        {
            Key = key,
            RenewalNeedsPerson = renewalNeedsPerson,
            Value = value,
            ExpiresAt = expiresAt,
            DataAccessExpiresAt = dataAccess,
            Scopes = scopes,
            Status = status,
            IssuedAt = host.Now,
            UpdatedAt = host.Now,
        }, expectedVersion: 0);

    [Fact]
    public async Task App_tokens_and_tokens_already_invalid_are_not_sent_to_Graph()
    {
        var graph = new FakeBatchGraphHandler();
        await using var host = Create(graph);
        var start = LifecycleHost.Start;
        await SeedAsync(host, TokenKey.ForUser("1000000"), FakeBatchGraphHandler.TokenFor(0, false), start.AddDays(50), start.AddDays(80), ["email", "pages_show_list"]);
        await SeedAsync(host, TokenKey.ForApp(LifecycleHost.AppId), FakeBatchGraphHandler.TokenFor(1, false), null, null, []);
        await SeedAsync(host, TokenKey.ForUser("1000002"), FakeBatchGraphHandler.TokenFor(2, false), start.AddDays(50), null, [], TokenStatus.Invalid);

        var result = await SweepAsync(host);

        Assert.Equal(1, result.Checked);
        Assert.Equal(0, result.Invalid);
        Assert.Equal(1, result.Requests);
    }

    [Fact]
    public async Task Without_retries_an_operation_Graph_left_unanswered_counts_as_failed()
    {
        var graph = new FakeBatchGraphHandler();
        await using var host = Create(graph, o => o.SweepRetryAttempts = 0);
        for (var i = 0; i < 3; i++)
        {
            await SeedAsync(host, TokenKey.ForUser((1_000_000 + i).ToString(System.Globalization.CultureInfo.InvariantCulture)), FakeBatchGraphHandler.TokenFor(i, false), LifecycleHost.Start.AddDays(50), LifecycleHost.Start.AddDays(80), ["email", "pages_show_list"]);
        }

        graph.IncompleteOnce[FakeBatchGraphHandler.TokenFor(1, false)] = true;

        var result = await SweepAsync(host);

        Assert.Equal(new TokenSweepResult(Checked: 2, Invalid: 0, Refreshed: 0, Failed: 1, Requests: 1), result);
    }

    [Fact]
    public async Task One_retry_resends_the_unanswered_operation_once()
    {
        var graph = new FakeBatchGraphHandler();
        await using var host = Create(graph, o => o.SweepRetryAttempts = 1);
        await SeedAsync(host, TokenKey.ForUser("1000000"), FakeBatchGraphHandler.TokenFor(0, false), LifecycleHost.Start.AddDays(50), LifecycleHost.Start.AddDays(80), ["email", "pages_show_list"]);
        graph.IncompleteOnce[FakeBatchGraphHandler.TokenFor(0, false)] = true;

        var result = await SweepAsync(host);

        Assert.Equal(new TokenSweepResult(Checked: 1, Invalid: 0, Refreshed: 0, Failed: 0, Requests: 2), result);
    }

    [Fact]
    public async Task What_Graph_reports_is_written_back_only_when_it_changed()
    {
        var start = LifecycleHost.Start;
        var graph = new FakeBatchGraphHandler
        {
            ExpiresAt = t => t.Contains("000002", StringComparison.Ordinal) ? null : start.AddDays(50),
            DataAccessExpiresAt = t => t.Contains("000002", StringComparison.Ordinal) ? null : start.AddDays(80),
        };
        await using var host = Create(graph);
        var same = await SeedAsync(host, TokenKey.ForUser("1000000"), FakeBatchGraphHandler.TokenFor(0, false), start.AddDays(50), start.AddDays(80), ["email", "pages_show_list"]);
        await SeedAsync(host, TokenKey.ForUser("1000001"), FakeBatchGraphHandler.TokenFor(1, false), start.AddDays(40), start.AddDays(70), ["email"]);
        await SeedAsync(host, TokenKey.ForUser("1000002"), FakeBatchGraphHandler.TokenFor(2, false), start.AddDays(45), start.AddDays(75), ["email"]);

        var result = await SweepAsync(host);

        Assert.Equal(3, result.Checked);
        Assert.Equal(same, await host.Store.GetAsync(same.Key));
        var changed = (await host.Store.GetAsync(TokenKey.ForUser("1000001")))!;
        Assert.Equal(2, changed.Version);
        Assert.Equal(start.AddDays(50), changed.ExpiresAt);
        Assert.Equal(start.AddDays(80), changed.DataAccessExpiresAt);
        Assert.Equal(["email", "pages_show_list"], changed.Scopes);
        var unknownExpiry = (await host.Store.GetAsync(TokenKey.ForUser("1000002")))!;
        Assert.Equal(start.AddDays(45), unknownExpiry.ExpiresAt);
        Assert.Equal(start.AddDays(75), unknownExpiry.DataAccessExpiresAt);
        Assert.Equal(["email", "pages_show_list"], unknownExpiry.Scopes);
    }

    [Fact]
    public async Task Notices_are_raised_when_the_time_left_reaches_the_notice_window_not_before()
    {
        var start = LifecycleHost.Start;
        var graph = new FakeBatchGraphHandler
        {
            ExpiresAt = t => t.Contains("000000", StringComparison.Ordinal) ? start.AddDays(3)
                : t.Contains("000001", StringComparison.Ordinal) ? start.AddDays(3).AddSeconds(1)
                : start.AddDays(50),
            DataAccessExpiresAt = t => t.Contains("000002", StringComparison.Ordinal) ? start.AddDays(14)
                : t.Contains("000003", StringComparison.Ordinal) ? start.AddDays(14).AddSeconds(1)
                : start.AddDays(80),
        };
        await using var host = Create(graph, o =>
        {
            o.ExpiringNoticeBefore = TimeSpan.FromDays(3);
            o.DataAccessNoticeBefore = TimeSpan.FromDays(14);
        });
        // User tokens whose server-side renewal already showed that the expiry does not move: only the person renews
        // them, so the sweep tells the observer instead of trying again.
        for (var i = 0; i < 4; i++)
        {
            var id = (1_000_000 + i).ToString(System.Globalization.CultureInfo.InvariantCulture);
            await SeedAsync(host, TokenKey.ForUser(id), FakeBatchGraphHandler.TokenFor(i, false), start.AddDays(50), start.AddDays(80), ["email", "pages_show_list"], renewalNeedsPerson: true);
        }

        await SweepAsync(host);

        Assert.Equal(TokenKey.ForUser("1000000"), Assert.Single(host.Observer.Expiring).Key);
        Assert.Equal(TokenKey.ForUser("1000002"), Assert.Single(host.Observer.DataAccess).Key);
    }
}
