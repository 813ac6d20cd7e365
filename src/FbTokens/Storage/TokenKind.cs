namespace FbTokens;

/// <summary>What a stored token acts for.</summary>
public enum TokenKind
{
    /// <summary>A user access token (short- or long-lived), for an app-scoped user id.</summary>
    User = 0,

    /// <summary>A page access token, for a page id.</summary>
    Page = 1,

    /// <summary>An app access token, for the app id.</summary>
    App = 2,

    /// <summary>A Business Manager system-user token, for the system user's id.</summary>
    SystemUser = 3,
}
