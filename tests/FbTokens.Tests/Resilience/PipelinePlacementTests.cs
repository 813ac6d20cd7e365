// RemoveAllResilienceHandlers is still marked experimental in Microsoft.Extensions.Http.Resilience.
#pragma warning disable EXTEXP0001

using System.Diagnostics.Metrics;
using System.Net;
using FbTokens.Tests.Framework;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Http.Resilience;
using Polly;
using Polly.Retry;
using Polly.Timeout;
using static FbTokens.Tests.Framework.GraphPayloads;

namespace FbTokens.Tests.Resilience;

/// <summary>
/// Where the pipeline sits in FbTokens' client: exactly one resilience handler (none when turned off, unless the host
/// replaced the pipeline), host handlers kept wherever they were added, no HttpClient timeout cutting across the
/// pipeline's, a replacement per app, and strategies named so a host's dashboards can tell them apart.
/// </summary>
public sealed class PipelinePlacementTests
{
    private sealed class HostHandler : DelegatingHandler;

    private static List<HttpMessageHandler> Chain(GraphTestHost host, string name = FbTokensServiceCollectionExtensions.HttpClientName)
    {
        var chain = new List<HttpMessageHandler>();
        for (HttpMessageHandler? handler = host.Services.GetRequiredService<IHttpMessageHandlerFactory>().CreateHandler(name); handler is not null; handler = (handler as DelegatingHandler)?.InnerHandler)
        {
            chain.Add(handler);
        }

        return chain;
    }

    private static int ResilienceHandlers(List<HttpMessageHandler> chain) => chain.Count(h => h is ResilienceHandler);

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public void Host_handlers_added_after_FbTokens_stay_and_the_pipeline_is_there_only_when_enabled(bool enabled)
    {
        using var host = new GraphTestHost(o => o.Resilience.Enabled = enabled, fb => fb.HttpClientBuilder.AddHttpMessageHandler(() => new HostHandler()));

        var chain = Chain(host);

        Assert.Single(chain, h => h is HostHandler);
        Assert.Equal(enabled ? 1 : 0, ResilienceHandlers(chain));
    }

    [Fact]
    public void Turned_off_the_pipeline_is_removed_even_when_it_is_the_first_handler()
    {
        using var host = new GraphTestHost(o => o.Resilience.Enabled = false);

        Assert.Equal(0, ResilienceHandlers(Chain(host)));
    }

    [Fact]
    public void A_standard_pipeline_from_the_client_defaults_leaves_one_handler_before_a_host_handler()
    {
        using var host = new GraphTestHost(builder: fb =>
        {
            fb.Services.ConfigureHttpClientDefaults(http => http.AddStandardResilienceHandler());
            fb.HttpClientBuilder.AddHttpMessageHandler(() => new HostHandler());
        });

        var chain = Chain(host);

        Assert.Equal(1, ResilienceHandlers(chain));
        Assert.Single(chain, h => h is HostHandler);
    }

    [Fact]
    public void Turned_off_with_a_standard_pipeline_from_the_client_defaults_there_is_no_pipeline_at_all()
    {
        using var host = new GraphTestHost(o => o.Resilience.Enabled = false, fb =>
        {
            fb.Services.ConfigureHttpClientDefaults(http => http.AddStandardResilienceHandler());
            fb.HttpClientBuilder.AddHttpMessageHandler(() => new HostHandler());
        });

        var chain = Chain(host);

        Assert.Equal(0, ResilienceHandlers(chain));
        Assert.Single(chain, h => h is HostHandler);
    }

    [Fact]
    public async Task A_replaced_pipeline_stays_when_the_default_one_is_turned_off()
    {
        using var host = new GraphTestHost(
            o => o.Resilience.Enabled = false,
            fb => fb.ReplaceResiliencePipeline((pipeline, _) => pipeline.AddRetry(new RetryStrategyOptions<HttpResponseMessage>
            {
                MaxRetryAttempts = 1,
                Delay = TimeSpan.Zero,
                ShouldHandle = args => new(args.Outcome.Result?.StatusCode == HttpStatusCode.ServiceUnavailable),
            })));
        var calls = 0;
        host.On(HttpMethod.Get, "debug_token", _ => ++calls == 1 ? GraphTestHost.Json("<html>503</html>", HttpStatusCode.ServiceUnavailable) : GraphTestHost.Json(DebugValid));

        Assert.True((await host.Client.DebugTokenAsync(LongLivedToken)).IsValid);
        Assert.Equal(2, calls);
        Assert.Equal(1, ResilienceHandlers(Chain(host)));
    }

