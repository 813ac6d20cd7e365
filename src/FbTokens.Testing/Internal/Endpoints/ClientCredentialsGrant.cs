namespace FbTokens.Testing.Internal;

/// <summary><c>oauth/access_token</c> with <c>grant_type=client_credentials</c>: an app token, <c>{app-id}|{random}</c>.</summary>
internal sealed class ClientCredentialsGrant(EmulatorStore store, RequestAuthenticator auth)
{
    public EmulatorResponse Handle(EmulatorRequest request, CallContext context)
    {
        if (auth.CheckClientId(request, out var app) is { } clientError)
        {
            return clientError;
        }

        if (RequestAuthenticator.CheckClientSecret(request, app) is { } secretError)
        {
            return secretError;
        }

        var token = store.IssueAppTokenLocked(app, context.Now);
        return TokenResponses.AppToken(token);
    }
}
