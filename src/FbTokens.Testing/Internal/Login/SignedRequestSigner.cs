using System.Security.Cryptography;
using System.Text;

namespace FbTokens.Testing.Internal;

/// <summary>
/// Signs a <c>signed_request</c> as Facebook does for the deauthorize and data-deletion callbacks:
/// <c>base64url(HMAC-SHA256(app secret, encoded payload)) + "." + base64url(payload JSON)</c>, without padding.
/// Its own code, not the client's parser, so the emulator stays an independent check on it.
/// </summary>
internal static class SignedRequestSigner
{
    public static string Sign(string appSecret, string userId, DateTimeOffset issuedAt)
    {
        var payload = JsonText.Write(w =>
        {
            w.WriteStartObject();
            w.WriteString("algorithm", "HMAC-SHA256");
            w.WriteNumber("issued_at", issuedAt.ToUnixTimeSeconds());
            w.WriteString("user_id", userId);
            w.WriteEndObject();
        });
        var encodedPayload = Base64Url(payload);
        var signature = HMACSHA256.HashData(Encoding.UTF8.GetBytes(appSecret), Encoding.ASCII.GetBytes(encodedPayload));
        return Base64Url(signature) + "." + encodedPayload;
    }

    private static string Base64Url(byte[] bytes) => Convert.ToBase64String(bytes).TrimEnd('=').Replace('+', '-').Replace('/', '_');
}
