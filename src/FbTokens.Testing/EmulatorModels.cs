using System.Globalization;
using System.Text;

namespace FbTokens.Testing;

/// <summary>An app known to the emulator.</summary>
/// <param name="AppId">The numeric app id.</param>
/// <param name="AppSecret">The app secret. Never printed by <see cref="object.ToString"/>.</param>
/// <param name="ClientToken">The app's client token (for <c>{app-id}|{client-token}</c>). Never printed.</param>
/// <param name="Name">The app name that <c>debug_token</c> reports as <c>application</c>.</param>
/// <param name="RequireAppSecretProof">Whether calls with a user or page token must carry a valid <c>appsecret_proof</c> ("Require App Secret").</param>
/// <param name="CallBudgetPerHour">The number of calls per rolling hour that counts as 100 % in <c>X-App-Usage</c>; past it calls fail with code 4.</param>
public sealed record EmulatedApp(string AppId, string AppSecret, string ClientToken, string Name, bool RequireAppSecretProof, int CallBudgetPerHour)
{
    /// <summary>The app token <c>{app-id}|{app-secret}</c>, accepted as <c>access_token</c> by <c>debug_token</c>. Never printed.</summary>
    public string AppAccessToken => string.Concat(AppId, "|", AppSecret);

    private bool PrintMembers(StringBuilder builder)
    {
        builder.Append("AppId = ").Append(AppId)
            .Append(", AppSecret = ***, ClientToken = ***, Name = ").Append(Name)
            .Append(", RequireAppSecretProof = ").Append(RequireAppSecretProof)
            .Append(", CallBudgetPerHour = ").Append(CallBudgetPerHour);
        return true;
    }
}

/// <summary>A test user created with <see cref="GraphTokenEmulator.CreateTestUser"/>.</summary>
/// <param name="Id">The app-scoped user id (digits).</param>
/// <param name="Name">The user's name, as <c>me</c> reports it.</param>
/// <param name="AppId">The app the user logged into.</param>
/// <param name="AccessToken">A fresh short-lived user token (about 1–2 hours). Never printed by <see cref="object.ToString"/>.</param>
public sealed record EmulatedUser(string Id, string Name, string AppId, string AccessToken)
{
    private bool PrintMembers(StringBuilder builder)
    {
        builder.Append("Id = ").Append(Id).Append(", Name = ").Append(Name).Append(", AppId = ").Append(AppId)
            .Append(", AccessToken = ").Append(Mask.Token(AccessToken));
        return true;
    }
}

/// <summary>A page a user has a role on.</summary>
/// <param name="Id">The page id.</param>
/// <param name="Name">The page name.</param>
/// <param name="Category">The main category, e.g. <c>Brand</c>.</param>
/// <param name="CategoryList">All categories, as <c>(id, name)</c> pairs.</param>
/// <param name="Tasks">The user's tasks on the page, e.g. <c>MANAGE</c>, <c>CREATE_CONTENT</c>.</param>
public sealed record EmulatedPage(string Id, string Name, string Category, IReadOnlyList<KeyValuePair<string, string>> CategoryList, IReadOnlyList<string> Tasks);

/// <summary>What the emulator knows about a token it issued, for assertions in tests.</summary>
/// <param name="Kind">User, page or app token.</param>
/// <param name="AppId">The app the token belongs to.</param>
/// <param name="UserId">The user it acts for (user and page tokens).</param>
/// <param name="PageId">The page it acts for (page tokens).</param>
/// <param name="IsLongLived">Whether it is a long-lived user token (or a page token derived from one).</param>
/// <param name="IssuedAt">When it was issued.</param>
/// <param name="ExpiresAt">When it expires; null when it never does.</param>
/// <param name="DataAccessExpiresAt">When the 90-day data-access window ends; null for app tokens.</param>
/// <param name="Scopes">The permissions it carries.</param>
/// <param name="InvalidatedBecause">Why it was invalidated, or null while it has not been.</param>
/// <param name="MachineId">The <c>machine_id</c> it was redeemed for (client-code redemption), if any.</param>
public sealed record EmulatedToken(
    EmulatedTokenKind Kind,
    string AppId,
    string? UserId,
    string? PageId,
    bool IsLongLived,
    DateTimeOffset IssuedAt,
    DateTimeOffset? ExpiresAt,
    DateTimeOffset? DataAccessExpiresAt,
    IReadOnlyList<string> Scopes,
    TokenInvalidationReason? InvalidatedBecause,
    string? MachineId);

/// <summary>The kind of a token the emulator issued; the names match <c>debug_token</c>'s <c>type</c>.</summary>
public enum EmulatedTokenKind
{
    /// <summary>A user access token (<c>USER</c>).</summary>
    User,

    /// <summary>A page access token (<c>PAGE</c>).</summary>
    Page,

    /// <summary>An app access token (<c>APP</c>).</summary>
    App,
}

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
}

/// <summary>A fault the emulator can inject into the next calls (see <see cref="EmulatorFaults.FailNext"/>).</summary>
public enum EmulatorFault
{
    /// <summary>HTTP 500 with Graph's error code 2 ("Service temporarily unavailable") and <c>is_transient: true</c>. The call is not processed.</summary>
    TransientError,

    /// <summary>HTTP 500 with Graph's error code 1 ("An unknown error has occurred.") and <c>is_transient: true</c>. The call is not processed.</summary>
    InternalServerError,

    /// <summary>HTTP 503 with an HTML body, as a front-end proxy sends. The call is not processed.</summary>
    ServiceUnavailable,

    /// <summary>HTTP 200 with the real answer cut in half (the call is processed: codes are spent).</summary>
    TruncatedBody,

    /// <summary>HTTP 200 with an HTML page instead of JSON, as a captive portal sends. The call is not processed.</summary>
    HtmlBody,

    /// <summary>HTTP 200 with an empty body. The call is not processed.</summary>
    EmptyBody,

    /// <summary>The connection is reset before any answer: in memory an <see cref="HttpRequestException"/>, on Kestrel an aborted connection. The call is not processed.</summary>
    ConnectionReset,
}

internal static class Mask
{
    public static string Token(string? value) =>
        string.IsNullOrEmpty(value) ? "(none)"
        : value.Length < 16 ? "***"
        : string.Concat(value.AsSpan(0, 4), "…(", value.Length.ToString(CultureInfo.InvariantCulture), " chars)");
}
