using System.Globalization;
using System.IO.Compression;
using System.Net;
using System.Text;
using CsCheck;
using static FbTokens.Tests.Fuzz.FuzzHost;

namespace FbTokens.Tests.Fuzz;

/// <summary>
/// Structure-aware generators of Graph answers: JSON built from Graph's own field names (WIRE.md) with extreme numbers,
/// nulls in arrays, wrong types, huge strings, deep nesting, secrets echoed raw or encoded, error envelopes (with and
/// without <c>code</c>, on any status, 200 included), paging objects with hostile <c>next</c> links; plus usage,
/// retry, auth, trace, version, type and encoding headers; and a share of raw bytes, truncated JSON, gzip bodies,
/// endless bodies and transport failures.
/// </summary>
internal static class GraphResponseGen
{
    private const string Graph = "https://graph.facebook.com/v24.0/";
    private const string Foreign = "FOREIGNtoken0123456789";

    private static readonly string[] NoMembers = [];
    private static readonly List<KeyValuePair<string, string>> NoHeaders = [];

    // ---- scalars ---------------------------------------------------------------------------------------------

    private static readonly Gen<string> ExtremeNumber = Gen.OneOf(
        "0", "-1", "1", "19", "100", "101", "5183944", "1e300", "-1e300", "1.7976931348623157E+308", "9223372036854775807",
        "9223372036854775808", "-9223372036854775808", "253402300799", "253402300800", "2147483647", "2147483648", "-2147483649",
        "4294967296", "1.5", "-0", "0.0", "1E+2", "1e-300", "18446744073709551616", "99999999999999999999999");

    private static readonly Gen<string> NumberAsString = Gen.OneOf(
        "\"NaN\"", "\"Infinity\"", "\"-Infinity\"", "\"1e300\"", "\"5183944\"", "\"253402300800\"", "\"\"", "\"abc\"", "\" 5 \"",
        "\"0x10\"", "\"-1\"", "\"9223372036854775807\"");

    private static readonly Gen<string> Realistic = Gen.OneOf(
        "EAAGm0PX4ZCpsBAShortLivedUserToken0123456789abcdefXYZ", "EAAGm0PX4ZCpsBAPageToken0123456789abcdefghijkXYZ", "bearer",
        "1353269864728879", "1207059", "138483919580948", "Cute Kitten Page", "OAuthException", "GraphMethodException", "AWx1b2C3d4E",
        "v24.0", "pages_show_list", "email", "MANAGE", "ANALYZE", "Brand", "USER", "PAGE", "APP", "SYSTEM_USER", "Social Cafe",
        "YJ1sX0Zq8ZcMachineId", "AQC1ClientCodeForTheDevice0123456789abcdefghij", "QVFIUafter", "iphone-safari", "rerequest");

    private static readonly Gen<string> Odd = Gen.OneOf(
        "", " ", "\t", "\u0000", "\u0001abc", "abc\u007f", "\u2028", "\r\n", "null", "undefined", "EAAG token with spaces",
        "\u00e9\u4e2d\ud83d\ude00", "\\", "\"", "%00", "***");

    /// <summary>The secrets this operation sends, echoed as Graph or a proxy might: raw, URL-encoded, inside text, as appid|secret.</summary>
    private static Gen<string> Echo(IReadOnlyList<string> secrets) =>
        Gen.Select(Gen.OneOf(secrets.ToArray()), Gen.Int[0, 6], (secret, how) => how switch
        {
            0 => secret,
            1 => Uri.EscapeDataString(secret),
            2 => Uri.EscapeDataString(secret).ToLowerInvariant(),
            3 => WebUtility.UrlEncode(secret),
            4 => "Invalid OAuth access token - Cannot parse access token: " + secret,
            5 => "https://graph.facebook.com/v24.0/oauth/access_token?client_id=" + AppId + "&client_secret=" + AppSecret + "&code=" + Uri.EscapeDataString(secret),
            _ => AppId + "|" + secret,
        });

