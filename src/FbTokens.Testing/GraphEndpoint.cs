namespace FbTokens.Testing;

/// <summary>The endpoints the emulator serves, for call counts and targeted faults.</summary>
public enum GraphEndpoint
{
    /// <summary>A path the emulator does not serve (answered with Graph's "Unknown path components" error).</summary>
    Unknown,

    /// <summary><c>oauth/access_token</c>: code exchange, <c>fb_exchange_token</c>, client-code redemption, <c>client_credentials</c>.</summary>
    AccessToken,

    /// <summary><c>oauth/client_code</c>.</summary>
    ClientCode,

    /// <summary><c>{user-id}/accounts</c>.</summary>
    Accounts,

    /// <summary><c>debug_token</c> (also counted once per operation inside a batch).</summary>
    DebugToken,

    /// <summary><c>me</c>.</summary>
    Me,

    /// <summary>A batch request (<c>POST</c> to the base address with <c>batch=[…]</c>).</summary>
    Batch,

    /// <summary>The Login dialog, <c>{version}/dialog/oauth</c> (not a Graph call: no usage headers, throttles or injected faults).</summary>
    LoginDialog,

    /// <summary><c>me/permissions</c> (or <c>{user-id}/permissions</c>): each permission with <c>granted</c> or <c>declined</c>.</summary>
    Permissions,
}
