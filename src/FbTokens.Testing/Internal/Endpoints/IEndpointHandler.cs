namespace FbTokens.Testing.Internal;

/// <summary>One Graph route. <see cref="EmulatorRouter"/> calls it under the store's lock, after the throttles.</summary>
internal interface IEndpointHandler
{
    /// <summary>Answers the call: a JSON success or Graph's error envelope (the router adds the standard headers).</summary>
    /// <param name="request">The request.</param>
    /// <param name="route">The parsed path (version, object id).</param>
    /// <param name="context">Who is calling; set <see cref="CallContext.Token"/> to a token the call issues.</param>
    EmulatorResponse Handle(EmulatorRequest request, RouteInfo route, CallContext context);
}
