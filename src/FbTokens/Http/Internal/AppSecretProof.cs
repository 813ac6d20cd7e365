using System.Security.Cryptography;
using System.Text;
using Microsoft.Extensions.Options;

namespace FbTokens.Internal;

/// <summary>
/// Computes <c>appsecret_proof</c>: the lower-case hex HMAC-SHA256 of an access token, keyed by the app secret.
/// </summary>
internal sealed class AppSecretProof(IOptions<FbTokensOptions> options)
{
    private readonly byte[]? _key = options.Value.AppSecret is { Length: > 0 } secret ? Encoding.UTF8.GetBytes(secret) : null;

    /// <summary>Whether a proof can be computed (an app secret is configured).</summary>
    public bool IsAvailable => _key is not null;

    /// <summary>The proof for <paramref name="accessToken"/>.</summary>
    /// <exception cref="InvalidOperationException">No app secret is configured.</exception>
    public string Compute(string accessToken)
    {
        if (_key is null)
        {
            throw new InvalidOperationException("appsecret_proof needs FbTokens:AppSecret, which is not configured.");
        }

        return Compute(_key, accessToken);
    }

    /// <summary>The proof for <paramref name="accessToken"/> with an explicit key.</summary>
    public static string Compute(ReadOnlySpan<byte> key, string accessToken)
    {
        // Stryker disable once Conditional,Equality : where the buffer lives (stack or heap) does not change the bytes hashed
        Span<byte> message = accessToken.Length <= 1024 ? stackalloc byte[Encoding.UTF8.GetMaxByteCount(accessToken.Length)] : new byte[Encoding.UTF8.GetMaxByteCount(accessToken.Length)];
        var length = Encoding.UTF8.GetBytes(accessToken, message);
        Span<byte> hash = stackalloc byte[HMACSHA256.HashSizeInBytes];
        HMACSHA256.HashData(key, message[..length], hash);
#if NET9_0_OR_GREATER
        return Convert.ToHexStringLower(hash);
#else
        return Convert.ToHexString(hash).ToLowerInvariant();
#endif
    }
}
