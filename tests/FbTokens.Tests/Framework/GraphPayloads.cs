namespace FbTokens.Tests.Framework;

/// <summary>Realistic Graph payloads, taken from Graph's documentation (WIRE.md).</summary>
internal static class GraphPayloads
{
    public const string ShortLivedToken = "EAAGm0PX4ZCpsBAShortLivedUserToken0123456789abcdefXYZ";
    public const string LongLivedToken = "EAAGm0PX4ZCpsBALongLivedUserToken0123456789abcdefghijkXYZ";
    public const string PageToken = "EAAGm0PX4ZCpsBAPageToken0123456789abcdefghijkXYZ";
    public const string Code = "AQB0z1SNyYEaF_6FjFkLs-vNSzOS64EjVRilEQX_R6ubYYqUnT";
    public const string ClientCode = "AQC1ClientCodeForTheDevice0123456789abcdefghij";

    public const string UserToken = """{"access_token":"EAAGm0PX4ZCpsBAShortLivedUserToken0123456789abcdefXYZ","token_type":"bearer","expires_in":5183944}""";

    public const string LongLived = """{"access_token":"EAAGm0PX4ZCpsBALongLivedUserToken0123456789abcdefghijkXYZ","token_type":"bearer","expires_in":5183944}""";

    public const string AppToken = """{"access_token":"138483919580948|appTokenHashPart","token_type":"bearer"}""";

    public const string ClientCodeJson = """{"code":"AQC1ClientCodeForTheDevice0123456789abcdefghij"}""";

    public const string Redeemed = """{"access_token":"EAAGm0PX4ZCpsBALongLivedUserToken0123456789abcdefghijkXYZ","expires_in":5183944,"machine_id":"YJ1sX0Zq8ZcMachineId"}""";

    public const string Page = """{"access_token":"EAAGm0PX4ZCpsBAPageToken0123456789abcdefghijkXYZ","category":"Brand","category_list":[{"id":"1605186416478696","name":"Brand"}],"name":"Cute Kitten Page","id":"1353269864728879","tasks":["ANALYZE","ADVERTISE","MODERATE","CREATE_CONTENT","MANAGE"]}""";

    public const string DebugValid = """{"data":{"app_id":"138483919580948","type":"USER","application":"Social Cafe","data_access_expires_at":1544242134,"expires_at":1352419328,"is_valid":true,"issued_at":1347235328,"metadata":{"sso":"iphone-safari"},"scopes":["email","pages_show_list"],"granular_scopes":[{"scope":"pages_show_list","target_ids":["1353269864728879"]}],"user_id":"1207059"}}""";

    public const string DebugPageNeverExpires = """{"data":{"app_id":"138483919580948","type":"PAGE","application":"Social Cafe","expires_at":0,"data_access_expires_at":0,"is_valid":true,"scopes":["pages_show_list"],"profile_id":"1353269864728879","user_id":"1207059"}}""";

    public const string DebugExpired = """{"data":{"app_id":"138483919580948","type":"USER","application":"Social Cafe","expires_at":1352419328,"is_valid":false,"issued_at":1347235328,"scopes":[],"user_id":"1207059","error":{"code":190,"message":"Error validating access token: Session has expired on Friday, 09-Jun-23 07:00:00 PDT.","subcode":463}}}""";

    public static string Error(int code, int? subcode = null, bool? transient = null, string message = "An error occurred", string type = "OAuthException", string trace = "AWx1b2C3d4E") =>
        "{\"error\":{\"message\":\"" + message + "\",\"type\":\"" + type + "\",\"code\":" + code
        + (subcode is null ? string.Empty : ",\"error_subcode\":" + subcode)
        + ",\"error_user_title\":\"Session expired\",\"error_user_msg\":\"Please log in again.\""
        + (transient is null ? string.Empty : ",\"is_transient\":" + (transient.Value ? "true" : "false"))
        + ",\"fbtrace_id\":\"" + trace + "\"}}";

    public static string Accounts(IEnumerable<string> pages, string? after = null, string? next = null) =>
        "{\"data\":[" + string.Join(",", pages) + "],\"paging\":{\"cursors\":{\"before\":\"QVFIUbefore\",\"after\":\"" + (after ?? "QVFIUafter") + "\"}"
        + (next is null ? string.Empty : ",\"next\":\"" + next + "\"") + "}}";

    public static string PageJson(string id, string name) =>
        "{\"access_token\":\"EAAGm0PageToken" + id + "abcdefghij\",\"category\":\"Brand\",\"category_list\":[{\"id\":\"1605186416478696\",\"name\":\"Brand\"}],\"name\":\"" + name + "\",\"id\":\"" + id + "\",\"tasks\":[\"MANAGE\"]}";
}
