using System.Text;
using FbTokens.Internal;

namespace FbTokens;

/// <summary>An access token returned by <c>oauth/access_token</c>.</summary>
/// <param name="AccessToken">The token. Never printed by <see cref="object.ToString"/>.</param>
/// <param name="TokenType">The token type; Graph sends <c>bearer</c>.</param>
/// <param name="ExpiresIn">The lifetime Graph reported, or null when it gave none (app tokens).</param>
/// <param name="ExpiresAt">When the token expires, computed from the client's clock when the response arrived; null when Graph gave no expiry.</param>
public sealed record AccessTokenResponse(string AccessToken, string TokenType, TimeSpan? ExpiresIn, DateTimeOffset? ExpiresAt)
{
    private bool PrintMembers(StringBuilder builder)
    {
        builder.Append("AccessToken = ").Append(SecretMask.Token(AccessToken))
            .Append(", TokenType = ").Append(TokenType)
            .Append(", ExpiresIn = ").Append(ExpiresIn)
            .Append(", ExpiresAt = ").Append(ExpiresAt);
        return true;
    }
}

/// <summary>A long-lived user access token (about 60 days), from <c>fb_exchange_token</c> or a client-code redemption.</summary>
/// <param name="AccessToken">The token. Never printed by <see cref="object.ToString"/>.</param>
/// <param name="TokenType">The token type; Graph sends <c>bearer</c> (assumed when Graph omits it).</param>
/// <param name="ExpiresIn">The lifetime Graph reported, or null when it gave none.</param>
/// <param name="ExpiresAt">When the token expires, computed from the client's clock when the response arrived; null when Graph gave no expiry.</param>
/// <param name="MachineId">The <c>machine_id</c> Graph assigned to the redeeming device, when the token came from a client code.</param>
public sealed record LongLivedTokenResponse(string AccessToken, string TokenType, TimeSpan? ExpiresIn, DateTimeOffset? ExpiresAt, string? MachineId = null)
{
    private bool PrintMembers(StringBuilder builder)
    {
        builder.Append("AccessToken = ").Append(SecretMask.Token(AccessToken))
            .Append(", TokenType = ").Append(TokenType)
            .Append(", ExpiresIn = ").Append(ExpiresIn)
            .Append(", ExpiresAt = ").Append(ExpiresAt)
            .Append(", MachineId = ").Append(MachineId);
        return true;
    }
}
