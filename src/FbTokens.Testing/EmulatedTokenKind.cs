namespace FbTokens.Testing;

/// <summary>The kind of a token the emulator issued; the names match <c>debug_token</c>'s <c>type</c>.</summary>
public enum EmulatedTokenKind
{
    /// <summary>A user access token (<c>USER</c>).</summary>
    User,

    /// <summary>A page access token (<c>PAGE</c>).</summary>
    Page,

    /// <summary>An app access token (<c>APP</c>).</summary>
    App,

    /// <summary>A Business system-user token (<c>SYSTEM_USER</c>), non-expiring or valid for 60 days.</summary>
    SystemUser,
}
