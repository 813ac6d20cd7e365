// RemoveAllResilienceHandlers is still marked experimental in Microsoft.Extensions.Http.Resilience.
#pragma warning disable EXTEXP0001

using System.Diagnostics.Metrics;
using System.Net;
using FbTokens.Tests.Framework;
using Microsoft.Extensions.DependencyInjection;
using Polly;
using Polly.Retry;
using Polly.Timeout;
using static FbTokens.Tests.Framework.GraphPayloads;

namespace FbTokens.Tests.Resilience;

/// <summary>
/// The default pipeline is Microsoft.Extensions.Http.Resilience's own handler over Polly: its conventions
/// (<c>RemoveAllResilienceHandlers</c>, <c>AddStandardResilienceHandler</c>, <c>ConfigureHttpClientDefaults</c>),
/// Polly's telemetry, and the body read inside whichever pipeline's attempt.
/// </summary>
public sealed class ResilienceHandlerConventionTests
{
    private static readonly Uri Redirect = new("https://app.example.com/cb");

    [Fact]
    public async Task RemoveAllResilienceHandlers_removes_FbTokens_pipeline()
    {
        using var host = new GraphTestHost(builder: fb => fb.HttpClientBuilder.RemoveAllResilienceHandlers());
        host.On(HttpMethod.Get, "debug_token", Error(2, transient: true, trace: "OnlyTrace"), HttpStatusCode.ServiceUnavailable);

        var error = await Assert.ThrowsAsync<GraphApiException>(() => host.Client.DebugTokenAsync(LongLivedToken));

        // FbTokens' pipeline would have made 4 attempts.
        Assert.Single(host.Requests);
        Assert.Equal("OnlyTrace", error.FbTraceId);
    }

    [Fact]
    public async Task AddStandardResilienceHandler_after_RemoveAllResilienceHandlers_takes_FbTokens_place()
    {
        using var host = new GraphTestHost(builder: fb => fb.HttpClientBuilder
            .RemoveAllResilienceHandlers()
            .AddStandardResilienceHandler(o =>
            {
                o.Retry.MaxRetryAttempts = 1;
                o.Retry.Delay = TimeSpan.Zero;
                o.Retry.UseJitter = false;
            }));
        host.On(HttpMethod.Get, "debug_token", _ => GraphTestHost.Json("<html>bad gateway</html>", HttpStatusCode.BadGateway));

        await Assert.ThrowsAsync<GraphProtocolException>(() => host.Client.DebugTokenAsync(LongLivedToken));

        // The standard pipeline's one retry alone: FbTokens' pipeline around or beside it would make 4 attempts or more.
        Assert.Equal(2, host.Requests.Count);
    }

    [Fact]
    public async Task The_standard_pipeline_s_attempt_timeout_covers_the_body_too()
    {
        using var host = new GraphTestHost(builder: fb => fb.HttpClientBuilder
            .RemoveAllResilienceHandlers()
            .AddStandardResilienceHandler(o =>
            {
                o.Retry.Delay = TimeSpan.Zero;
                o.Retry.UseJitter = false;
            }));
        using var content = new StallingContent();
        var calls = 0;
        host.Intercept = (_, _) => Task.FromResult(Interlocked.Increment(ref calls) == 1
            ? new HttpResponseMessage(HttpStatusCode.OK) { Content = content }
            : GraphTestHost.Json(DebugValid));

        var call = host.Client.DebugTokenAsync(LongLivedToken);
        await content.Started.Task.WaitAsync(TimeSpan.FromSeconds(30));
        host.Time.Advance(TimeSpan.FromSeconds(10));

        // FbTokens' attempt handler is innermost, so it reads the body inside the standard pipeline's attempt: the
        // stalled body times out and is retried. Read outside it, the call would wait for ever (the real-time bound).
        Assert.True((await call.WaitAsync(TimeSpan.FromSeconds(30))).IsValid);
        Assert.Equal(2, calls);
        Assert.True(content.Disposed);
    }

    [Fact]
    public async Task A_standard_pipeline_from_ConfigureHttpClientDefaults_does_not_wrap_FbTokens_own()
    {
        // A service-defaults project puts the standard pipeline on every client; around FbTokens' own it would send a
        // single-use code again after a 503, and multiply every other call's attempts.
        using var host = new GraphTestHost(builder: fb => fb.Services.ConfigureHttpClientDefaults(http => http.AddStandardResilienceHandler(o =>
        {
            o.Retry.Delay = TimeSpan.Zero;
            o.Retry.UseJitter = false;
        })));
        host.On(HttpMethod.Post, "oauth/access_token", Error(2, transient: true), HttpStatusCode.ServiceUnavailable);
        host.On(HttpMethod.Get, "debug_token", Error(2, transient: true), HttpStatusCode.ServiceUnavailable);

        await Assert.ThrowsAsync<GraphApiException>(() => host.Client.ExchangeCodeAsync(Code, Redirect).WaitAsync(TimeSpan.FromSeconds(30)));
        Assert.Single(host.Requests);

        await Assert.ThrowsAsync<GraphApiException>(() => host.Client.DebugTokenAsync(LongLivedToken).WaitAsync(TimeSpan.FromSeconds(30)));
        Assert.Equal(1 + 4, host.Requests.Count);
    }

