namespace FbTokens;

/// <summary>Why Graph considers a token unusable, from its error subcode.</summary>
public enum TokenErrorReason
{
    /// <summary>No subcode, or one this library does not know.</summary>
    Unknown = 0,

    /// <summary>458: the person has not logged into the app, or removed it.</summary>
    AppNotInstalled = 458,

    /// <summary>459: the person is checkpointed and must log in at facebook.com to clear it; the token is kept (see <see cref="GraphApiException.RequiresUserAction"/>).</summary>
    UserCheckpointed = 459,

    /// <summary>460: the person changed their password.</summary>
    PasswordChanged = 460,

    /// <summary>463: the token has expired.</summary>
    Expired = 463,

    /// <summary>464: the person's account is not confirmed; they must confirm it on facebook.com; the token is kept (see <see cref="GraphApiException.RequiresUserAction"/>).</summary>
    UnconfirmedUser = 464,

    /// <summary>467: the token is invalid (the person logged out, or it was revoked).</summary>
    InvalidAccessToken = 467,

    /// <summary>492: the session is invalid, e.g. the person no longer has a role on the page.</summary>
    InvalidSession = 492,

    /// <summary>
    /// 493: the person has not used the app for the 90-day data-access window; they are still authenticated, but the
    /// app must send them through login with <c>auth_type=reauthorize</c> to read their data again.
    /// </summary>
    DataAccessExpired = 493,
}
