using System.Net;
using FbTokens.Tests.Framework;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using RichardSzalay.MockHttp;

namespace FbTokens.Tests.Lifecycle;

/// <summary>
/// Refresh-ahead (<see cref="TokenManagerOptions.RefreshInBackground"/>, on by default): a caller that finds a still-valid
/// token due for refresh gets it at once; the one refresh per key runs in the background; its failure never reaches a
/// caller; disposing the host cancels it.
/// </summary>
public sealed class RefreshAheadTests
{
    private const string Old = "EAABtheoldlonglivedtoken0123456789";
    private const string Fresh = "EAABthefreshlonglivedtoken0123456789";
    private const int Callers = 10_000;

    private static (MockedRequest Exchange, TaskCompletionSource Gate, TaskCompletionSource Sent) HeldExchange(LifecycleHost host, HttpStatusCode status = HttpStatusCode.OK)
    {
        var gate = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var sent = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var exchange = host.Http.When(HttpMethod.Post, LifecycleHost.Exchange);
        exchange.Respond(async () =>
        {
            sent.TrySetResult();
            await gate.Task;
            return status == HttpStatusCode.OK
                ? LifecyclePayloads.Json(status, LifecyclePayloads.LongLived(Fresh))
                : LifecyclePayloads.Json(status, LifecyclePayloads.Error(2));
        });
        return (exchange, gate, sent);
    }

    [Fact]
    public async Task Ten_thousand_callers_inside_the_refresh_window_get_the_valid_token_while_the_one_refresh_is_held()
    {
        await using var host = new LifecycleHost(o => o.RefreshInBackground = true);
        var (exchange, gate, sent) = HeldExchange(host);
        await host.SeedUserAsync("1001", Old, TimeSpan.FromDays(3));
        var key = TokenKey.ForUser("1001");
        var manager = host.PublicManager;

        // The refresh is held until every caller has returned: a caller that waited for it would never return.
        var callers = Enumerable.Range(0, Callers).Select(_ => Task.Run(() => manager.GetTokenAsync(key).AsTask())).ToArray();
        var tokens = await Task.WhenAll(callers).WaitAsync(TimeSpan.FromMinutes(1), TimeProvider.System);
        await sent.Task.WaitAsync(TimeSpan.FromMinutes(1), TimeProvider.System);

        Assert.All(tokens, t => Assert.Equal(Old, t.Value));
        Assert.Equal(1, host.Http.GetMatchCount(exchange));
        Assert.Empty(host.Observer.Refreshed);

        gate.SetResult();
        await host.WhenRefreshIdleAsync(key);

        Assert.Equal(1, host.Http.GetMatchCount(exchange));
        Assert.Single(host.Observer.Refreshed);
        Assert.Equal(Fresh, (await host.Store.GetAsync(key))!.Value);
        Assert.Equal(Fresh, (await manager.GetTokenAsync(key)).Value);
    }

    [Fact]
    public async Task A_background_failure_is_logged_counted_and_retried_after_the_delay_and_never_reaches_a_caller()
    {
        using var telemetry = new TelemetryCapture();
        await using var host = new LifecycleHost(
            o =>
            {
                o.RefreshInBackground = true;
                o.RefreshRetryDelay = TimeSpan.FromMinutes(5);
            },
            services: s => s.AddLogging(l => l.AddProvider(telemetry)));
        var (exchange, gate, _) = HeldExchange(host, HttpStatusCode.InternalServerError);
        gate.SetResult();
        await host.SeedUserAsync("1001", Old, TimeSpan.FromDays(3));
        var key = TokenKey.ForUser("1001");

        Assert.Equal(Old, (await host.PublicManager.GetTokenAsync(key)).Value);
        await host.WhenRefreshIdleAsync(key);
        Assert.Equal(1, host.Http.GetMatchCount(exchange));
        Assert.Contains(telemetry.Logs, l => l.EventId.Name == "RefreshFailed");
        Assert.Contains(telemetry.Measurements, m => m.Instrument == "fbtokens.token.renewals" && Equals(m.Tag("fbtokens.outcome"), "failed") && Equals(m.Tag("fbtokens.token.kind"), "user"));

        // Inside the retry delay: the valid token, no new attempt.
        host.Time.Advance(TimeSpan.FromMinutes(4));
        Assert.Equal(Old, (await host.PublicManager.GetTokenAsync(key)).Value);
        await host.WhenRefreshIdleAsync(key);
        Assert.Equal(1, host.Http.GetMatchCount(exchange));

        // After it: one more background attempt, and still the valid token for the caller.
        host.Time.Advance(TimeSpan.FromMinutes(2));
        Assert.Equal(Old, (await host.PublicManager.GetTokenAsync(key)).Value);
        await host.WhenRefreshIdleAsync(key);
        Assert.Equal(2, host.Http.GetMatchCount(exchange));
        Assert.Empty(host.Observer.Reauthentication);
    }

