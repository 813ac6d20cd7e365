using System.Text;
using System.Text.Json;
using FbTokens.Internal;

namespace FbTokens;

/// <summary>
/// A verified Facebook <c>signed_request</c>: what Facebook POSTs to an app's deauthorize and data-deletion callbacks, and
/// what the JavaScript SDK keeps in the <c>fbsr_{app-id}</c> cookie (<see cref="CookieName"/>). <see cref="Parse(string, string, TimeProvider, TimeSpan)"/>
/// accepts one only when its <c>HMAC-SHA256</c> signature under the app secret matches (compared in constant time),
/// the payload names <c>HMAC-SHA256</c>, and <c>issued_at</c> is recent; anything else is a
/// <see cref="FacebookSignedRequestException"/>. The payload is read only after the signature is verified.
/// <see cref="object.ToString"/> masks <see cref="Code"/> and <see cref="OAuthToken"/> and leaves out the payload.
/// </summary>
public sealed record FacebookSignedRequest
{
    /// <summary>The longest signed request accepted, in characters (16 KiB); Facebook's are well under 2 KiB.</summary>
    public const int MaxLength = 16 * 1024;

    /// <summary>How old <c>issued_at</c> may be when no other age is given: one hour.</summary>
    public static TimeSpan DefaultMaxAge { get; } = TimeSpan.FromHours(1);

    /// <summary>How far in the future <c>issued_at</c> may be, for clocks that disagree: five minutes.</summary>
    public static TimeSpan MaxClockSkew { get; } = TimeSpan.FromMinutes(5);

    /// <summary>The payload's <c>algorithm</c>; always <c>HMAC-SHA256</c> in a parsed request.</summary>
    public required string Algorithm { get; init; }

    /// <summary>When Facebook signed it (<c>issued_at</c>).</summary>
    public required DateTimeOffset IssuedAt { get; init; }

    /// <summary>The app-scoped id of the person (<c>user_id</c>), or null when the payload has none.</summary>
    public string? UserId { get; init; }

    /// <summary>A Login code (<c>code</c>, in the JavaScript SDK's cookie), exchangeable once with the redirect URI
    /// <c>""</c>; a secret. Null when absent.</summary>
    public string? Code { get; init; }

    /// <summary>A user access token (<c>oauth_token</c>), in some older payloads; a secret. Null when absent.</summary>
    public string? OAuthToken { get; init; }

    /// <summary>When the payload's token or code expires (<c>expires</c>), or null when absent or 0.</summary>
    public DateTimeOffset? ExpiresAt { get; init; }

    /// <summary>The whole verified payload, for fields FbTokens does not name (<c>page</c>, <c>user</c>, <c>app_data</c>).
    /// It may hold <c>code</c> and <c>oauth_token</c>: do not log it.</summary>
    public JsonElement Payload { get; init; }

    /// <summary>The JavaScript SDK's cookie for <paramref name="appId"/>: <c>fbsr_{app-id}</c>.</summary>
    /// <param name="appId">The app id.</param>
    /// <returns>The cookie name.</returns>
    public static string CookieName(string appId)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(appId);
        return "fbsr_" + appId;
    }

    /// <summary>Verifies and reads <paramref name="signedRequest"/> on the system clock, accepting it for
    /// <see cref="DefaultMaxAge"/> after <c>issued_at</c>.</summary>
    /// <param name="signedRequest">The <c>signed_request</c> form field or cookie value, as received.</param>
    /// <param name="appSecret">The app secret it was signed with.</param>
    /// <returns>The verified request.</returns>
    /// <exception cref="FacebookSignedRequestException">It is malformed, too large, forged, of another algorithm, or too old.</exception>
    /// <exception cref="ArgumentException"><paramref name="appSecret"/> is null or white space.</exception>
    public static FacebookSignedRequest Parse(string? signedRequest, string appSecret) =>
        Parse(signedRequest, appSecret, TimeProvider.System, DefaultMaxAge);

    /// <summary>Verifies and reads <paramref name="signedRequest"/>.</summary>
    /// <param name="signedRequest">The <c>signed_request</c> form field or cookie value, as received.</param>
    /// <param name="appSecret">The app secret it was signed with.</param>
    /// <param name="timeProvider">The clock <c>issued_at</c> is checked against.</param>
    /// <param name="maxAge">How long after <c>issued_at</c> it is accepted; positive.</param>
    /// <returns>The verified request.</returns>
    /// <exception cref="FacebookSignedRequestException">It is malformed, too large, forged, of another algorithm, or too old.</exception>
    /// <exception cref="ArgumentException"><paramref name="appSecret"/> is null or white space.</exception>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="maxAge"/> is not positive.</exception>
    public static FacebookSignedRequest Parse(string? signedRequest, string appSecret, TimeProvider timeProvider, TimeSpan maxAge)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(appSecret);
        ArgumentNullException.ThrowIfNull(timeProvider);
        ArgumentOutOfRangeException.ThrowIfLessThanOrEqual(maxAge, TimeSpan.Zero);
        return SignedRequestReader.Read(signedRequest, appSecret, timeProvider.GetUtcNow(), maxAge);
    }

    private bool PrintMembers(StringBuilder builder)
    {
        builder.Append("Algorithm = ").Append(Algorithm)
            .Append(", IssuedAt = ").Append(IssuedAt)
            .Append(", UserId = ").Append(UserId)
            .Append(", Code = ").Append(Code is null ? null : SecretMask.Token(Code))
            .Append(", OAuthToken = ").Append(OAuthToken is null ? null : SecretMask.Token(OAuthToken))
            .Append(", ExpiresAt = ").Append(ExpiresAt);
        return true;
    }
}
