namespace FbTokens.Testing;

/// <summary>
/// Why a user's tokens stop working; the values are Graph's error subcodes, and each member has the name of the
/// client's <see cref="TokenErrorReason"/> member for the same subcode, so a test can compare them by name.
/// </summary>
public enum TokenInvalidationReason
{
    /// <summary>458: the user removed the app (has not logged into it).</summary>
    AppNotInstalled = 458,

    /// <summary>459: the user is checkpointed and must log in at facebook.com.</summary>
    UserCheckpointed = 459,

    /// <summary>460: the user changed their password.</summary>
    PasswordChanged = 460,

    /// <summary>463: the session expired.</summary>
    Expired = 463,

    /// <summary>464: the user is not confirmed.</summary>
    UnconfirmedUser = 464,

    /// <summary>467: the user logged out (the token is invalid).</summary>
    InvalidAccessToken = 467,

    /// <summary>492: the session is invalid (e.g. the user lost their role on the page).</summary>
    InvalidSession = 492,
}
