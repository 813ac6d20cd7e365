namespace FbTokens;

/// <summary>
/// The <c>state</c> of a Login callback did not pass: the request may be forged (CSRF), replayed or too old.
/// Do not exchange the code; send the person through Login again. The message never holds a state value.
/// </summary>
public sealed class FacebookLoginStateException : Exception
{
    /// <summary>Creates the exception.</summary>
    /// <param name="reason">Why the state was rejected.</param>
    /// <param name="message">A description (never holds a state value).</param>
    public FacebookLoginStateException(FacebookLoginStateFailure reason, string message)
        : base(message)
    {
        Reason = reason;
    }

    /// <summary>Why the state was rejected.</summary>
    public FacebookLoginStateFailure Reason { get; }
}