    private static Gen<string> Huge => Gen.Int[1_000, 120_000].Select(n => new string('A', n));

    /// <summary>Any string, JSON-quoted.</summary>
    private static Gen<string> Str(IReadOnlyList<string> secrets) => Gen.Frequency(
        (30, Realistic),
        (10, Gen.String[0, 40]),
        (8, Odd),
        (6, Echo(secrets)),
        (2, Huge)).Select(Quote);

    /// <summary>A field meant to hold a string: mostly one, sometimes a number, null or anything.</summary>
    private static Gen<string> StrField(IReadOnlyList<string> secrets) => Gen.Frequency(
        (12, Str(secrets)),
        (2, ExtremeNumber),
        (1, Gen.Const("null")),
        (1, Scalar(secrets)));

    /// <summary>A field meant to hold a number: mostly one, sometimes a numeric string or anything.</summary>
    private static readonly Gen<string> NumField = Gen.Frequency(
        (10, ExtremeNumber),
        (3, NumberAsString),
        (1, Gen.OneOf("null", "true", "[]", "{}", "[1]")));

    private static readonly Gen<string> BoolField = Gen.OneOf("true", "false", "true", "false", "null", "\"true\"", "1", "0", "[]");

    private static Gen<string> Scalar(IReadOnlyList<string> secrets) => Gen.Frequency(
        (4, ExtremeNumber),
        (4, Gen.Frequency((30, Realistic), (10, Gen.String[0, 20]), (8, Odd), (6, Echo(secrets))).Select(Quote)),
        (1, Gen.OneOf("null", "true", "false")));

    private static readonly string[] FieldNames =
    [
        "access_token", "token_type", "expires_in", "machine_id", "code", "data", "paging", "cursors", "before", "after", "next",
        "id", "name", "category", "category_list", "tasks", "app_id", "type", "application", "expires_at", "issued_at",
        "data_access_expires_at", "is_valid", "scopes", "granular_scopes", "scope", "target_ids", "user_id", "profile_id",
        "metadata", "error", "message", "error_subcode", "fbtrace_id", "is_transient", "error_data", "body", "headers",
    ];

    /// <summary>Any JSON value, objects keyed by Graph's field names, up to three levels.</summary>
    private static Gen<string> Any(IReadOnlyList<string> secrets, int depth = 3)
    {
        var scalar = Scalar(secrets);
        if (depth == 0)
        {
            return scalar;
        }

        var inner = Any(secrets, depth - 1);
        var member = Gen.Select(Gen.OneOf(FieldNames), inner, (name, value) => Quote(name) + ":" + value);
        return Gen.Frequency(
            (6, scalar),
            (1, inner.Array[0, 4].Select(items => "[" + string.Join(",", items) + "]")),
            (1, member.Array[0, 5].Select(items => "{" + string.Join(",", items) + "}")));
    }

    private static readonly Gen<string> Deep = Gen.Select(Gen.Int[30, 4000], Gen.Bool, (depth, array) => array
        ? new string('[', depth) + "1" + new string(']', depth)
        : string.Concat(Enumerable.Repeat("{\"data\":", depth)) + "null" + new string('}', depth));

    // ---- objects ---------------------------------------------------------------------------------------------

    /// <summary>A member <c>"name":value</c>, present with <paramref name="present"/> % chance.</summary>
    private static Gen<string?> F(string name, Gen<string> value, int present = 85) => Gen.Frequency(
        (present, value.Select(v => (string?)(Quote(name) + ":" + v))),
        (100 - present, Gen.Const<string?>(() => null)));

    private static Gen<string> Obj(params Gen<string?>[] members)
    {
        var all = Gen.Const(() => NoMembers);
        foreach (var member in members)
        {
            all = Gen.Select(all, member, (list, m) => m is null ? list : [.. list, m]);
        }

        return all.Select(list => "{" + string.Join(",", list) + "}");
    }

