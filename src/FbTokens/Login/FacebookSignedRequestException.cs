namespace FbTokens;

/// <summary>
/// A <c>signed_request</c> (a deauthorize or data-deletion callback, the JavaScript SDK's <c>fbsr_{app-id}</c> cookie)
/// did not pass: treat the request as not coming from Facebook. The message never holds the signed request, its
/// signature or any payload value.
/// </summary>
public sealed class FacebookSignedRequestException : Exception
{
    /// <summary>Creates the exception.</summary>
    /// <param name="reason">Why the signed request was rejected.</param>
    /// <param name="message">A description (never holds the signed request or a payload value).</param>
    public FacebookSignedRequestException(FacebookSignedRequestFailure reason, string message)
        : base(message)
    {
        Reason = reason;
    }

    /// <summary>Why the signed request was rejected.</summary>
    public FacebookSignedRequestFailure Reason { get; }
}
