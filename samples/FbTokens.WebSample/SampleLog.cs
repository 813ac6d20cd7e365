namespace FbTokens.WebSample;

/// <summary>The sample's log lines (event ids 6100–6129). None carries a token, code, secret or signed request.</summary>
internal static partial class SampleLog
{
    [LoggerMessage(6100, LogLevel.Information, "FbTokens web sample: Graph at {GraphBaseAddress}, Login dialog at {DialogBaseAddress} ({Mode})")]
    public static partial void Started(ILogger logger, Uri graphBaseAddress, Uri dialogBaseAddress, string mode);

    [LoggerMessage(6101, LogLevel.Warning, "Re-login needed: user {UserId} must log in again ({Reason}); {Count} stored token(s) affected")]
    public static partial void UserMustLogInAgain(ILogger logger, string userId, TokenErrorReason reason, int count);

    [LoggerMessage(6102, LogLevel.Information, "Token {Key} turned invalid ({Reason})")]
    public static partial void TokenInvalid(ILogger logger, TokenKey key, TokenErrorReason reason);

    [LoggerMessage(6103, LogLevel.Information, "User {UserId} signed in through {Style}")]
    public static partial void SignedIn(ILogger logger, string userId, string style);

    [LoggerMessage(6104, LogLevel.Information, "Sweep on request: {Checked} checked, {Invalid} invalid, {Refreshed} refreshed, {Failed} failed")]
    public static partial void SweptOnRequest(ILogger logger, int @checked, int invalid, int refreshed, int failed);

    [LoggerMessage(6105, LogLevel.Warning, "User {UserId} lacks the permission(s) {Missing}")]
    public static partial void PermissionsMissing(ILogger logger, string? userId, string missing);

    [LoggerMessage(6106, LogLevel.Information, "Deauthorize and data-deletion callbacks registered on the embedded emulator at {BaseAddress}")]
    public static partial void CallbacksRegistered(ILogger logger, Uri baseAddress);

    [LoggerMessage(6107, LogLevel.Warning, "Login through {Style} failed: {Failure}")]
    public static partial void LoginFailed(ILogger logger, string style, string failure);
}