    [Fact]
    public void FbTokens_client_has_no_HttpClient_timeout_of_its_own()
    {
        using var host = new GraphTestHost();

        var client = host.Services.GetRequiredService<IHttpClientFactory>().CreateClient(FbTokensServiceCollectionExtensions.HttpClientName);

        Assert.Equal(Timeout.InfiniteTimeSpan, client.Timeout);
    }

    [Fact]
    public async Task A_named_app_s_replaced_pipeline_is_its_own()
    {
        var services = new ServiceCollection();
        var primary = new MockHttpHandlerCounting();
        services.AddSingleton<TimeProvider>(new Microsoft.Extensions.Time.Testing.FakeTimeProvider(GraphTestHost.Start));
        var replaced = 0;
        foreach (var app in new[] { "a", "b" })
        {
            var fb = services.AddFbTokens(app, o =>
            {
                o.AppId = GraphTestHost.AppId;
                o.AppSecret = GraphTestHost.AppSecret;
            });
            fb.HttpClientBuilder.ConfigurePrimaryHttpMessageHandler(() => primary);
            if (app == "b")
            {
                fb.ReplaceResiliencePipeline((pipeline, _) =>
                {
                    Interlocked.Increment(ref replaced);
                    pipeline.AddTimeout(TimeSpan.FromMinutes(1));
                });
            }
        }

        await using var provider = services.BuildServiceProvider();
        await provider.GetRequiredKeyedService<IGraphTokenClient>("a").DebugTokenAsync(LongLivedToken);
        Assert.Equal(0, replaced);
        await provider.GetRequiredKeyedService<IGraphTokenClient>("b").DebugTokenAsync(LongLivedToken);
        Assert.Equal(1, replaced);
    }

    [Fact]
    public async Task The_timeout_strategies_are_named_in_Polly_s_telemetry()
    {
        var strategies = new List<string>();
        using var listener = new MeterListener
        {
            InstrumentPublished = (instrument, l) =>
            {
                if (instrument.Meter.Name == "Polly" && instrument.Name == "resilience.polly.strategy.events")
                {
                    l.EnableMeasurementEvents(instrument);
                }
            },
        };
        listener.SetMeasurementEventCallback<int>((_, _, tags, _) =>
        {
            foreach (var tag in tags)
            {
                if (tag.Key == "strategy.name" && tag.Value is string name)
                {
                    lock (strategies)
                    {
                        strategies.Add(name);
                    }
                }
            }
        });
        listener.Start();
        using var host = new GraphTestHost(o =>
        {
            o.Resilience.MaxRetryAttempts = 1;
            o.Resilience.AttemptTimeout = TimeSpan.FromSeconds(10);
            o.Resilience.TotalTimeout = TimeSpan.FromSeconds(15);
        });
        var requests = host.HangRequests();

        var call = host.Client.DebugTokenAsync(LongLivedToken);
        await requests.NextHangAsync();
        host.Time.Advance(TimeSpan.FromSeconds(10));
        await requests.NextHangAsync();
        host.Time.Advance(TimeSpan.FromSeconds(5));
        await Assert.ThrowsAsync<TimeoutRejectedException>(() => call);

        lock (strategies)
        {
            Assert.Contains("FbTokens-AttemptTimeout", strategies);
            Assert.Contains("FbTokens-TotalTimeout", strategies);
        }
    }

    private sealed class MockHttpHandlerCounting : HttpMessageHandler
    {
        protected override Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken) =>
            Task.FromResult(GraphTestHost.Json(DebugValid));
    }
}
