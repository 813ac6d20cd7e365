using System.Globalization;
using System.Security.Cryptography;

namespace FbTokens.Testing.Internal;

internal sealed class AppState(EmulatedApp app)
{
    public EmulatedApp App { get; } = app;

    /// <summary>Call times within the last rolling hour, oldest first (for <c>X-App-Usage</c> and the budget).</summary>
    public Queue<DateTimeOffset> RecentCalls { get; } = new();

    /// <summary>The test user created last for this app: the Login dialog logs in as them when the request has no <c>login_as</c>.</summary>
    public string? LastUserId { get; set; }
}

internal sealed class UserState(string id, string name, string appId, IReadOnlyList<string> scopes, DateTimeOffset? dataAccessExpiresAt)
{
    public string Id { get; } = id;

    public string Name { get; } = name;

    public string AppId { get; } = appId;

    /// <summary>The permissions the person has granted the app; tokens issued from now on carry them.</summary>
    public IReadOnlyList<string> Scopes { get; set; } = scopes;

    /// <summary>The permissions the person declined in the Login dialog (<c>/me/permissions</c> reports them as <c>declined</c>).</summary>
    public List<string> DeclinedScopes { get; } = [];

    /// <summary>When the person's data-access window closes; null for a system user, whose tokens have none.</summary>
    public DateTimeOffset? DataAccessExpiresAt { get; set; } = dataAccessExpiresAt;

    /// <summary>True for a Business system user (created with <c>CreateSystemUser</c>).</summary>
    public bool IsSystemUser { get; init; }

    /// <summary>For a system user: whether its tokens are the 60-day kind (<c>set_token_expires_in_60_days=true</c>).</summary>
    public bool SystemTokensExpire { get; init; }

    public List<EmulatedPage> Pages { get; } = [];

    public List<TokenState> Tokens { get; } = [];

    public HashSet<string> MachineIds { get; } = new(StringComparer.Ordinal);
}

internal sealed class TokenState
{
    public required string Value { get; init; }

    public required EmulatedTokenKind Kind { get; init; }

    public required string AppId { get; init; }

    public string? UserId { get; init; }

    public string? PageId { get; init; }

    public bool IsLongLived { get; init; }

    public required DateTimeOffset IssuedAt { get; init; }

    public DateTimeOffset? ExpiresAt { get; init; }

    /// <summary>The person's data-access window as it stands (a new login moves it for every token of theirs).</summary>
    public DateTimeOffset? DataAccessExpiresAt { get; set; }

    public IReadOnlyList<string> Scopes { get; init; } = [];

    public string? MachineId { get; init; }

    /// <summary>Set when the token was invalidated (subcode); never cleared, as on Graph.</summary>
    public TokenInvalidationReason? InvalidatedBecause { get; set; }

    /// <summary>Page tokens derived from this user token, by page id: Graph hands out the same one each time.</summary>
    public Dictionary<string, TokenState> PageTokens { get; } = new(StringComparer.Ordinal);

    public bool IsExpiredAt(DateTimeOffset now) => ExpiresAt is { } expiry && now >= expiry;

    /// <summary>True once the person's data-access window has closed: the token still authenticates, but their data is out of reach.</summary>
    public bool IsDataAccessClosedAt(DateTimeOffset now) => DataAccessExpiresAt is { } closes && now >= closes;

    /// <summary>Why the token no longer works at <paramref name="now"/> (invalidated, else expired); null while it works.</summary>
    public TokenInvalidationReason? InvalidReasonAt(DateTimeOffset now) =>
        InvalidatedBecause ?? (IsExpiredAt(now) ? TokenInvalidationReason.Expired : null);

    public EmulatedToken ToPublic() => new(Kind, AppId, UserId, PageId, IsLongLived, IssuedAt, ExpiresAt, DataAccessExpiresAt, Scopes, InvalidatedBecause, MachineId);
}

internal sealed class CodeState
{
    public required string Value { get; init; }

    public required string AppId { get; init; }

    public required string UserId { get; init; }

    public required string RedirectUri { get; init; }

    public required DateTimeOffset ExpiresAt { get; init; }

    /// <summary>True for <c>oauth/client_code</c> codes, redeemed without the app secret.</summary>
    public bool IsClientCode { get; init; }

    /// <summary>For a code from the Login dialog: the permissions granted there, which the token it is redeemed for carries; null for the user's current grant.</summary>
    public IReadOnlyList<string>? Scopes { get; init; }

    public bool Used { get; set; }

    /// <summary>The form a redirect URI is compared in (Graph compares the URI, not its spelling); unparsable text stays as sent.</summary>
    public static string NormalizeRedirect(string redirectUri) =>
        Uri.TryCreate(redirectUri, UriKind.Absolute, out var uri) ? uri.AbsoluteUri : redirectUri;
}

internal sealed record PendingFault(EmulatorFault Fault, GraphEndpoint? Endpoint)
{
    public int Remaining { get; set; }
}

internal enum ThrottleTarget
{
    App,
    User,
    Page,
}

internal sealed record Throttle(ThrottleTarget Target, string Id, int Code, DateTimeOffset Until, bool SendRetryAfter);

/// <summary>Random values shaped like Graph's: tokens start with <c>EAA</c>, codes with <c>AQ</c>.</summary>
internal static class RandomValues
{
    private const string Alphanumeric = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789";
    private const string Hex = "0123456789abcdef";

    public static string UserToken() => "EAAG" + RandomNumberGenerator.GetString(Alphanumeric, 180);

    public static string PageToken() => "EAAG" + RandomNumberGenerator.GetString(Alphanumeric, 200);

    public static string AppTokenSuffix() => RandomNumberGenerator.GetString(Alphanumeric, 27);

    public static string Code() => "AQ" + RandomNumberGenerator.GetString(Alphanumeric, 340);

    public static string MachineId() => RandomNumberGenerator.GetString(Alphanumeric, 24);

    public static string Secret() => RandomNumberGenerator.GetString(Hex, 32);

    public static string FbTraceId() => RandomNumberGenerator.GetString(Alphanumeric, 11);

    public static string Digits(long value) => value.ToString(CultureInfo.InvariantCulture);
}
