namespace FbTokens.Testing.Internal;

/// <summary><c>oauth/client_code</c>: a long-lived user token and the app secret for a client code the device redeems.</summary>
internal sealed class ClientCodeEndpoint(EmulatorStore store, RequestAuthenticator auth) : IEndpointHandler
{
    public EmulatorResponse Handle(EmulatorRequest request, RouteInfo route, CallContext context)
    {
        if (auth.CheckClientId(request, out var app) is { } clientError)
        {
            return clientError;
        }

        if (RequestAuthenticator.CheckClientSecret(request, app) is { } secretError)
        {
            return secretError;
        }

        var redirectUri = request.Get("redirect_uri");
        if (string.IsNullOrEmpty(redirectUri))
        {
            return GraphErrors.MissingParameter("redirect_uri");
        }

        if (auth.CheckAccessToken(request, context, out var token) is { } tokenError)
        {
            return tokenError;
        }

        if (token.Kind != EmulatedTokenKind.User || token.AppId != app.App.AppId)
        {
            return GraphErrors.OAuth(100, "The access token must be a user access token of this app.");
        }

        var code = store.AddCodeLocked(app.App.AppId, token.UserId!, CodeState.NormalizeRedirect(redirectUri), context.Now, isClientCode: true);
        return TokenResponses.ClientCode(code);
    }
}
