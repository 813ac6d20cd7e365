namespace FbTokens;

/// <summary>Why a Facebook Login callback mapped by <c>MapFacebookLogin</c> did not sign the person in.</summary>
public enum FacebookLoginFailure
{
    /// <summary>The person cancelled the dialog or declined (<c>error=access_denied</c>).</summary>
    AccessDenied = 0,

    /// <summary>Facebook redirected back with another <c>error</c>.</summary>
    ProviderError = 1,

    /// <summary>No <c>state</c> came back, or no state cookie was kept for it (another browser, cookies blocked, already used).</summary>
    StateMissing = 2,

    /// <summary>The returned state does not match the kept one, or the state cookie was tampered with (a forged callback).</summary>
    StateMismatch = 3,

    /// <summary>The login took longer than <see cref="FacebookLoginOptions.StateLifetime"/>.</summary>
    StateExpired = 4,

    /// <summary>The state was accepted before (a replayed callback).</summary>
    StateReused = 5,

    /// <summary>The callback carries no <c>code</c>.</summary>
    CodeMissing = 6,

    /// <summary>Graph rejected the code (expired, used before, another redirect URI) or the token it gave.</summary>
    CodeRejected = 7,

    /// <summary>Graph or the token store could not be reached, or answered what Graph does not send; the person may try again.</summary>
    Unavailable = 8,
}
