using Microsoft.Extensions.DependencyInjection;

namespace FbTokens;

/// <summary>Returned by <c>AddFbTokens</c> to chain further FbTokens registrations (stores, handlers, policies).</summary>
public interface IFbTokensBuilder
{
    /// <summary>The service collection FbTokens was added to.</summary>
    IServiceCollection Services { get; }

    /// <summary>
    /// The builder of the <see cref="System.Net.Http.HttpClient"/> behind this app's <see cref="IGraphTokenClient"/>: add
    /// handlers, replace the resilience pipeline, or plug in the emulator's handler here.
    /// </summary>
    IHttpClientBuilder HttpClientBuilder { get; }

    /// <summary>
    /// The app this builder registers for: the name given to <c>AddFbTokens(name, …)</c>, or null for the unnamed app.
    /// Every registration made through the builder (token manager, sweep, login, resilience, store) is this app's; a
    /// named app's services are keyed by this name.
    /// </summary>
    string? AppName { get; }
}
