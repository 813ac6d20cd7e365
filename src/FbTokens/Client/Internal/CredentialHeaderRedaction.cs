using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Http;

namespace FbTokens.Internal;

/// <summary>
/// Keeps the caller's token, sent in the <c>Authorization</c> header (see <see cref="GraphRequest.AddAccessToken"/>),
/// out of IHttpClientFactory's request logging. The factory redacts every header value by default, but a host that
/// calls <c>RedactLoggedHeaders</c> for its own headers replaces that default and would print all others; this
/// runs after every host configuration, whatever the order of registration, and only adds to what is redacted.
/// </summary>
internal static class CredentialHeaderRedaction
{
    public static void AddTo(IServiceCollection services, string httpClientName) =>
        services.PostConfigure<HttpClientFactoryOptions>(httpClientName, options =>
        {
            var hostRule = options.ShouldRedactHeaderValue;
            options.ShouldRedactHeaderValue = header => IsCredential(header) || hostRule(header);
        });

    private static bool IsCredential(string header) =>
        string.Equals(header, "Authorization", StringComparison.OrdinalIgnoreCase)
        || string.Equals(header, "Proxy-Authorization", StringComparison.OrdinalIgnoreCase);
}
