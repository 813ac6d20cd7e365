using Microsoft.Extensions.DependencyInjection;

namespace FbTokens.Internal;

/// <summary>The <see cref="IFbTokensBuilder"/> that <c>AddFbTokens</c> returns, for the unnamed app or a named one.</summary>
internal sealed class FbTokensBuilder(IServiceCollection services, IHttpClientBuilder httpClientBuilder, string? appName) : IFbTokensBuilder
{
    public IServiceCollection Services { get; } = services;

    public IHttpClientBuilder HttpClientBuilder { get; } = httpClientBuilder;

    public string? AppName { get; } = appName;
}