    [Fact]
    public async Task Disposing_the_host_cancels_a_held_background_refresh_without_an_unobserved_task_exception()
    {
        var unobserved = new List<Exception>();
        void OnUnobserved(object? sender, UnobservedTaskExceptionEventArgs e)
        {
            lock (unobserved)
            {
                unobserved.Add(e.Exception);
            }
        }

        TaskScheduler.UnobservedTaskException += OnUnobserved;
        try
        {
            var graph = new HeldGraphHandler();
            var host = new LifecycleHost(o => o.RefreshInBackground = true, graph: graph);
            await host.SeedUserAsync("1001", Old, TimeSpan.FromDays(3));
            var key = TokenKey.ForUser("1001");
            Assert.Equal(Old, (await host.PublicManager.GetTokenAsync(key)).Value);
            await graph.Sent.Task.WaitAsync(TimeSpan.FromMinutes(1), TimeProvider.System);
            var idle = host.WhenRefreshIdleAsync(key);

            // Polly's pipeline, on disposal, polls once a second of the host's clock (this fake one) for executions still
            // pending, for up to 30 seconds: move the clock while it does. The refresh must be cancelled by then, not
            // abandoned when Polly gives up. Each step gives disposal 20 real milliseconds to get on: with a bare
            // Task.Yield a loaded machine ran the steps ahead of disposal's real work (a flaky 31 s).
            var disposing = host.DisposeAsync().AsTask();
            var waited = TimeSpan.Zero;
            for (var i = 0; i < 10_000 && !disposing.IsCompleted; i++)
            {
                host.Time.Advance(TimeSpan.FromMilliseconds(100));
                waited += TimeSpan.FromMilliseconds(100);
                await Task.WhenAny(disposing, Task.Delay(20));
            }

            await disposing.WaitAsync(TimeSpan.FromMinutes(1), TimeProvider.System);

            // Cancelled before the pipeline is disposed, so shutdown does not sit out Polly's 30-second wait (it needs
            // about one of its one-second polls).
            Assert.True(waited < TimeSpan.FromSeconds(5), $"disposal waited {waited} of the host's clock");
            await idle.WaitAsync(TimeSpan.FromMinutes(1), TimeProvider.System);
            Assert.True(graph.Cancelled);

            GC.Collect();
            GC.WaitForPendingFinalizers();
            GC.Collect();
            lock (unobserved)
            {
                Assert.DoesNotContain(unobserved, e => e.ToString().Contains("FbTokens", StringComparison.Ordinal));
            }
        }
        finally
        {
            TaskScheduler.UnobservedTaskException -= OnUnobserved;
        }
    }

    [Fact]
    public async Task An_expired_token_is_still_refused_at_once_and_never_refreshed_in_the_background()
    {
        await using var host = new LifecycleHost(o => o.RefreshInBackground = true);
        var (exchange, gate, _) = HeldExchange(host);
        gate.SetResult();
        await host.SeedUserAsync("1001", Old, TimeSpan.FromDays(3));
        host.Time.Advance(TimeSpan.FromDays(3));

        await Assert.ThrowsAsync<ReauthenticationRequiredException>(() => host.PublicManager.GetTokenAsync(TokenKey.ForUser("1001")).AsTask());
        Assert.Equal(0, host.Http.GetMatchCount(exchange));
    }

    [Fact]
    public void Background_refresh_is_on_by_default() => Assert.True(new TokenManagerOptions().RefreshInBackground);

    [Fact]
    public async Task With_background_refresh_off_the_caller_waits_and_gets_the_renewed_token()
    {
        await using var host = new LifecycleHost(o => o.RefreshInBackground = false);
        var (exchange, gate, sent) = HeldExchange(host);
        await host.SeedUserAsync("1001", Old, TimeSpan.FromDays(3));

        var pending = host.PublicManager.GetTokenAsync(TokenKey.ForUser("1001")).AsTask();
        await sent.Task.WaitAsync(TimeSpan.FromMinutes(1), TimeProvider.System);
        Assert.False(pending.IsCompleted);
        gate.SetResult();

        Assert.Equal(Fresh, (await pending).Value);
        Assert.Equal(1, host.Http.GetMatchCount(exchange));
    }

    /// <summary>A Graph that never answers, until the request is cancelled.</summary>
    private sealed class HeldGraphHandler : HttpMessageHandler
    {
        public TaskCompletionSource Sent { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

        public bool Cancelled { get; private set; }

        protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
        {
            Sent.TrySetResult();
            try
            {
                await Task.Delay(Timeout.InfiniteTimeSpan, cancellationToken);
            }
            catch (OperationCanceledException)
            {
                Cancelled = true;
                throw;
            }

            throw new InvalidOperationException("unreachable");
        }
    }
}
