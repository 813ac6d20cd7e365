namespace FbTokens;

/// <summary>A callback whose state passed every check.</summary>
/// <param name="RedirectUri">The redirect URI of the dialog: pass it to <see cref="IGraphTokenClient.ExchangeCodeAsync"/>.</param>
/// <param name="CreatedAt">When the state was created.</param>
public sealed record ValidatedLoginState(Uri RedirectUri, DateTimeOffset CreatedAt);
