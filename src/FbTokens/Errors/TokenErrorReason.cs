namespace FbTokens;

/// <summary>Why Graph considers a token unusable, from its error subcode.</summary>
public enum TokenErrorReason
{
    /// <summary>No subcode, or one this library does not know.</summary>
    Unknown = 0,

    /// <summary>458: the person has not logged into the app, or removed it.</summary>
    AppNotInstalled = 458,

    /// <summary>459: the person is checkpointed and must log in at facebook.com first.</summary>
    UserCheckpointed = 459,

    /// <summary>460: the person changed their password.</summary>
    PasswordChanged = 460,

    /// <summary>463: the token has expired.</summary>
    Expired = 463,

    /// <summary>464: the person's account is not confirmed.</summary>
    UnconfirmedUser = 464,

    /// <summary>467: the token is invalid (the person logged out, or it was revoked).</summary>
    InvalidAccessToken = 467,

    /// <summary>492: the session is invalid, e.g. the person no longer has a role on the page.</summary>
    InvalidSession = 492,
}
