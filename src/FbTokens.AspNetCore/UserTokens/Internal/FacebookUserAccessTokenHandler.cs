using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace FbTokens.Internal;

/// <summary>
/// Names the current request's signed-in user's token on each outgoing request (<see cref="GraphTokenHttpRequestMessageExtensions.WithGraphToken"/>),
/// so that the core Graph access-token handler behind it attaches the token and its <c>appsecret_proof</c>. A request that
/// already names a token is left alone; with nobody signed in the request goes out without one.
/// </summary>
internal sealed class FacebookUserAccessTokenHandler(
    IHttpContextAccessor accessor, IOptions<FacebookUserTokenOptions> options, ILogger logger) : DelegatingHandler
{
    protected override Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
    {
        if (!request.Options.TryGetValue(GraphTokenHttpRequestMessageExtensions.TokenKeyOption, out _))
        {
            var userId = UserTokenReader.UserIdOf(accessor.HttpContext?.User, options.Value.UserIdClaimType);
            TokenKey? key = null;
            if (userId is not null)
            {
                try
                {
                    key = TokenKey.ForUser(userId);
                }
                catch (ArgumentException)
                {
                    key = null;
                }
            }

            if (key is null)
            {
                AspNetCoreLog.UserTokenHandlerNoUser(logger);
            }
            else
            {
                request.WithGraphToken(key);
            }
        }

        return base.SendAsync(request, cancellationToken);
    }
}
