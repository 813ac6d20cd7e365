using System.Text;

namespace FbTokens;

/// <summary>
/// What Graph's <c>debug_token</c> reports about a token. Holds no token value. Ids may come from Graph as JSON numbers
/// and are always given here as their digits; <c>null</c> entries in Graph's arrays are left out.
/// </summary>
/// <remarks>
/// Timestamps are Graph's Unix seconds as UTC. A timestamp past <see cref="DateTimeOffset.MaxValue"/> (9999-12-31) is
/// returned as null and logged at Warning (for <see cref="ExpiresAt"/> this reads as "never", which is what such a date
/// means). A negative or fractional timestamp, or an id that is not a whole non-negative number, is not what Graph sends:
/// the call fails with a <see cref="GraphProtocolException"/> that keeps the HTTP status.
/// </remarks>
/// <param name="AppId">The app the token belongs to (empty when Graph could not tell, e.g. for a malformed token).</param>
/// <param name="Type">The token type: <c>USER</c>, <c>PAGE</c>, <c>APP</c> or <c>SYSTEM_USER</c>; other values are passed through.</param>
/// <param name="Application">The app's name.</param>
/// <param name="IsValid">Whether the token can be used now.</param>
/// <param name="ExpiresAt">When the token expires; null when it never does (Graph's <c>expires_at: 0</c>, or a date past 9999-12-31) or Graph did not say.</param>
/// <param name="DataAccessExpiresAt">When the 90-day data-access window ends; null when Graph did not say (or sent 0, or a date past 9999-12-31).</param>
/// <param name="IssuedAt">When the token was issued, if Graph said (null for 0 or a date past 9999-12-31).</param>
/// <param name="Scopes">The permissions granted to the token.</param>
/// <param name="GranularScopes">Permissions limited to particular objects (pages, ad accounts…); entries without a <c>scope</c> are left out.</param>
/// <param name="UserId">The app-scoped user the token acts for, if any.</param>
/// <param name="ProfileId">The page the token acts for (page tokens).</param>
/// <param name="Error">Why the token is invalid, when it is.</param>
public sealed record DebugTokenResponse(
    string AppId,
    string? Type,
    string? Application,
    bool IsValid,
    DateTimeOffset? ExpiresAt,
    DateTimeOffset? DataAccessExpiresAt,
    DateTimeOffset? IssuedAt,
    IReadOnlyList<string> Scopes,
    IReadOnlyList<GranularScope> GranularScopes,
    string? UserId,
    string? ProfileId,
    DebugTokenError? Error)
{
    /// <summary>Graph's <c>metadata</c> about how the token was obtained, or null when Graph sent none.</summary>
    public DebugTokenMetadata? Metadata { get; init; }

    private bool PrintMembers(StringBuilder builder)
    {
        builder.Append("AppId = ").Append(AppId)
            .Append(", Type = ").Append(Type)
            .Append(", Application = ").Append(Application)
            .Append(", IsValid = ").Append(IsValid)
            .Append(", ExpiresAt = ").Append(ExpiresAt)
            .Append(", DataAccessExpiresAt = ").Append(DataAccessExpiresAt)
            .Append(", IssuedAt = ").Append(IssuedAt)
            .Append(", Scopes = [").AppendJoin(", ", Scopes)
            .Append("], GranularScopes = [").AppendJoin(", ", GranularScopes)
            .Append("], UserId = ").Append(UserId)
            .Append(", ProfileId = ").Append(ProfileId)
            .Append(", Error = ").Append(Error)
            .Append(", Metadata = ").Append(Metadata);
        return true;
    }
}