    /// <summary>A JSON array of <paramref name="element"/>, with nulls and other junk mixed in now and then.</summary>
    private static Gen<string> Arr(Gen<string> element, int max = 5) => Gen.Frequency(
        (10, element.Array[0, max]),
        (2, Gen.Frequency((8, element), (2, Gen.Const("null")), (1, NumField)).Array[1, max])).Select(items => "[" + string.Join(",", items) + "]");

    private static Gen<string> Token(IReadOnlyList<string> s) => Obj(
        F("access_token", StrField(s), 92),
        F("token_type", StrField(s), 60),
        F("expires_in", Gen.Frequency((3, NumField), (1, Gen.OneOf("5183944", "3600", "0", "-5")))),
        F("machine_id", StrField(s), 30));

    private static Gen<string> ClientCodeJson(IReadOnlyList<string> s) => Obj(F("code", StrField(s), 92), F("machine_id", StrField(s), 30));

    private static Gen<string> Page(IReadOnlyList<string> s) => Gen.Frequency(
        (12, Obj(
            F("access_token", StrField(s), 90),
            F("category", StrField(s), 70),
            F("category_list", Gen.Frequency((8, Arr(Gen.Frequency((8, Obj(F("id", Id(s)), F("name", StrField(s)))), (2, Gen.Const("null"))), 3)), (1, Any(s, 1)))),
            F("name", StrField(s), 92),
            F("id", Id(s), 92),
            F("tasks", Gen.Frequency((8, Arr(StrField(s), 5)), (1, Any(s, 1)))))),
        (2, Gen.Const("null")),
        (1, Any(s, 2)));

    private static Gen<string> Id(IReadOnlyList<string> s) => Gen.Frequency(
        (8, Gen.OneOf("\"1353269864728879\"", "\"1207059\"", "\"138483919580948\"")),
        (3, Gen.OneOf("1353269864728879", "1207059", "138483919580948", "1.5", "-1", "1e300", "9223372036854775808")),
        (2, StrField(s)));

    /// <summary>A paging.next link: Graph's own host or another, Graph's parameters or credentials in odd spellings.</summary>
    private static readonly Gen<string> NextLink = Gen.Select(
        Gen.Frequency(
            (10, Gen.OneOf(Graph + UserId + "/accounts", Graph + "me/accounts", "https://GRAPH.FACEBOOK.COM/v24.0/" + UserId + "/accounts")),
            (4, Gen.OneOf(
                "http://graph.facebook.com/v24.0/" + UserId + "/accounts", "https://graph.facebook.com.evil.test/v24.0/me/accounts",
                "https://user:pass@graph.facebook.com/v24.0/me/accounts", "https://graph.facebook.com:8443/v24.0/me/accounts",
                "https://graph.facebook.com/v19.0/me/accounts", "https://evil.test/v24.0/me/accounts", "/v24.0/me/accounts",
                "//evil.test/v24.0/me/accounts", "not a url", "", "https://graph.facebook.com/v24.0/../../x", "javascript:alert(1)",
                "https://graph.facebook.com/v24.0/me/accounts#frag", "https://graph.facebook.com\\@evil.test/v24.0/me/accounts"))),
        Gen.OneOf(
            "limit=2", "after=CURSOR{{n}}", "after=FIXEDCURSOR", "fields=id,name,access_token", "access_token=" + Foreign,
            "ACCESS_TOKEN=" + Foreign, "Access_Token=" + Foreign, "access_token[]=" + Foreign, "%61ccess_token=" + Foreign,
            "access%5Ftoken=" + Foreign, "%2561ccess_token=" + Foreign, "appsecret_proof=ffff" + Foreign, "APPSECRET_PROOF=ffff" + Foreign,
            "access_token=", "access_token", "client_secret=" + Foreign, "input_token=" + Foreign, "&&", "=x", "a=%zz", "after=%E0%A4%A",
            "access_token=" + Uri.EscapeDataString(LongToken), "access+token=" + Foreign, " access_token=" + Foreign).Array[0, 4],
        (path, query) => Quote(query.Length == 0 ? path : path + "?" + string.Join("&", query)));

