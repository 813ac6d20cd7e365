using FbTokens.Internal;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace FbTokens;

/// <summary>Registers the handler that attaches Graph tokens to a host's own Graph <see cref="HttpClient"/>.</summary>
public static class GraphAccessTokenHttpClientBuilderExtensions
{
    /// <summary>
    /// Adds a handler to the host's own Graph <see cref="HttpClient"/> that attaches the token each request names
    /// (<see cref="GraphTokenHttpRequestMessageExtensions.WithGraphToken"/>, else <paramref name="defaultKey"/>) in the
    /// <c>Authorization: Bearer</c> header (as the <c>access_token</c> query parameter when
    /// <see cref="FbTokensOptions.SendAccessTokenInHeader"/> is off), with its <c>appsecret_proof</c> as a query
    /// parameter; an <c>access_token</c> or <c>appsecret_proof</c> already in the URI is dropped. When Graph rejects the
    /// token it is marked, replaced where possible (a newer stored token, a page token fetched again) and the request
    /// retried once. To see whether it did, the handler reads 4xx error bodies within
    /// <see cref="GraphResponseLimits.MaxErrorBodyBytes"/> and buffers them, so the caller can still read them; a body
    /// past that limit, or one that does not match its Content-Encoding, ends the call with a
    /// <see cref="GraphProtocolException"/> (with the status and Graph's trace id). Requests naming no token pass
    /// through untouched; a token is never attached to a host other than <see cref="FbTokensOptions.GraphBaseAddress"/>,
    /// and the client's request logging always redacts the <c>Authorization</c> header.
    /// Needs <c>AddFbTokens(...).AddTokenManager()</c>. Do not add it to the FbTokens client itself.
    /// With <paramref name="appName"/>, the tokens, proofs and options are those of the app registered with
    /// <c>AddFbTokens(appName, …).AddTokenManager()</c>: a key that names no app is taken as that app's.
    /// </summary>
    /// <param name="builder">The builder of the host's Graph client.</param>
    /// <param name="defaultKey">The token for requests that name none; null to pass those through.</param>
    /// <param name="appName">The app whose tokens to attach; null for the unnamed app.</param>
    /// <returns>The builder, for chaining.</returns>
    /// <exception cref="ArgumentException"><paramref name="appName"/> is empty, blank, or holds <c>:</c>.</exception>
    public static IHttpClientBuilder AddGraphAccessTokenHandler(this IHttpClientBuilder builder, TokenKey? defaultKey = null, string? appName = null)
    {
        ArgumentNullException.ThrowIfNull(builder);
        if (appName is not null)
        {
            FbTokensApps.CheckName(appName, nameof(appName));
        }

        CredentialHeaderRedaction.AddTo(builder.Services, builder.Name);
        return builder.AddHttpMessageHandler(services => new GraphAccessTokenHandler(
            FbTokensApps.GetOptional<TokenReader>(services, appName)
                ?? throw new InvalidOperationException(appName is null
                    ? "AddGraphAccessTokenHandler() needs the token manager: call AddFbTokens(...).AddTokenManager()."
                    : $"AddGraphAccessTokenHandler(appName: \"{appName}\") needs that app's token manager: call AddFbTokens(\"{appName}\", ...).AddTokenManager()."),
            FbTokensApps.Get<RejectedTokenRecovery>(services, appName),
            FbTokensApps.Get<TokenInvalidator>(services, appName),
            FbTokensApps.Get<AppSecretProof>(services, appName),
            FbTokensApps.OptionsOf<FbTokensOptions>(services, appName),
            services.GetRequiredService<ILogger<GraphAccessTokenHandler>>(),
            defaultKey));
    }
}
