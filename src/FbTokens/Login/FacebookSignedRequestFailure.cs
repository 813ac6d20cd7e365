namespace FbTokens;

/// <summary>Why a <c>signed_request</c> was rejected by <see cref="FacebookSignedRequest.Parse(string, string, TimeProvider, TimeSpan)"/>.</summary>
public enum FacebookSignedRequestFailure
{
    /// <summary>Not two base64url parts joined by a dot, a signature that is not 32 bytes, or a payload that is not a
    /// JSON object with a numeric <c>issued_at</c> and a string <c>algorithm</c>.</summary>
    Malformed,

    /// <summary>Longer than <see cref="FacebookSignedRequest.MaxLength"/> characters.</summary>
    TooLarge,

    /// <summary>The signature does not match the payload under the app secret: forged, tampered or meant for another app.</summary>
    InvalidSignature,

    /// <summary>The payload names an algorithm other than <c>HMAC-SHA256</c>, the only one accepted.</summary>
    UnsupportedAlgorithm,

    /// <summary><c>issued_at</c> is older than the maximum age: a replayed or stale request.</summary>
    Expired,

    /// <summary><c>issued_at</c> is further in the future than <see cref="FacebookSignedRequest.MaxClockSkew"/> allows.</summary>
    IssuedInFuture,
}