    private static Gen<string> Paging(IReadOnlyList<string> s) => Gen.Frequency(
        (10, Obj(
            F("cursors", Gen.Frequency((8, Obj(F("before", StrField(s)), F("after", Gen.Frequency((4, Gen.OneOf("\"QVFIUafter\"", "\"CURSOR{{n}}\"")), (2, StrField(s))), 90))), (1, Any(s, 1)))),
            F("next", Gen.Frequency((10, NextLink), (1, StrField(s))), 65),
            F("previous", NextLink, 20))),
        (1, Any(s, 1)));

    private static Gen<string> Accounts(IReadOnlyList<string> s) => Obj(
        F("data", Gen.Frequency((10, Arr(Page(s), 4)), (1, Any(s, 1))), 95),
        F("paging", Paging(s), 65));

    private static readonly Gen<string> UnixTime = Gen.Frequency(
        (5, Gen.OneOf("0", "1352419328", "1544242134", "1347235328", "253402300799", "253402300800", "9223372036854775807", "-1",
            "-62135596801", "-62135596800", "1e300", "1.5", "\"1352419328\"", "null")),
        (2, NumField));

    private static Gen<string> DebugData(IReadOnlyList<string> s) => Obj(
        F("app_id", Id(s)),
        F("type", StrField(s), 70),
        F("application", StrField(s), 70),
        F("data_access_expires_at", UnixTime, 60),
        F("expires_at", UnixTime, 80),
        F("is_valid", BoolField, 92),
        F("issued_at", UnixTime, 60),
        F("metadata", Gen.Frequency((4, Obj(F("auth_type", StrField(s), 40), F("sso", StrField(s), 60))), (1, Any(s, 1))), 30),
        F("scopes", Gen.Frequency((8, Arr(StrField(s), 4)), (1, Any(s, 1))), 80),
        F("granular_scopes", Gen.Frequency(
            (8, Arr(Gen.Frequency((8, Obj(F("scope", StrField(s), 90), F("target_ids", Gen.Frequency((6, Arr(Id(s), 3)), (1, Any(s, 1))), 60))), (2, Gen.Const("null"))), 3)),
            (1, Any(s, 1))), 50),
        F("user_id", Id(s), 70),
        F("profile_id", Id(s), 20),
        F("error", Obj(F("code", ErrorCode), F("message", StrField(s)), F("subcode", Subcode)), 20));

    private static Gen<string> Debug(IReadOnlyList<string> s) => Obj(
        F("data", Gen.Frequency((12, DebugData(s)), (1, Gen.Const("null")), (1, Any(s, 1))), 95),
        F("error", ErrorBody(s), 5));

    private static readonly Gen<string> ErrorCode = Gen.Frequency(
        (6, Gen.OneOf("190", "102", "1", "2", "4", "17", "32", "613", "80000", "80004", "80014", "341", "368", "10", "200", "299", "100")),
        (2, Gen.OneOf("-1", "0", "2147483648", "1e300", "\"190\"", "null", "1.5", "\"x\"")));

    private static readonly Gen<string> Subcode = Gen.OneOf("458", "459", "460", "463", "464", "467", "492", "0", "-1", "\"463\"", "null", "2147483647", "1e300");

    private static Gen<string> ErrorBody(IReadOnlyList<string> s) => Gen.Frequency(
        (12, Obj(
            F("message", StrField(s), 90),
            F("type", StrField(s), 80),
            F("code", ErrorCode, 80),
            F("error_subcode", Subcode, 50),
            F("error_user_title", StrField(s), 30),
            F("error_user_msg", StrField(s), 30),
            F("is_transient", BoolField, 40),
            F("fbtrace_id", StrField(s), 70),
            F("error_data", Gen.Frequency((1, Any(s, 2)), (1, Str(s))), 20))),
        (1, Any(s, 1)));

