using System.Globalization;

namespace FbTokens.Testing.Internal;

/// <summary>Graph's error envelope and messages, as Graph words them.</summary>
internal static class GraphErrors
{
    public static EmulatorResponse Create(int status, int code, string message, string type = "OAuthException", int? subcode = null, bool isTransient = false) =>
        EmulatorResponse.Json(status, w =>
        {
            w.WriteStartObject();
            w.WriteStartObject("error");
            w.WriteString("message", message);
            w.WriteString("type", type);
            w.WriteNumber("code", code);
            if (subcode is { } s)
            {
                w.WriteNumber("error_subcode", s);
            }

            w.WriteBoolean("is_transient", isTransient);
            w.WriteString("fbtrace_id", RandomValues.FbTraceId());
            w.WriteEndObject();
            w.WriteEndObject();
        });

    public static EmulatorResponse OAuth(int code, string message, int? subcode = null) => Create(400, code, message, "OAuthException", subcode);

    public static EmulatorResponse CannotParseToken() => OAuth(190, "Invalid OAuth access token - Cannot parse access token");

    public static EmulatorResponse AccessTokenRequired() => OAuth(104, "An access token is required to request this resource.");

    /// <summary>190/493: the person has not been active for the data-access window (the wording of the field reports).</summary>
    public static EmulatorResponse DataAccessExpired() =>
        OAuth(190, "The access token is invalid since the user hasn't engaged the app in longer than 90 days.", 493);

    public static EmulatorResponse MissingParameter(string name) => OAuth(100, $"Missing {name} parameter.");

    public static EmulatorResponse MissingAppSecretProof() =>
        Create(400, 100, "API calls from the server require an appsecret_proof argument", "GraphMethodException");

    public static EmulatorResponse InvalidAppSecretProof() =>
        Create(400, 100, "Invalid appsecret_proof provided in the API argument", "GraphMethodException");

    public static EmulatorResponse UnsupportedGet(string objectId) =>
        Create(400, 100, $"Unsupported get request. Object with ID '{objectId}' does not exist, cannot be loaded due to missing permissions, or does not support this operation. Please read the Graph API documentation at https://developers.facebook.com/docs/graph-api", "GraphMethodException", 33);

    /// <summary>The message Graph gives for a token that no longer works, by subcode.</summary>
    public static string InvalidTokenMessage(TokenInvalidationReason reason, TokenState token, DateTimeOffset now) => reason switch
    {
        TokenInvalidationReason.AppNotInstalled => $"Error validating access token: The user has not authorized application {token.AppId}.",
        TokenInvalidationReason.UserCheckpointed => "Error validating access token: You cannot access the app till you log in to www.facebook.com and follow the instructions given.",
        TokenInvalidationReason.PasswordChanged => "Error validating access token: The session has been invalidated because the user changed their password or Facebook has changed the session for security reasons.",
        TokenInvalidationReason.Expired => ExpiredMessage(token.ExpiresAt ?? now, now),
        TokenInvalidationReason.UnconfirmedUser => $"Error validating access token: Sessions for the user {token.UserId} are not allowed because the user is not a confirmed user.",
        TokenInvalidationReason.InvalidAccessToken => "Error validating access token: The session is invalid because the user logged out.",
        TokenInvalidationReason.InvalidSession => "Error validating access token: The session is invalid because the user no longer has a role on the page.",
        _ => "Error validating access token: The session is invalid.",
    };

    public static string ExpiredMessage(DateTimeOffset expiredAt, DateTimeOffset now) =>
        string.Create(CultureInfo.InvariantCulture,
            $"Error validating access token: Session has expired on {expiredAt.UtcDateTime:dddd, dd-MMM-yy HH:mm:ss} UTC. The current time is {now.UtcDateTime:dddd, dd-MMM-yy HH:mm:ss} UTC.");

    public static string ThrottleMessage(int code) => code switch
    {
        4 => "(#4) Application request limit reached",
        17 => "(#17) User request limit reached",
        32 => "(#32) Page request limit reached",
        613 => "(#613) Calls to this api have exceeded the rate limit.",
        80001 => "(#80001) There have been too many calls to this Page account. Wait a bit and try again. For more info, please refer to https://developers.facebook.com/docs/graph-api/overview/rate-limiting.",
        _ => string.Create(CultureInfo.InvariantCulture, $"(#{code}) There have been too many calls for this business use case. Wait a bit and try again. For more info, please refer to https://developers.facebook.com/docs/graph-api/overview/rate-limiting."),
    };

    /// <summary>The business-use-case <c>type</c> Graph reports for a throttle code.</summary>
    public static string BusinessUseCaseType(int code) => code switch
    {
        80000 => "ads_insights",
        80002 => "instagram",
        80003 => "custom_audience",
        80004 => "ads_management",
        80005 => "leadgen",
        80006 => "messenger",
        80008 => "whatsapp_business_management",
        80009 => "catalog_management",
        80014 => "catalog_batch",
        _ => "pages",
    };

    public static bool IsBusinessUseCaseCode(int code) => code is 32 or (>= 80000 and <= 80014);
}
