using System.Diagnostics;
using FbTokens.Internal;
using FbTokens.Tests.Framework;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using RichardSzalay.MockHttp;
using Xunit.Abstractions;

namespace FbTokens.Tests.Lifecycle;

public sealed class TokenSweeperTests(ITestOutputHelper output)
{
    private static LifecycleHost Create(FakeBatchGraphHandler graph, Action<TokenManagerOptions>? configure = null) =>
        new(configure, build: b => b.AddTokenValidationSweep(), graph: graph);

    private static async Task SeedAsync(LifecycleHost host, int count, Func<int, bool> invalid)
    {
        for (var i = 0; i < count; i++)
        {
            await host.Store.SetAsync(new StoredToken
            {
                Key = TokenKey.ForUser((1_000_000 + i).ToString(System.Globalization.CultureInfo.InvariantCulture)),
                Value = FakeBatchGraphHandler.TokenFor(i, invalid(i)),
                ExpiresAt = host.Now + TimeSpan.FromDays(50),
                DataAccessExpiresAt = host.Now + TimeSpan.FromDays(80),
                Scopes = ["email", "pages_show_list"],
                IssuedAt = host.Now,
                UpdatedAt = host.Now,
            }, expectedVersion: 0);
        }
    }

    [Fact]
    public async Task Ten_thousand_tokens_are_validated_in_at_most_200_requests_and_the_invalid_ones_marked_and_reported()
    {
        var graph = new FakeBatchGraphHandler();
        await using var host = Create(graph);
        static bool IsInvalid(int i) => i % 97 == 0;
        await SeedAsync(host, 10_000, IsInvalid);
        var expectedInvalid = Enumerable.Range(0, 10_000).Count(IsInvalid);

        var clock = Stopwatch.StartNew();
        var result = await host.Services.GetRequiredService<TokenSweeper>().SweepAsync(CancellationToken.None);
        clock.Stop();

        output.WriteLine($"10000 tokens: {graph.Requests} HTTP requests, largest batch {graph.LargestBatch}, {result.Invalid} invalid, {clock.ElapsedMilliseconds} ms.");
        Assert.Empty(graph.ProblemsSeen);
        Assert.True(graph.Requests <= 200, $"{graph.Requests} requests");
        Assert.Equal(200, graph.Requests);
        Assert.Equal(50, graph.LargestBatch);
        Assert.Equal(10_000, result.Checked);
        Assert.Equal(expectedInvalid, result.Invalid);
        Assert.Equal(0, result.Failed);

        var marked = 0;
        await foreach (var token in host.Store.ListAsync(TokenKind.User))
        {
            var shouldBeInvalid = token.Value.StartsWith("INVALID", StringComparison.Ordinal);
            Assert.Equal(shouldBeInvalid ? TokenStatus.Invalid : TokenStatus.Valid, token.Status);
            if (shouldBeInvalid)
            {
                Assert.Equal(TokenErrorReason.PasswordChanged, token.InvalidReason);
                marked++;
            }
        }

        Assert.Equal(expectedInvalid, marked);
        Assert.Equal(expectedInvalid, host.Observer.Reauthentication.Count);
        Assert.All(host.Observer.Reauthentication, n => Assert.Equal(TokenErrorReason.PasswordChanged, n.Reason));
        Assert.Empty(host.Observer.Refreshed);
    }

    [Fact]
    public async Task Incomplete_batch_operations_are_resent()
    {
        var graph = new FakeBatchGraphHandler();
        await using var host = Create(graph);
        await SeedAsync(host, 40, i => i == 3);
        graph.IncompleteOnce[FakeBatchGraphHandler.TokenFor(3, invalid: true)] = true;
        graph.IncompleteOnce[FakeBatchGraphHandler.TokenFor(35, invalid: false)] = true;

        var result = await host.Services.GetRequiredService<TokenSweeper>().SweepAsync(CancellationToken.None);

        Assert.Equal(2, graph.Requests);
        Assert.Equal(2, result.Requests);
        Assert.Equal(40, result.Checked);
        Assert.Equal(1, result.Invalid);
        Assert.Equal(0, result.Failed);
    }