    [Fact]
    public async Task GraphRetryPredicates_decides_with_the_configured_settings()
    {
        // Graph asks for 60 s: past the default MaxRateLimitDelay (30 s), within the configured 2 minutes.
        using var host = new GraphTestHost(
            o => o.Resilience.MaxRateLimitDelay = TimeSpan.FromMinutes(2),
            fb => fb.ReplaceResiliencePipeline((pipeline, _) => pipeline.AddRetry(new RetryStrategyOptions<HttpResponseMessage>
            {
                MaxRetryAttempts = 1,
                Delay = TimeSpan.Zero,
                ShouldHandle = GraphRetryPredicates.ShouldRetryAsync,
            })));
        host.On(HttpMethod.Get, "debug_token", _ =>
        {
            var throttled = GraphTestHost.Json(Error(4), HttpStatusCode.BadRequest);
            throttled.Headers.Add("Retry-After", "60");
            return throttled;
        });

        await Assert.ThrowsAsync<GraphRateLimitException>(() => host.Client.DebugTokenAsync(LongLivedToken));

        Assert.Equal(2, host.Requests.Count);
    }

    [Fact]
    public async Task Polly_reports_its_metrics_for_the_default_pipeline()
    {
        var measurements = new List<(string Instrument, Dictionary<string, object?> Tags)>();
        using var listener = new MeterListener
        {
            InstrumentPublished = (instrument, l) =>
            {
                if (instrument.Meter.Name == "Polly")
                {
                    l.EnableMeasurementEvents(instrument);
                }
            },
        };
        listener.SetMeasurementEventCallback<int>((i, _, tags, _) => Record(i, tags));
        listener.SetMeasurementEventCallback<double>((i, _, tags, _) => Record(i, tags));
        listener.Start();
        using var host = new GraphTestHost();
        var calls = 0;
        host.On(HttpMethod.Get, "debug_token", _ => Interlocked.Increment(ref calls) == 1
            ? GraphTestHost.Json(Error(2, transient: true), HttpStatusCode.ServiceUnavailable)
            : GraphTestHost.Json(DebugValid));

        Assert.True((await host.Client.DebugTokenAsync(LongLivedToken)).IsValid);

        lock (measurements)
        {
            Assert.Contains(measurements, m => m.Instrument == "resilience.polly.strategy.events"
                && Equals(m.Tags.GetValueOrDefault("event.name"), "OnRetry")
                && Equals(m.Tags.GetValueOrDefault("strategy.name"), "FbTokens-Retry"));
            Assert.Contains(measurements, m => m.Instrument == "resilience.polly.strategy.attempt.duration"
                && Equals(m.Tags.GetValueOrDefault("strategy.name"), "FbTokens-Retry"));
            Assert.Contains(measurements, m => m.Instrument == "resilience.polly.pipeline.duration"
                && (m.Tags.GetValueOrDefault("pipeline.name") as string)?.Contains("FbTokens", StringComparison.Ordinal) == true);
        }

        void Record(Instrument instrument, ReadOnlySpan<KeyValuePair<string, object?>> tags)
        {
            var copy = new Dictionary<string, object?>();
            foreach (var tag in tags)
            {
                copy[tag.Key] = tag.Value;
            }

            lock (measurements)
            {
                measurements.Add((instrument.Name, copy));
            }
        }
    }

    [Fact]
    public async Task A_success_body_that_stalls_is_retried_for_a_safe_operation_but_not_for_a_code_exchange()
    {
        using var host = new GraphTestHost();
        var bodies = new List<StallingContent>();
        using var stalled = new SemaphoreSlim(0);
        var calls = 0;
        host.Intercept = (request, _) =>
        {
            if (Interlocked.Increment(ref calls) > 1 && request.RequestUri!.AbsolutePath.EndsWith("debug_token", StringComparison.Ordinal))
            {
                return Task.FromResult(GraphTestHost.Json(DebugValid));
            }

            var content = new StallingContent();
            lock (bodies)
            {
                bodies.Add(content);
            }

            stalled.Release();
            return Task.FromResult(new HttpResponseMessage(HttpStatusCode.OK) { Content = content });
        };

        // The body is part of the attempt: its timeout is an attempt timeout, retried like one.
        var safe = host.Client.DebugTokenAsync(LongLivedToken);
        await WaitForBodyAsync(stalled, bodies);
        host.Time.Advance(TimeSpan.FromSeconds(10));
        Assert.True((await safe.WaitAsync(TimeSpan.FromSeconds(30))).IsValid);
        Assert.Equal(2, calls);

        // Graph has the code once the headers came back: it is never sent again.
        var exchange = host.Client.ExchangeCodeAsync(Code, Redirect);
        await WaitForBodyAsync(stalled, bodies);
        host.Time.Advance(TimeSpan.FromSeconds(10));
        await Assert.ThrowsAsync<TimeoutRejectedException>(() => exchange.WaitAsync(TimeSpan.FromSeconds(30)));
        Assert.Equal(3, calls);
        Assert.All(bodies, b => Assert.True(b.Disposed));
    }

    /// <summary>Waits (bounded in real time) until one more stalling body is being read.</summary>
    private static async Task WaitForBodyAsync(SemaphoreSlim stalled, List<StallingContent> bodies)
    {
        Assert.True(await stalled.WaitAsync(TimeSpan.FromSeconds(30)), "no further request reached the handler");
        StallingContent body;
        lock (bodies)
        {
            body = bodies[^1];
        }

        await body.Started.Task.WaitAsync(TimeSpan.FromSeconds(30));
    }
}
