using System.Text;

namespace FbTokens;

/// <summary>What Graph's <c>debug_token</c> reports about a token. Holds no token value.</summary>
/// <param name="AppId">The app the token belongs to (empty when Graph could not tell, e.g. for a malformed token).</param>
/// <param name="Type">The token type: <c>USER</c>, <c>PAGE</c>, <c>APP</c> or <c>SYSTEM_USER</c>; other values are passed through.</param>
/// <param name="Application">The app's name.</param>
/// <param name="IsValid">Whether the token can be used now.</param>
/// <param name="ExpiresAt">When the token expires; null when it never does (Graph's <c>expires_at: 0</c>) or Graph did not say.</param>
/// <param name="DataAccessExpiresAt">When the 90-day data-access window ends; null when Graph did not say.</param>
/// <param name="IssuedAt">When the token was issued, if Graph said.</param>
/// <param name="Scopes">The permissions granted to the token.</param>
/// <param name="GranularScopes">Permissions limited to particular objects (pages, ad accounts…).</param>
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
            .Append(", Error = ").Append(Error);
        return true;
    }
}

/// <summary>A permission granted for particular objects only.</summary>
/// <param name="Scope">The permission, e.g. <c>pages_show_list</c>.</param>
/// <param name="TargetIds">The ids of the objects it applies to (empty when it applies to all).</param>
public sealed record GranularScope(string Scope, IReadOnlyList<string> TargetIds)
{
    private bool PrintMembers(StringBuilder builder)
    {
        builder.Append("Scope = ").Append(Scope).Append(", TargetIds = [").AppendJoin(", ", TargetIds).Append(']');
        return true;
    }
}

/// <summary>Why <c>debug_token</c> reports a token invalid.</summary>
/// <param name="Code">Graph's error code, usually 190.</param>
/// <param name="Message">Graph's message.</param>
/// <param name="Subcode">Graph's subcode (see <see cref="TokenErrorReason"/>), if any.</param>
public sealed record DebugTokenError(int Code, string Message, int? Subcode)
{
    /// <summary>The reason the subcode stands for.</summary>
    public TokenErrorReason Reason => Internal.GraphErrorClassifier.ReasonFor(Subcode);
}
