using System.Text;
using FbTokens.Internal;

namespace FbTokens;

/// <summary>An access token returned by <c>oauth/access_token</c>.</summary>
/// <remarks>
/// Graph's <c>expires_in</c> is taken as a lifetime only when it is a whole number of seconds from 1 to ten years. From
/// <see cref="IGraphTokenClient.ExchangeCodeAsync"/>, whose code is spent by then, any other value (zero, negative, larger,
/// a fraction, not a number) is logged at Warning and reported as an unknown expiry (both expiry properties null), and
/// the token is returned. From <see cref="IGraphTokenClient.GetAppAccessTokenAsync"/> such a value is a
/// <see cref="GraphProtocolException"/> that keeps the HTTP status.
/// </remarks>
/// <param name="AccessToken">The token. Never printed by <see cref="object.ToString"/>.</param>
/// <param name="TokenType">The token type; Graph sends <c>bearer</c>.</param>
/// <param name="ExpiresIn">The lifetime Graph reported, or null when it gave none (app tokens) or, for a token bought with a code, gave an unusable one.</param>
/// <param name="ExpiresAt">When the token expires, computed from the client's clock when the response arrived; null when <paramref name="ExpiresIn"/> is.</param>
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
