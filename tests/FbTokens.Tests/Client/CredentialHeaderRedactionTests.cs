using FbTokens.Internal;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Http;
using Microsoft.Extensions.Options;

namespace FbTokens.Tests.Client;

/// <summary>
/// The credential headers stay redacted in IHttpClientFactory's request logs when a host names its own headers to
/// redact (which replaces the factory's redact-everything default), and the host's own rule still applies.
/// </summary>
public sealed class CredentialHeaderRedactionTests
{
    [Theory]
    [InlineData("Authorization", true)]
    [InlineData("authorization", true)]
    [InlineData("Proxy-Authorization", true)]
    [InlineData("PROXY-AUTHORIZATION", true)]
    [InlineData("X-Host-Secret", true)]
    [InlineData("Content-Type", false)]
    [InlineData("X-Authorization-Hint", false)]
    public void Credential_headers_are_redacted_on_top_of_the_host_s_own_rule(string header, bool redacted)
    {
        var services = new ServiceCollection();
        services.AddHttpClient("graph").RedactLoggedHeaders(["X-Host-Secret"]);
        CredentialHeaderRedaction.AddTo(services, "graph");
        using var provider = services.BuildServiceProvider();

        var options = provider.GetRequiredService<IOptionsMonitor<HttpClientFactoryOptions>>().Get("graph");

        Assert.Equal(redacted, options.ShouldRedactHeaderValue(header));
    }
}
