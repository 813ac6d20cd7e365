using System.Net;
using FbTokens.Internal;
using FbTokens.Tests.Framework;
using Microsoft.Extensions.DependencyInjection;
using RichardSzalay.MockHttp;
using Xunit.Abstractions;

namespace FbTokens.Tests.Lifecycle;

public sealed class SingleFlightConcurrencyTests(ITestOutputHelper output)
{
    private const int Callers = 10_000;

    [Fact]
    public async Task Ten_thousand_concurrent_callers_that_wait_for_the_refresh_cause_exactly_one_exchange()
    {
        var store = new CountingTokenStore();
        await using var host = new LifecycleHost(o => o.RefreshInBackground = false, services: s => s.AddSingleton<ITokenStore>(store));
        var gate = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var exchange = host.Http.When(HttpMethod.Post, LifecycleHost.Exchange);
        exchange.Respond(async () =>
        {
            await gate.Task;
            return LifecyclePayloads.Json(HttpStatusCode.OK, LifecyclePayloads.LongLived("EAABthefreshtoken0123456789"));
        });
        await host.SeedUserAsync("1001", "EAABtheoldtoken0123456789", TimeSpan.FromDays(3));
        var manager = host.PublicManager;
        var key = TokenKey.ForUser("1001");

        // Hold the exchange until every caller has read the old (due) token, so all of them want a refresh.
        store.SignalAtReads = Callers + 1;
        var callers = Enumerable.Range(0, Callers).Select(_ => Task.Run(() => manager.GetTokenAsync(key).AsTask())).ToArray();
        await store.ReadsReached.Task.WaitAsync(TimeSpan.FromMinutes(1), TimeProvider.System);
        gate.SetResult();
        var tokens = await Task.WhenAll(callers);

        var exchanges = host.Http.GetMatchCount(exchange);
        output.WriteLine($"{Callers} callers, {exchanges} exchange request(s), {store.Reads} store reads.");
        Assert.Equal(1, exchanges);
        Assert.All(tokens, t => Assert.Equal("EAABthefreshtoken0123456789", t.Value));
        Assert.Single(host.Observer.Refreshed);
    }

    [Fact]
    public async Task A_failed_flight_is_forgotten_so_the_next_call_runs_the_work_again()
    {
        var flights = new SingleFlight<string, int>();
        var runs = 0;
        await Assert.ThrowsAsync<InvalidOperationException>(() => flights.RunAsync("k", _ => { runs++; throw new InvalidOperationException(); }, CancellationToken.None));
        Assert.Equal(7, await flights.RunAsync("k", _ => { runs++; return Task.FromResult(7); }, CancellationToken.None));
        Assert.Equal(2, runs);
        Assert.Equal(0, flights.Count);
    }

    [Fact]
    public async Task Different_keys_fly_independently()
    {
        var flights = new SingleFlight<string, string>();
        var gate = new TaskCompletionSource<string>(TaskCreationOptions.RunContinuationsAsynchronously);
        var blocked = flights.RunAsync("a", _ => gate.Task, CancellationToken.None);
        Assert.Equal("b", await flights.RunAsync("b", k => Task.FromResult(k), CancellationToken.None));
        Assert.False(blocked.IsCompleted);
        gate.SetResult("a");
        Assert.Equal("a", await blocked);
    }
}