    private static Gen<string> ErrorEnvelope(IReadOnlyList<string> s) => Obj(F("error", ErrorBody(s), 95));

    private static Gen<string> BatchItem(IReadOnlyList<string> s) => Gen.Frequency(
        (10, Obj(
            F("code", Gen.Frequency((6, Gen.Const("200")), (3, Gen.OneOf("400", "401", "403", "429", "500", "503")), (1, NumField)), 95),
            F("headers", Arr(Obj(F("name", StrField(s)), F("value", StrField(s))), 3), 30),
            F("body", Gen.Frequency(
                (6, Debug(s).Select(Quote)),
                (3, ErrorEnvelope(s).Select(Quote)),
                (1, Gen.Select(Debug(s), Gen.Double[0, 1], Truncate).Select(Quote)),
                (1, Any(s, 2))), 92))),
        (2, Gen.Const("null")),
        (1, Any(s, 1)));

    private static Gen<string> Batch(IReadOnlyList<string> s) => Gen.Frequency(
        (10, BatchItem(s).Array[2, 2]),
        (2, BatchItem(s).Array[0, 4])).Select(items => "[" + string.Join(",", items) + "]");

    /// <summary>What the operation's success answer looks like.</summary>
    private static Gen<string> Payload(FuzzOperation operation) => operation.Name switch
    {
        FuzzOperations.GetPageTokens => Accounts(operation.Secrets),
        FuzzOperations.GetClientCode => ClientCodeJson(operation.Secrets),
        FuzzOperations.DebugToken => Debug(operation.Secrets),
        FuzzOperations.BatchDebugToken => Batch(operation.Secrets),
        _ => Token(operation.Secrets),
    };

    // ---- headers ---------------------------------------------------------------------------------------------

    private static readonly Gen<string> UsageNumber = Gen.Frequency(
        (5, Gen.OneOf("0", "28", "89", "90", "95", "100", "101", "250", "1e300", "-1", "-1e300", "1.7976931348623157E+308", "\"28\"", "null", "\"NaN\"", "9223372036854775807")),
        (1, ExtremeNumber));

    private static readonly Gen<string> AppUsage = Gen.Frequency(
        (8, Obj(F("call_count", UsageNumber), F("total_time", UsageNumber), F("total_cputime", UsageNumber))),
        (1, Gen.OneOf("null", "[]", "{", "garbage", "", "{\"call_count\":[null]}")));

    private static readonly Gen<string> Regain = Gen.OneOf("0", "1", "19", "1440", "-1", "1e300", "2147483647", "9223372036854775807", "1e-300", "\"19\"", "null", "1.5", "-1e300");

    private static readonly Gen<string> BusinessUseCase = Gen.Frequency(
        (8, Gen.Select(Gen.OneOf("\"1353269864728879\"", "\"\"", "\"x\""), Arr(Gen.Frequency(
            (8, Obj(F("type", Gen.OneOf("\"pages\"", "\"ads_management\"", "null", "1")), F("call_count", UsageNumber), F("total_cputime", UsageNumber), F("total_time", UsageNumber), F("estimated_time_to_regain_access", Regain, 60))),
            (2, Gen.Const("null"))), 3), (id, buckets) => "{" + id + ":" + buckets + "}")),
        (1, Gen.OneOf("{\"1\":null}", "{\"1\":[null]}", "null", "[]", "{}", "garbage", "{\"1\":{}}")));

    private static readonly Gen<string> AdAccountUsage = Gen.Frequency(
        (8, Obj(F("acc_id_util_pct", UsageNumber), F("reset_time_duration", Gen.OneOf("0", "60", "1e300", "-1", "9223372036854775807", "\"60\"", "null", "-1e300")), F("ads_api_access_tier", Gen.OneOf("\"standard_access\"", "null", "1")))),
        (1, Gen.OneOf("null", "[]", "garbage")));

