using System.Text;
using FbTokens.Internal;

namespace FbTokens;

/// <summary>A long-lived user access token (about 60 days), from <c>fb_exchange_token</c> or a client-code redemption.</summary>
/// <remarks>
/// Graph's <c>expires_in</c> is taken as a lifetime only when it is a whole number of seconds from 1 to ten years. From
/// <see cref="IGraphTokenClient.RedeemClientCodeAsync"/>, whose code is spent by then, any other <c>expires_in</c> is
/// logged at Warning and reported as an unknown expiry (both expiry properties null), a <c>machine_id</c> or
/// <c>token_type</c> that is not a usable string is logged and reported as absent, and the token is returned. From
/// <see cref="IGraphTokenClient.ExchangeForLongLivedTokenAsync"/> an unusable <c>expires_in</c> is a
/// <see cref="GraphProtocolException"/> that keeps the HTTP status.
/// </remarks>
/// <param name="AccessToken">The token. Never printed by <see cref="object.ToString"/>.</param>
/// <param name="TokenType">The token type; Graph sends <c>bearer</c> (assumed when Graph omits it).</param>
/// <param name="ExpiresIn">The lifetime Graph reported, or null when it gave none or, for a redeemed client code, gave an unusable one.</param>
/// <param name="ExpiresAt">When the token expires, computed from the client's clock when the response arrived; null when <paramref name="ExpiresIn"/> is.</param>
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
