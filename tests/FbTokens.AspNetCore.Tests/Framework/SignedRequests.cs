using System.Security.Cryptography;
using System.Text;
using System.Text.Json;

namespace FbTokens.AspNetCore.Tests.Framework;

/// <summary>Builds signed requests the way Facebook does: base64url(HMAC-SHA256(payload part, app secret)) "." base64url(json).</summary>
internal static class SignedRequests
{
    public static string Create(string appSecret, string userId, DateTimeOffset issuedAt, string algorithm = "HMAC-SHA256")
    {
        var json = JsonSerializer.Serialize(new Dictionary<string, object>
        {
            ["algorithm"] = algorithm,
            ["issued_at"] = issuedAt.ToUnixTimeSeconds(),
            ["user_id"] = userId,
        });
        var payload = Base64Url(Encoding.UTF8.GetBytes(json));
        var signature = Base64Url(HMACSHA256.HashData(Encoding.UTF8.GetBytes(appSecret), Encoding.ASCII.GetBytes(payload)));
        return signature + "." + payload;
    }

    public static FormUrlEncodedContent Form(string signedRequest) => new([new("signed_request", signedRequest)]);

    private static string Base64Url(byte[] bytes) => Convert.ToBase64String(bytes).TrimEnd('=').Replace('+', '-').Replace('/', '_');
}
