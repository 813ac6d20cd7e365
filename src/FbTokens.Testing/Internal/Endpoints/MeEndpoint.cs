namespace FbTokens.Testing.Internal;

/// <summary><c>me</c>: the id and name of the user, system user or page the token acts for; a user's data needs an open data-access window.</summary>
internal sealed class MeEndpoint(EmulatorStore store, RequestAuthenticator auth) : IEndpointHandler
{
    public EmulatorResponse Handle(EmulatorRequest request, RouteInfo route, CallContext context)
    {
        if (auth.CheckAccessToken(request, context, out var token) is { } tokenError)
        {
            return tokenError;
        }

        string id;
        string name;
        if (token.Kind == EmulatedTokenKind.Page)
        {
            var page = store.UserOf(token).Pages.First(p => p.Id == token.PageId);
            (id, name) = (page.Id, page.Name);
        }
        else if (token.Kind is EmulatedTokenKind.User or EmulatedTokenKind.SystemUser)
        {
            if (token.IsDataAccessClosedAt(context.Now))
            {
                // Still authenticated, but the person's data is out of reach until they log in again.
                return GraphErrors.DataAccessExpired();
            }

            var user = store.UserOf(token);
            (id, name) = (user.Id, user.Name);
        }
        else
        {
            return GraphErrors.OAuth(2500, "An active access token must be used to query information about the current user.");
        }

        return EmulatorResponse.Json(200, w =>
        {
            w.WriteStartObject();
            w.WriteString("name", name);
            w.WriteString("id", id);
            w.WriteEndObject();
        });
    }
}
