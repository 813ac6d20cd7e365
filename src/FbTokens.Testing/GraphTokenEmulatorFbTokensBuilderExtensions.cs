using Microsoft.Extensions.DependencyInjection;

namespace FbTokens.Testing;

/// <summary>Points an FbTokens registration at a <see cref="GraphTokenEmulator"/>.</summary>
public static class GraphTokenEmulatorFbTokensBuilderExtensions
{
    /// <summary>
    /// Sends the FbTokens client's requests to the emulator's in-memory handler (no socket), and fills in
    /// <c>AppId</c>/<c>AppSecret</c> from <see cref="GraphTokenEmulator.DefaultApp"/> when they are not set.
    /// The resilience pipeline stays in place, so retries behave as against Graph. On a named app's builder it points that
    /// app (its client and its options) at the emulator; give each app's <c>AppId</c>/<c>AppSecret</c> from
    /// <see cref="GraphTokenEmulator.AddApp"/> so that several apps share one emulator.
    /// </summary>
    /// <param name="builder">The builder returned by <c>AddFbTokens</c>.</param>
    /// <param name="emulator">The emulator.</param>
    /// <returns>The same builder.</returns>
    public static IFbTokensBuilder UseGraphTokenEmulator(this IFbTokensBuilder builder, GraphTokenEmulator emulator)
    {
        ArgumentNullException.ThrowIfNull(builder);
        ArgumentNullException.ThrowIfNull(emulator);
        builder.HttpClientBuilder.ConfigurePrimaryHttpMessageHandler(emulator.CreateHttpMessageHandler);
        builder.Services.PostConfigure<FbTokensOptions>(builder.AppName ?? Microsoft.Extensions.Options.Options.DefaultName, options =>
        {
            options.GraphBaseAddress = GraphTokenEmulator.InMemoryBaseAddress;
            if (string.IsNullOrEmpty(options.AppId))
            {
                options.AppId = emulator.DefaultApp.AppId;
                options.AppSecret ??= emulator.DefaultApp.AppSecret;
            }
        });
        return builder;
    }
}
