using FbTokens.Internal;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Http.Resilience;
using Polly;
using Polly.Retry;

namespace FbTokens;

/// <summary>Lets a host tune or replace the resilience pipeline of the FbTokens client.</summary>
public static class GraphResilienceFbTokensBuilderExtensions
{
    /// <summary>
    /// Replaces FbTokens' default pipeline (total timeout → retry → circuit breaker → attempt timeout) with the
    /// host's own Polly pipeline, run by Microsoft.Extensions.Http.Resilience's handler in the same place. The host
    /// then owns retries: keep single-use operations (code exchange, client-code redemption) from being retried once
    /// a request may have reached Graph — <see cref="GraphRetryPredicates.ShouldRetryAsync"/> does that. Calling it
    /// again replaces the previous replacement. On a named app's builder it replaces that app's pipeline only.
    /// </summary>
    /// <param name="builder">The FbTokens builder.</param>
    /// <param name="configure">Builds the pipeline; the context gives access to the service provider.</param>
    /// <returns>The same builder.</returns>
    public static IFbTokensBuilder ReplaceResiliencePipeline(this IFbTokensBuilder builder, Action<ResiliencePipelineBuilder<HttpResponseMessage>, ResilienceHandlerContext> configure)
    {
        ArgumentNullException.ThrowIfNull(builder);
        ArgumentNullException.ThrowIfNull(configure);
        var replacement = new ResiliencePipelineReplacement(configure);
        if (builder.AppName is null)
        {
            // Stryker disable once Statement : the last registration wins either way; this keeps one per app
            builder.Services.RemoveAll<ResiliencePipelineReplacement>();
            builder.Services.AddSingleton(replacement);
        }
        else
        {
            // Stryker disable once Statement : the last registration wins either way; this keeps one per app
            builder.Services.RemoveAllKeyed<ResiliencePipelineReplacement>(builder.AppName);
            builder.Services.AddKeyedSingleton(builder.AppName, replacement);
        }

        return builder;
    }

    /// <summary>
    /// Tunes the default pipeline's settings in code (they also bind from <c>FbTokens:Resilience:*</c>, or
    /// <c>FbTokens:Apps:{name}:Resilience:*</c> for a named app, whose settings these are on its builder).
    /// </summary>
    /// <param name="builder">The FbTokens builder.</param>
    /// <param name="configure">Changes the settings.</param>
    /// <returns>The same builder.</returns>
    public static IFbTokensBuilder ConfigureResilience(this IFbTokensBuilder builder, Action<GraphResilienceOptions> configure)
    {
        ArgumentNullException.ThrowIfNull(builder);
        ArgumentNullException.ThrowIfNull(configure);
        builder.Services.Configure<FbTokensOptions>(FbTokensApps.OptionsName(builder.AppName), o => configure(o.Resilience));
        return builder;
    }
}
