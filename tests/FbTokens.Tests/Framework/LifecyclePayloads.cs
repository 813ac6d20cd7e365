using System.Globalization;
using System.Net;
using System.Text;

namespace FbTokens.Tests.Framework;

/// <summary>Graph payloads for the lifecycle fakes, built from parameters.</summary>
internal static class LifecyclePayloads
{
    public static string LongLived(string token, long expiresIn = 5_184_000) =>
        string.Create(CultureInfo.InvariantCulture, $$"""{"access_token":"{{token}}","token_type":"bearer","expires_in":{{expiresIn}}}""");

    public static string DebugData(bool valid, string userId, DateTimeOffset? expiresAt, DateTimeOffset? dataAccessExpiresAt = null, int? subcode = null, string type = "USER")
    {
        var expires = expiresAt?.ToUnixTimeSeconds() ?? 0;
        var dataAccess = dataAccessExpiresAt is { } d ? string.Create(CultureInfo.InvariantCulture, $",\"data_access_expires_at\":{d.ToUnixTimeSeconds()}") : string.Empty;
        var error = valid ? string.Empty : string.Create(CultureInfo.InvariantCulture, $",\"error\":{{\"code\":190,\"message\":\"Error validating access token\",\"subcode\":{subcode ?? 460}}}");
        return string.Create(CultureInfo.InvariantCulture,
            $$$"""{"data":{"app_id":"{{{LifecycleHost.AppId}}}","type":"{{{type}}}","application":"Test","is_valid":{{{(valid ? "true" : "false")}}},"expires_at":{{{expires}}}{{{dataAccess}}},"issued_at":1700000000,"scopes":["email","pages_show_list"],"user_id":"{{{userId}}}"{{{error}}}}}""");
    }

    public static string Error(int code, int? subcode = null, bool transient = false) =>
        string.Create(CultureInfo.InvariantCulture,
            $$$"""{"error":{"message":"Error validating access token","type":"OAuthException","code":{{{code}}}{{{(subcode is { } s ? $",\"error_subcode\":{s}" : string.Empty)}}},"is_transient":{{{(transient ? "true" : "false")}}},"fbtrace_id":"AbC"}}""");

    public static string Accounts(params (string Id, string Token)[] pages) =>
        "{\"data\":[" + string.Join(",", pages.Select(p => $$"""{"id":"{{p.Id}}","name":"Page {{p.Id}}","access_token":"{{p.Token}}","category":"Brand","tasks":["MANAGE"]}""")) + "]}";

    public static HttpResponseMessage Json(HttpStatusCode status, string json, TrackingContent? content = null) =>
        new(status) { Content = content ?? new TrackingContent(json) };
}

/// <summary>JSON content that records whether it was disposed (so a test can prove a response was disposed).</summary>
internal sealed class TrackingContent(string json) : StringContent(json, Encoding.UTF8, "application/json")
{
    public bool Disposed { get; private set; }

    protected override void Dispose(bool disposing)
    {
        Disposed = true;
        base.Dispose(disposing);
    }
}
