namespace FbTokens;

/// <summary>
/// Graph's <c>debug_token</c> <c>metadata</c>: how the token was obtained. Fields Graph adds later are ignored; a
/// field that is not a string reads as null.
/// </summary>
/// <param name="AuthType">Graph's <c>auth_type</c>, e.g. <c>rerequest</c> or <c>reauthenticate</c>, when Graph sent one.</param>
/// <param name="Sso">Graph's <c>sso</c>, the single-sign-on source, e.g. <c>iphone-safari</c>, when Graph sent one.</param>
public sealed record DebugTokenMetadata(string? AuthType, string? Sso);
