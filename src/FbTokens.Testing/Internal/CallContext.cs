namespace FbTokens.Testing.Internal;

/// <summary>
/// The per-call context: which app, user and page the call is for, for usage headers and throttles. An endpoint
/// that issues a token sets <see cref="Token"/> to it, so the answer's usage headers are for the new token.
/// </summary>
internal sealed class CallContext(DateTimeOffset now)
{
    public DateTimeOffset Now { get; } = now;

    public AppState? App { get; set; }

    public TokenState? Token { get; set; }

    public string? UserId => Token?.UserId;

    public string? PageId => Token?.PageId;
}
