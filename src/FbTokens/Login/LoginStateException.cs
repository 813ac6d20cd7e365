namespace FbTokens;

/// <summary>
/// The <c>state</c> of a Login callback did not pass: the request may be forged (CSRF), replayed or too old.
/// Do not exchange the code; send the person through Login again. The message never holds a state value.
/// </summary>
public sealed class LoginStateException : Exception
{
    /// <summary>Creates the exception.</summary>
    /// <param name="reason">Why the state was rejected.</param>
    /// <param name="message">A description (never holds a state value).</param>
    public LoginStateException(LoginStateFailure reason, string message)
        : base(message)
    {
        Reason = reason;
    }

    /// <summary>Why the state was rejected.</summary>
    public LoginStateFailure Reason { get; }
}

/// <summary>Why a Login callback's state was rejected.</summary>
public enum LoginStateFailure
{
    /// <summary>The callback has no <c>state</c>, or the app kept none (cookie lost, blocked or never set).</summary>
    Missing,

    /// <summary>The returned state is not the one the app kept: a forged or tampered request.</summary>
    Mismatch,

    /// <summary>The state is older than <see cref="FacebookLoginOptions.StateLifetime"/>.</summary>
    Expired,

    /// <summary>The state was already accepted once by this builder: a replayed callback.</summary>
    Reused,
}
