namespace FbTokens.Testing.Internal;

/// <summary><c>me/permissions</c>: every permission the person granted the app (<c>granted</c>) or declined in the Login dialog (<c>declined</c>).</summary>
internal sealed class PermissionsEndpoint(EmulatorStore store, RequestAuthenticator auth) : IEndpointHandler
{
    public EmulatorResponse Handle(EmulatorRequest request, RouteInfo route, CallContext context)
    {
        if (auth.CheckAccessToken(request, context, out var token) is { } tokenError)
        {
            return tokenError;
        }

        var objectId = route.ObjectId!;
        if (token.Kind is not EmulatedTokenKind.User || (objectId != "me" && objectId != token.UserId))
        {
            return GraphErrors.UnsupportedGet(objectId);
        }

        var user = store.UserOf(token);
        return EmulatorResponse.Json(200, w =>
        {
            w.WriteStartObject();
            w.WriteStartArray("data");
            foreach (var (permission, status) in user.Scopes.Select(s => (s, "granted")).Concat(user.DeclinedScopes.Select(s => (s, "declined"))))
            {
                w.WriteStartObject();
                w.WriteString("permission", permission);
                w.WriteString("status", status);
                w.WriteEndObject();
            }

            w.WriteEndArray();
            w.WriteEndObject();
        });
    }
}
