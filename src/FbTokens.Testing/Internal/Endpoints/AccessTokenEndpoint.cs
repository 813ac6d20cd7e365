namespace FbTokens.Testing.Internal;

/// <summary><c>oauth/access_token</c>: picks the grant by <c>grant_type</c>, as Graph does.</summary>
internal sealed class AccessTokenEndpoint(CodeGrant code, ExchangeTokenGrant exchange, ClientCredentialsGrant clientCredentials) : IEndpointHandler
{
    public EmulatorResponse Handle(EmulatorRequest request, RouteInfo route, CallContext context) => request.Get("grant_type") switch
    {
        "fb_exchange_token" => exchange.Handle(request, context),
        "client_credentials" => clientCredentials.Handle(request, context),
        null or "authorization_code" => code.Handle(request, context),
        var other => GraphErrors.OAuth(100, "Unsupported grant_type: " + other),
    };
}
