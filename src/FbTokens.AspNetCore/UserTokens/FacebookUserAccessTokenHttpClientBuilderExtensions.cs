using FbTokens.Internal;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace FbTokens;

/// <summary>Registers the handler that attaches the signed-in user's Facebook token to a host's own Graph <see cref="HttpClient"/>.</summary>
public static class FacebookUserAccessTokenHttpClientBuilderExtensions
{
    /// <summary>
    /// Attaches the current request's signed-in user's stored user token (read through <see cref="Microsoft.AspNetCore.Http.IHttpContextAccessor"/>,
    /// user id from <see cref="FacebookUserTokenOptions.UserIdClaimType"/>) to every request of this client, with its
    /// <c>appsecret_proof</c>: it names the user's <see cref="TokenKey"/> on the request and adds
    /// <see cref="GraphAccessTokenHttpClientBuilderExtensions.AddGraphAccessTokenHandler"/> behind it, which attaches,
    /// refreshes and retries as documented there (and never sends a token to a host other than the Graph base address).
    /// A request that names its own token (<see cref="GraphTokenHttpRequestMessageExtensions.WithGraphToken"/>) keeps it;
    /// outside a request, or with nobody signed in, requests go out without a token. Needs <c>AddFbTokens(...).AddTokenManager()</c>.
    /// </summary>
    /// <param name="builder">The builder of the host's Graph client.</param>
    /// <returns>The builder, for chaining.</returns>
    public static IHttpClientBuilder AddFacebookUserAccessTokenHandler(this IHttpClientBuilder builder)
    {
        ArgumentNullException.ThrowIfNull(builder);
        builder.Services.AddHttpContextAccessor();
        builder.Services.AddOptions<FacebookUserTokenOptions>();
        builder.AddHttpMessageHandler(services => new FacebookUserAccessTokenHandler(
            services.GetRequiredService<Microsoft.AspNetCore.Http.IHttpContextAccessor>(),
            services.GetRequiredService<IOptions<FacebookUserTokenOptions>>(),
            services.GetRequiredService<ILoggerFactory>().CreateLogger(AspNetCoreLog.Category)));
        return builder.AddGraphAccessTokenHandler();
    }
}