    private static readonly Gen<string> RetryAfter = Gen.OneOf(
        "0", "1", "5", "30", "3600", "-1", "9999999999", "99999999999999999999", "1e300", "1.5", "abc", "Wed, 21 Oct 2015 07:28:00 GMT",
        "Sat, 28 Nov 2026 12:00:05 GMT", "Fri, 31 Dec 9999 23:59:59 GMT", "Mon, 01 Jan 0001 00:00:00 GMT", "");

    private static Gen<KeyValuePair<string, string>?> H(string name, Gen<string> value, int present) => Gen.Frequency(
        (present, value.Select(v => (KeyValuePair<string, string>?)new KeyValuePair<string, string>(name, HeaderSafe(v)))),
        (100 - present, Gen.Const<KeyValuePair<string, string>?>(() => null)));

    private static Gen<List<KeyValuePair<string, string>>> Headers(IReadOnlyList<string> s)
    {
        Gen<KeyValuePair<string, string>?>[] headers =
        [
            H("Content-Type", Gen.OneOf("application/json; charset=UTF-8", "text/javascript; charset=UTF-8", "text/html", "application/json; charset=utf-16", "application/json; charset=bogus", "garbage", "", "application/json;;;"), 80),
            H("X-App-Usage", AppUsage, 20),
            H("X-Page-Usage", AppUsage, 8),
            H("X-Ad-Account-Usage", AdAccountUsage, 8),
            H("X-Business-Use-Case-Usage", BusinessUseCase, 15),
            H("Retry-After", RetryAfter, 10),
            H("WWW-Authenticate", Gen.Frequency(
                (4, Gen.OneOf("OAuth \"Facebook Platform\" \"invalid_token\" \"Error validating access token: Session has expired\"", "OAuth \"Facebook Platform\" \"invalid_request\" \"(#100) Missing redirect_uri\"", "Bearer realm=\"x\"", "", "\"")),
                (1, Echo(s).Select(e => "OAuth \"Facebook Platform\" \"invalid_token\" \"" + e + "\""))), 8),
            H("x-fb-trace-id", Gen.Frequency((5, Gen.OneOf("AWx1b2C3d4E", "Bq0Ys3jNXYZ", "")), (1, Echo(s)), (1, Gen.Int[1000, 20_000].Select(n => new string('T', n)))), 20),
            H("facebook-api-version", Gen.OneOf("v24.0", "v24.0", "v19.0", "v25.0", "V24.0", "vNaN", "", "v99999999999.0", "v\u0662\u0664.0"), 20),
            H("Content-Encoding", Gen.OneOf("gzip", "deflate", "br", "identity", "x-unknown", "gzip, gzip", "GZIP"), 4),
        ];
        var all = Gen.Const(() => NoHeaders);
        foreach (var header in headers)
        {
            all = Gen.Select(all, header, (list, h) => h is { } value ? [.. list, value] : list);
        }

        return all;
    }

    // ---- whole answers ---------------------------------------------------------------------------------------

    private static readonly Gen<int> Status = Gen.Frequency(
        (45, Gen.Const(200)),
        (5, Gen.OneOf(201, 204, 206)),
        (25, Gen.OneOf(400, 401, 403, 404, 405, 408, 409, 410, 413, 429)),
        (15, Gen.OneOf(500, 502, 503, 504)),
        (5, Gen.Int[100, 999]),
        (5, Gen.OneOf(0, 100, 199, 299, 300, 302, 304, 399, 599, 600, 999)));

