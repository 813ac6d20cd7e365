namespace FbTokens.Testing.Internal;

/// <summary><c>oauth/access_token</c> with <c>grant_type=fb_exchange_token</c>: a user token for a new long-lived one.</summary>
internal sealed class ExchangeTokenGrant(EmulatorStore store, RequestAuthenticator auth)
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

        var value = request.Get("fb_exchange_token");
        if (string.IsNullOrEmpty(value))
        {
            return GraphErrors.MissingParameter("fb_exchange_token");
        }

        if (store.FindTokenLocked(value) is not { } token || token.Kind != EmulatedTokenKind.User)
        {
            return GraphErrors.CannotParseToken();
        }

        context.Token = token;
        if (RequestAuthenticator.CheckUsable(token, context.Now) is { } unusable)
        {
            return unusable;
        }

        if (token.AppId != app.App.AppId)
        {
            return GraphErrors.OAuth(190, $"Error validating access token: The user has not authorized application {app.App.AppId}.", 458);
        }

        // Graph returns a new string; the old token keeps working until its own expiry.
        var longLived = store.IssueUserTokenLocked(store.UserOf(token), longLived: true, machineId: null, context.Now);
        context.Token = longLived;
        return TokenResponses.Bearer(longLived, context.Now);
    }
}