    [Fact]
    public async Task Tokens_due_for_refresh_are_refreshed_and_notices_raised_for_expiry_and_data_access()
    {
        var graph = new FakeBatchGraphHandler
        {
            ExpiresAt = t => t.Contains("due", StringComparison.Ordinal) ? LifecycleHost.Start + TimeSpan.FromDays(5)
                : t.Contains("system", StringComparison.Ordinal) ? LifecycleHost.Start + TimeSpan.FromDays(2)
                : LifecycleHost.Start + TimeSpan.FromDays(50),
            DataAccessExpiresAt = t => t.Contains("due", StringComparison.Ordinal) ? LifecycleHost.Start + TimeSpan.FromDays(10) : LifecycleHost.Start + TimeSpan.FromDays(80),
        };
        var api = new MockHttpMessageHandler();
        api.Fallback.Respond(req => graph.SendAsyncPublic(req));
        await using var host = new LifecycleHost(build: b => b.AddTokenValidationSweep(), graph: api);
        var exchange = api.When(HttpMethod.Post, LifecycleHost.Exchange).WithFormData("fb_exchange_token", "EAABduetoken0123456789-1")
            .Respond("application/json", LifecyclePayloads.LongLived("EAABrefreshedbysweep0123456789"));

        // The 60-day system-user token's server-side renewal fails this time: its admin hears it expires.
        var systemRenewal = api.When(HttpMethod.Post, LifecycleHost.Exchange).WithFormData("set_token_expires_in_60_days", "true")
            .Respond(System.Net.HttpStatusCode.InternalServerError, "application/json", LifecyclePayloads.Error(2, transient: true));
        await host.SeedUserAsync("1", "EAABduetoken0123456789-1", TimeSpan.FromDays(5));
        await host.Store.SetAsync(new StoredToken { Key = TokenKey.ForSystemUser("2"), Value = "EAABsystemtoken0123456789-2", ExpiresAt = host.Now + TimeSpan.FromDays(2) }, null);

        var result = await host.Services.GetRequiredService<TokenSweeper>().SweepAsync(CancellationToken.None);

        Assert.Equal(1, result.Refreshed);
        Assert.Equal(1, api.GetMatchCount(exchange));
        Assert.Equal(1, api.GetMatchCount(systemRenewal));
        Assert.Equal("EAABrefreshedbysweep0123456789", (await host.Store.GetAsync(TokenKey.ForUser("1")))!.Value);
        Assert.Equal(TokenKey.ForUser("1"), Assert.Single(host.Observer.Refreshed).Key);
        Assert.Equal(TokenKey.ForSystemUser("2"), Assert.Single(host.Observer.Expiring).Key);
        var dataAccess = Assert.Single(host.Observer.DataAccess);
        Assert.Equal("1", dataAccess.UserId);
        Assert.Equal(LifecycleHost.Start + TimeSpan.FromDays(10), dataAccess.DataAccessExpiresAt);
    }

    [Fact]
    public async Task The_hosted_service_sweeps_on_the_fake_clock()
    {
        var graph = new FakeBatchGraphHandler();
        await using var host = Create(graph, o =>
        {
            o.SweepStartDelay = TimeSpan.FromMinutes(1);
            o.SweepInterval = TimeSpan.FromHours(6);
        });
        await SeedAsync(host, 10, _ => false);
        var service = host.Services.GetServices<IHostedService>().OfType<TokenValidationService>().Single();

        await service.StartAsync(CancellationToken.None);
        host.Time.Advance(TimeSpan.FromSeconds(59));
        Assert.False(await graph.RequestSeen.WaitAsync(TimeSpan.Zero));
        host.Time.Advance(TimeSpan.FromSeconds(1));
        Assert.True(await graph.RequestSeen.WaitAsync(TimeSpan.FromSeconds(30)), "first sweep");
        host.Time.Advance(TimeSpan.FromHours(6));
        Assert.True(await graph.RequestSeen.WaitAsync(TimeSpan.FromSeconds(30)), "second sweep");
        await service.StopAsync(CancellationToken.None);

        Assert.Equal(2, graph.Requests);
    }
}