    private static Gen<FuzzBody> Body(FuzzOperation operation)
    {
        var s = operation.Secrets;
        var payload = Payload(operation);
        var otherPayload = Gen.OneOf(FuzzOperations.All.Where(o => o.Name != operation.Name).Select(Payload).ToArray());
        return Gen.Frequency(
            (50, payload.Select(FuzzBody.Of)),
            (16, ErrorEnvelope(s).Select(FuzzBody.Of)),
            (5, Gen.Frequency((1, otherPayload), (1, Any(s))).Select(FuzzBody.Of)),
            (8, Gen.Select(Gen.Frequency((2, payload), (1, ErrorEnvelope(s))), Gen.Double[0, 1], Truncate).Select(FuzzBody.Of)),
            (4, Gen.Byte.Array[0, 300].Select(FuzzBody.Raw)),
            (4, Gen.OneOf("", " ", "<html><body>502 Bad Gateway</body></html>", "null", "[]", "{}", "\"str\"", "0", "true", "\uFEFF{}", "{\"error\":null}", "{\"error\":{}}", "{\"data\":null}").Select(FuzzBody.Of)),
            (3, Gen.Frequency((2, payload), (1, ErrorEnvelope(s))).Select(text => FuzzBody.Raw(Compress(text)))),
            (1, Deep.Select(FuzzBody.Of)),
            (1, Gen.Int[1_100_000, 2_200_000].Select(n => FuzzBody.Of("{\"error\":{\"message\":\"" + new string('x', n) + "\",\"type\":\"OAuthException\",\"code\":1}}"))),
            (1, Gen.OneOf(
                FuzzBody.Endless("{\"error\":{\"message\":\"", "x"),
                FuzzBody.Endless("{\"access_token\":\"", "A"),
                FuzzBody.Endless("[", "[1,"),
                FuzzBody.Endless(string.Empty, " "))));
    }

    /// <summary>Every answer to <paramref name="operation"/>: 97 % responses, 3 % transport failures.</summary>
    public static Gen<FuzzInput> For(FuzzOperation operation)
    {
        var response = Gen.Select(Status, Headers(operation.Secrets), Body(operation), (status, headers, body) =>
        {
            // A really compressed body says so; a false Content-Encoding is left to the header generator.
            if (body.Kind == FuzzBodyKind.Raw && body.Bytes is [0x1f, 0x8b, ..] && !headers.Any(h => h.Key == "Content-Encoding"))
            {
                headers = [.. headers, new("Content-Encoding", "gzip")];
            }

            return new FuzzInput(operation.Name, status, headers, body);
        });
        var transport = Gen.OneOf(FuzzInput.UriInMessage, FuzzInput.ResponseEnded)
            .Select(t => new FuzzInput(operation.Name, 0, [], FuzzBody.Of(string.Empty), t));
        return Gen.Frequency((97, response), (3, transport));
    }

    // ---- helpers ---------------------------------------------------------------------------------------------

    private static string Truncate(string json, double fraction) => json[..(int)(json.Length * fraction)];

    private static byte[] Compress(string text)
    {
        using var output = new MemoryStream();
        using (var gzip = new GZipStream(output, CompressionLevel.Fastest))
        {
            gzip.Write(Encoding.UTF8.GetBytes(text));
        }

        return output.ToArray();
    }

    private static string HeaderSafe(string value) => value.Replace('\r', ' ').Replace('\n', ' ').Replace('\0', ' ');

    /// <summary>A JSON string literal: quotes, backslashes and control characters escaped, everything else as is.</summary>
    internal static string Quote(string value)
    {
        var text = new StringBuilder(value.Length + 2).Append('"');
        foreach (var c in value)
        {
            switch (c)
            {
                case '"':
                    text.Append("\\\"");
                    break;
                case '\\':
                    text.Append("\\\\");
                    break;
                case < ' ':
                    text.Append("\\u").Append(((int)c).ToString("x4", CultureInfo.InvariantCulture));
                    break;
                default:
                    text.Append(c);
                    break;
            }
        }

        return text.Append('"').ToString();
    }
}
