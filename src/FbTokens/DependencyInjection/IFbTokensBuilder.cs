using Microsoft.Extensions.DependencyInjection;

namespace FbTokens;

/// <summary>Returned by <c>AddFbTokens</c> to chain further FbTokens registrations (stores, handlers, policies).</summary>
public interface IFbTokensBuilder
{
    /// <summary>The service collection FbTokens was added to.</summary>
    IServiceCollection Services { get; }

    /// <summary>
    /// The builder of the <see cref="System.Net.Http.HttpClient"/> behind <see cref="IGraphTokenClient"/>: add
    /// handlers, replace the resilience pipeline, or plug in the emulator's handler here.
    /// </summary>
    IHttpClientBuilder HttpClientBuilder { get; }
}
