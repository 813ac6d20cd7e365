using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Http;
using Microsoft.Extensions.Http.Resilience;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Polly;

namespace FbTokens.Internal;

/// <summary>
/// The handlers on the FbTokens <see cref="HttpClient"/>, outermost first: the resilience handler that
/// <c>AddResilienceHandler</c> adds (FbTokens' <see cref="GraphDefaultPipeline"/>, or the host's own Polly pipeline,
/// or none when <see cref="GraphResilienceOptions.Enabled"/> is false) → whatever the host adds → the per-attempt
/// <see cref="GraphAttemptHandler"/>, always innermost. Usage throttling runs before the client sends
/// (<see cref="GraphUsageThrottle"/>). Each app has its own: a named app's client, settings, pipeline (so its circuit),
/// usage tracker and replacement pipeline are keyed by its name (see <see cref="FbTokensApps"/>).
/// </summary>
/// <remarks>
/// Being Microsoft.Extensions.Http.Resilience's own handler, the pipeline follows its conventions:
/// <c>RemoveAllResilienceHandlers()</c> removes it, <c>AddStandardResilienceHandler()</c> after that puts the standard
/// pipeline in its place, and Polly reports its <c>resilience.polly.*</c> metrics and events.
/// </remarks>
internal static class GraphResiliencePipeline
{
    public const string PipelineName = "FbTokens";

    public static void AddTo(IHttpClientBuilder builder, string? appName)
    {
        // The pipeline owns timeouts; HttpClient's own 100 s timeout would cut across them.
        builder.ConfigureHttpClient(client => client.Timeout = Timeout.InfiniteTimeSpan);

        // FbTokens logs every operation and attempt itself (event ids 1000–1009), without URLs; the factory's
        // default request logging would only repeat that, with paths. A host can add it back: AddDefaultLogger().
        builder.RemoveAllLoggers();

        // Built once per service provider and client (so per app) and kept by Polly's registry, so the circuit's state
        // outlives the rotation of HttpClient handlers.
        builder.AddResilienceHandler(PipelineName, (pipeline, context) =>
        {
            var services = context.ServiceProvider;

            // Created now, after Polly's registry, so disposed before it: it cancels background refreshes, which the
            // registry's disposal would otherwise wait for.
            _ = FbTokensApps.GetOptional<LifecycleStoppingHook>(services, appName);
            if (FbTokensApps.GetOptional<ResiliencePipelineReplacement>(services, appName) is { } replacement)
            {
                replacement.Configure(pipeline, context);
                return;
            }

            var options = FbTokensApps.OptionsOf<FbTokensOptions>(services, appName).Value.Resilience;
            if (options.Enabled)
            {
                var time = services.GetRequiredService<TimeProvider>();
                var logger = services.GetRequiredService<ILoggerFactory>().CreateLogger("FbTokens.Resilience");
                GraphDefaultPipeline.Configure(pipeline, options, new GraphRetryPolicy(options, time), time, logger);
            }
        });

        builder.ConfigureAdditionalHttpMessageHandlers((handlers, services) =>
        {
            // The handler AddResilienceHandler just added: the last resilience handler so far.
            var slot = handlers.Count - 1;
            // Stryker disable once Equality,Logical,Statement,Update,Block : defensive; AddResilienceHandler's handler is the last one when this runs, so the loop never turns
            while (slot >= 0 && handlers[slot] is not ResilienceHandler)
            {
                slot--;
            }

            // One before it can only come from ConfigureHttpClientDefaults (a service-defaults project's
            // AddStandardResilienceHandler, say). FbTokens' pipeline is this client's already: a second one around it
            // would retry single-use codes and multiply attempts. A host that wants the standard pipeline here calls
            // RemoveAllResilienceHandlers().AddStandardResilienceHandler() on HttpClientBuilder.
            for (var i = slot - 1; i >= 0; i--)
            {
                if (handlers[i] is ResilienceHandler)
                {
                    // Stryker disable once Statement : the discarded handler was never used; disposing it frees nothing observable
                    handlers[i].Dispose();
                    handlers.RemoveAt(i);
                    slot--;
                }
            }

            if (slot >= 0 && !FbTokensApps.OptionsOf<FbTokensOptions>(services, appName).Value.Resilience.Enabled
                && FbTokensApps.GetOptional<ResiliencePipelineReplacement>(services, appName) is null)
            {
                // Turned off: no handler at all, not an empty pipeline.
                // Stryker disable once Statement : the discarded handler was never used; disposing it frees nothing observable
                handlers[slot].Dispose();
                handlers.RemoveAt(slot);
            }
        });

        // Innermost, after whatever the host adds later (its own handlers, or the standard pipeline in place of
        // FbTokens'): every pipeline's attempt then covers the attempt handler's reading of the body.
        builder.Services.PostConfigure<HttpClientFactoryOptions>(builder.Name, options =>
            options.HttpMessageHandlerBuilderActions.Add(handlers =>
                handlers.AdditionalHandlers.Add(new GraphAttemptHandler(
                    FbTokensApps.Get<GraphUsageTracker>(handlers.Services, appName),
                    FbTokensApps.OptionsOf<FbTokensOptions>(handlers.Services, appName),
                    handlers.Services.GetRequiredService<ILogger<GraphAttemptHandler>>()))));
    }
}

/// <summary>A host's own pipeline, registered with <see cref="GraphResilienceFbTokensBuilderExtensions.ReplaceResiliencePipeline"/>.</summary>
internal sealed class ResiliencePipelineReplacement(Action<ResiliencePipelineBuilder<HttpResponseMessage>, ResilienceHandlerContext> configure)
{
    public Action<ResiliencePipelineBuilder<HttpResponseMessage>, ResilienceHandlerContext> Configure { get; } = configure;
}
