using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;

namespace FbTokens.Testing.Internal;

internal sealed partial class EmulatorEngine
{
    // ---------------------------------------------------------------- oauth/access_token

    private EmulatorResponse AccessToken(EmulatorRequest request, CallContext context)
    {
        var grantType = request.Get("grant_type");
        if (grantType == "fb_exchange_token")
        {
            return ExchangeForLongLived(request, context);
        }

        if (grantType == "client_credentials")
        {
            return ClientCredentials(request, context);
        }

        if (grantType is not null && grantType != "authorization_code")
        {
            return GraphErrors.OAuth(100, "Unsupported grant_type: " + grantType);
        }

        var codeValue = request.Get("code");
        if (string.IsNullOrEmpty(codeValue))
        {
            return GraphErrors.MissingParameter("code");
        }

        if (_auth.CheckClientId(request, out var app) is { } clientError)
        {
            return clientError;
        }

        var redirectUri = request.Get("redirect_uri");
        if (string.IsNullOrEmpty(redirectUri))
        {
            return GraphErrors.MissingParameter("redirect_uri");
        }

        if (_store.FindCode(codeValue) is not { } code || code.AppId != app.App.AppId)
        {
            return GraphErrors.OAuth(100, "Invalid verification code format.");
        }

        // Client codes are redeemed on the device, without the app secret; login codes need it.
        if (!code.IsClientCode && RequestAuthenticator.CheckClientSecret(request, app) is { } secretError)
        {
            return secretError;
        }

        if (code.Used)
        {
            return GraphErrors.OAuth(100, "This authorization code has been used.", 36009);
        }

        if (context.Now >= code.ExpiresAt)
        {
            return GraphErrors.OAuth(100, "This authorization code has expired.", 36007);
        }

        if (!string.Equals(NormalizeRedirect(redirectUri), code.RedirectUri, StringComparison.Ordinal))
        {
            return GraphErrors.OAuth(100, "Error validating verification code. Please make sure your redirect_uri is identical to the one you used in the OAuth dialog request", 36008);
        }

        code.Used = true;
        var user = _store.GetUser(code.UserId);
        if (!code.IsClientCode)
        {
            // A login starts a new 90-day data-access window.
            user.DataAccessExpiresAt = context.Now + _options.DataAccessLifetime;
            var shortLived = _store.IssueUserTokenLocked(user, longLived: false, machineId: null, context.Now);
            context.Token = shortLived;
            return TokenResponses.Bearer(shortLived, context.Now);
        }

        var machineId = request.Get("machine_id") is { Length: > 0 } known && user.MachineIds.Contains(known) ? known : RandomValues.MachineId();
        user.MachineIds.Add(machineId);
        var longLived = _store.IssueUserTokenLocked(user, longLived: true, machineId, context.Now);
        context.Token = longLived;
        return TokenResponses.Redeemed(longLived, machineId, context.Now);
    }

    private EmulatorResponse ExchangeForLongLived(EmulatorRequest request, CallContext context)
    {
        if (_auth.CheckClientId(request, out var app) is { } clientError)
        {
            return clientError;
        }

        if (RequestAuthenticator.CheckClientSecret(request, app) is { } secretError)
        {
            return secretError;
        }

        var value = request.Get("fb_exchange_token");
        if (string.IsNullOrEmpty(value))
        {
            return GraphErrors.MissingParameter("fb_exchange_token");
        }

        if (_store.FindTokenLocked(value) is not { } token || token.Kind != EmulatedTokenKind.User)
        {
            return GraphErrors.CannotParseToken();
        }

        context.Token = token;
        if (RequestAuthenticator.CheckUsable(token, context.Now) is { } unusable)
        {
            return unusable;
        }

        if (token.AppId != app.App.AppId)
        {
            return GraphErrors.OAuth(190, $"Error validating access token: The user has not authorized application {app.App.AppId}.", 458);
        }

        // Graph returns a new string; the old token keeps working until its own expiry.
        var longLived = _store.IssueUserTokenLocked(_store.UserOf(token), longLived: true, machineId: null, context.Now);
        context.Token = longLived;
        return TokenResponses.Bearer(longLived, context.Now);
    }

    private EmulatorResponse ClientCredentials(EmulatorRequest request, CallContext context)
    {
        if (_auth.CheckClientId(request, out var app) is { } clientError)
        {
            return clientError;
        }

        if (RequestAuthenticator.CheckClientSecret(request, app) is { } secretError)
        {
            return secretError;
        }

        var token = _store.IssueAppTokenLocked(app, context.Now);
        return TokenResponses.AppToken(token);
    }

    // ---------------------------------------------------------------- oauth/client_code

    private EmulatorResponse ClientCode(EmulatorRequest request, CallContext context)
    {
        if (_auth.CheckClientId(request, out var app) is { } clientError)
        {
            return clientError;
        }

        if (RequestAuthenticator.CheckClientSecret(request, app) is { } secretError)
        {
            return secretError;
        }

        var redirectUri = request.Get("redirect_uri");
        if (string.IsNullOrEmpty(redirectUri))
        {
            return GraphErrors.MissingParameter("redirect_uri");
        }

        if (_auth.CheckAccessToken(request, context, out var token) is { } tokenError)
        {
            return tokenError;
        }

        if (token.Kind != EmulatedTokenKind.User || token.AppId != app.App.AppId)
        {
            return GraphErrors.OAuth(100, "The access token must be a user access token of this app.");
        }

        var code = _store.AddCodeLocked(app.App.AppId, token.UserId!, NormalizeRedirect(redirectUri), context.Now, isClientCode: true);
        return TokenResponses.ClientCode(code);
    }

    // ---------------------------------------------------------------- {user-id}/accounts

    private EmulatorResponse Accounts(EmulatorRequest request, RouteInfo route, CallContext context)
    {
        if (_auth.CheckAccessToken(request, context, out var token) is { } tokenError)
        {
            return tokenError;
        }

        var objectId = route.ObjectId!;
        var userId = objectId == "me" ? token.UserId : objectId;
        if (token.Kind != EmulatedTokenKind.User || !string.Equals(userId, token.UserId, StringComparison.Ordinal) || _store.FindUser(userId!) is not { } user)
        {
            return GraphErrors.UnsupportedGet(objectId);
        }

        var limit = _options.DefaultPageSize;
        if (request.Get("limit") is { Length: > 0 } limitText)
        {
            if (!int.TryParse(limitText, NumberStyles.None, CultureInfo.InvariantCulture, out limit) || limit < 0)
            {
                return GraphErrors.OAuth(100, "(#100) Param limit must be a non-negative integer");
            }

            limit = Math.Clamp(limit, 1, MaxPageSize);
        }

        var pages = user.Pages;
        int start;
        int end;
        if (request.Get("after") is { Length: > 0 } after)
        {
            var index = CursorIndex(after, pages);
            if (index < 0)
            {
                return GraphErrors.OAuth(100, "(#100) The after cursor is not valid");
            }

            start = index + 1;
            end = Math.Min(pages.Count, start + limit);
        }
        else if (request.Get("before") is { Length: > 0 } before)
        {
            var index = CursorIndex(before, pages);
            if (index < 0)
            {
                return GraphErrors.OAuth(100, "(#100) The before cursor is not valid");
            }

            end = index;
            start = Math.Max(0, end - limit);
        }
        else
        {
            start = 0;
            end = Math.Min(pages.Count, limit);
        }

        var fields = request.Get("fields") is { Length: > 0 } fieldText
            ? new HashSet<string>(fieldText.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries), StringComparer.Ordinal)
            : new HashSet<string>(["access_token", "category", "category_list", "name", "id", "tasks"], StringComparer.Ordinal);
        var slice = pages.GetRange(start, Math.Max(0, end - start));
        var pageTokens = slice.Select(p => _store.PageTokenLocked(token, p.Id, context.Now)).ToList();

        return EmulatorResponse.Json(200, w =>
        {
            w.WriteStartObject();
            w.WriteStartArray("data");
            for (var i = 0; i < slice.Count; i++)
            {
                WritePage(w, slice[i], pageTokens[i].Value, fields);
            }

            w.WriteEndArray();
            if (slice.Count > 0)
            {
                w.WriteStartObject("paging");
                w.WriteStartObject("cursors");
                w.WriteString("before", Cursor(slice[0].Id));
                w.WriteString("after", Cursor(slice[^1].Id));
                w.WriteEndObject();
                if (start > 0)
                {
                    w.WriteString("previous", PagingLink(request, "before", Cursor(slice[0].Id)));
                }

                if (end < pages.Count)
                {
                    w.WriteString("next", PagingLink(request, "after", Cursor(slice[^1].Id)));
                }

                w.WriteEndObject();
            }

            w.WriteEndObject();
        });
    }

    private static void WritePage(Utf8JsonWriter w, EmulatedPage page, string pageToken, HashSet<string> fields)
    {
        w.WriteStartObject();
        if (fields.Contains("access_token"))
        {
            w.WriteString("access_token", pageToken);
        }

        if (fields.Contains("category"))
        {
            w.WriteString("category", page.Category);
        }

        if (fields.Contains("category_list"))
        {
            w.WriteStartArray("category_list");
            foreach (var (id, name) in page.CategoryList)
            {
                w.WriteStartObject();
                w.WriteString("id", id);
                w.WriteString("name", name);
                w.WriteEndObject();
            }

            w.WriteEndArray();
        }

        if (fields.Contains("name"))
        {
            w.WriteString("name", page.Name);
        }

        // Graph always returns the id.
        w.WriteString("id", page.Id);
        if (fields.Contains("tasks"))
        {
            w.WriteStartArray("tasks");
            foreach (var task in page.Tasks)
            {
                w.WriteStringValue(task);
            }

            w.WriteEndArray();
        }

        w.WriteEndObject();
    }

    /// <summary>The absolute link Graph puts in <c>paging.next</c>/<c>previous</c>: this host, this path, the whole query (token included) with the cursor replaced.</summary>
    private static string PagingLink(EmulatorRequest request, string cursorName, string cursor)
    {
        var parameters = request.AllParameters.Where(p => p.Key is not ("after" or "before")).ToList();
        parameters.Add(new(cursorName, cursor));
        return request.Url.GetLeftPart(UriPartial.Path) + "?" + UrlEncoding.Encode(parameters);
    }

    private static string Cursor(string pageId) => Convert.ToBase64String(Encoding.UTF8.GetBytes("QVFI" + pageId)).TrimEnd('=');

    private static int CursorIndex(string cursor, List<EmulatedPage> pages)
    {
        string decoded;
        try
        {
            var padded = cursor.PadRight(cursor.Length + ((4 - (cursor.Length % 4)) % 4), '=');
            decoded = Encoding.UTF8.GetString(Convert.FromBase64String(padded));
        }
        catch (FormatException)
        {
            return -1;
        }

        return decoded.StartsWith("QVFI", StringComparison.Ordinal) ? pages.FindIndex(p => p.Id == decoded[4..]) : -1;
    }

    // ---------------------------------------------------------------- me

    private EmulatorResponse Me(EmulatorRequest request, CallContext context)
    {
        if (_auth.CheckAccessToken(request, context, out var token) is { } tokenError)
        {
            return tokenError;
        }

        string id;
        string name;
        if (token.Kind == EmulatedTokenKind.Page)
        {
            var page = _store.UserOf(token).Pages.First(p => p.Id == token.PageId);
            (id, name) = (page.Id, page.Name);
        }
        else if (token.Kind == EmulatedTokenKind.User)
        {
            var user = _store.UserOf(token);
            (id, name) = (user.Id, user.Name);
        }
        else
        {
            return GraphErrors.OAuth(2500, "An active access token must be used to query information about the current user.");
        }

        return EmulatorResponse.Json(200, w =>
        {
            w.WriteStartObject();
            w.WriteString("name", name);
            w.WriteString("id", id);
            w.WriteEndObject();
        });
    }

    // ---------------------------------------------------------------- debug_token

    private EmulatorResponse DebugToken(EmulatorRequest request, CallContext context)
    {
        var accessToken = RequestAuthenticator.AccessToken(request);
        if (string.IsNullOrEmpty(accessToken))
        {
            return GraphErrors.AccessTokenRequired();
        }

        if (!IsDebugCaller(accessToken, context.Now))
        {
            return accessToken.Contains('|', StringComparison.Ordinal)
                ? GraphErrors.OAuth(190, "Invalid OAuth access token signature.")
                : GraphErrors.CannotParseToken();
        }

        var input = request.Get("input_token");
        if (string.IsNullOrEmpty(input))
        {
            return GraphErrors.OAuth(100, "(#100) The parameter input_token is required");
        }

        if (_store.FindTokenLocked(input) is { } token)
        {
            return EmulatorResponse.Json(200, w => WriteDebugData(w, token, context.Now));
        }

        if (_auth.AppFromPair(input) is { } pairApp)
        {
            return EmulatorResponse.Json(200, w => WriteAppDebugData(w, pairApp.App));
        }

        return EmulatorResponse.Json(200, w =>
        {
            w.WriteStartObject();
            w.WriteStartObject("data");
            w.WriteStartObject("error");
            w.WriteNumber("code", 190);
            w.WriteString("message", "Invalid OAuth access token - Cannot parse access token");
            w.WriteEndObject();
            w.WriteBoolean("is_valid", false);
            w.WriteStartArray("scopes");
            w.WriteEndArray();
            w.WriteEndObject();
            w.WriteEndObject();
        });
    }

    /// <summary><c>debug_token</c> accepts an app token (<c>{app-id}|{app-secret}</c> or from <c>client_credentials</c>) or a valid user token of the app (a developer token).</summary>
    private bool IsDebugCaller(string accessToken, DateTimeOffset now)
    {
        if (_auth.AppFromPair(accessToken) is not null)
        {
            return true;
        }

        return _store.FindTokenLocked(accessToken) is { } token
            && token.Kind is EmulatedTokenKind.App or EmulatedTokenKind.User
            && RequestAuthenticator.CheckUsable(token, now) is null;
    }

    private void WriteDebugData(Utf8JsonWriter w, TokenState token, DateTimeOffset now)
    {
        var app = _store.AppOf(token).App;
        if (token.Kind == EmulatedTokenKind.App)
        {
            WriteAppDebugData(w, app);
            return;
        }

        var reason = token.InvalidReasonAt(now);
        var user = _store.UserOf(token);
        w.WriteStartObject();
        w.WriteStartObject("data");
        w.WriteString("app_id", app.AppId);
        w.WriteString("type", token.Kind == EmulatedTokenKind.Page ? "PAGE" : "USER");
        w.WriteString("application", app.Name);
        if (token.DataAccessExpiresAt is { } dataAccess)
        {
            w.WriteNumber("data_access_expires_at", dataAccess.ToUnixTimeSeconds());
        }

        if (reason is { } r)
        {
            w.WriteStartObject("error");
            w.WriteNumber("code", 190);
            w.WriteString("message", GraphErrors.InvalidTokenMessage(r, token, now));
            w.WriteNumber("subcode", (int)r);
            w.WriteEndObject();
        }

        // 0 is Graph's "never", as for page tokens from a long-lived user token.
        w.WriteNumber("expires_at", token.ExpiresAt?.ToUnixTimeSeconds() ?? 0);
        w.WriteBoolean("is_valid", reason is null);
        w.WriteNumber("issued_at", token.IssuedAt.ToUnixTimeSeconds());
        w.WriteStartObject("metadata");
        w.WriteString("auth_type", "rerequest");
        w.WriteString("sso", "chrome_custom_tab");
        w.WriteEndObject();
        if (token.PageId is { } pageId)
        {
            w.WriteString("profile_id", pageId);
        }

        w.WriteStartArray("scopes");
        foreach (var scope in token.Scopes)
        {
            w.WriteStringValue(scope);
        }

        w.WriteEndArray();
        w.WriteStartArray("granular_scopes");
        foreach (var scope in token.Scopes)
        {
            w.WriteStartObject();
            w.WriteString("scope", scope);
            if (Array.IndexOf(PageScopes, scope) >= 0 && user.Pages.Count > 0)
            {
                w.WriteStartArray("target_ids");
                foreach (var page in user.Pages)
                {
                    w.WriteStringValue(page.Id);
                }

                w.WriteEndArray();
            }

            w.WriteEndObject();
        }

        w.WriteEndArray();
        w.WriteString("user_id", user.Id);
        w.WriteEndObject();
        w.WriteEndObject();
    }

    private static void WriteAppDebugData(Utf8JsonWriter w, EmulatedApp app)
    {
        w.WriteStartObject();
        w.WriteStartObject("data");
        w.WriteString("app_id", app.AppId);
        w.WriteString("type", "APP");
        w.WriteString("application", app.Name);
        w.WriteBoolean("is_valid", true);
        w.WriteStartArray("scopes");
        w.WriteEndArray();
        w.WriteEndObject();
        w.WriteEndObject();
    }

    // ---------------------------------------------------------------- batch

    private EmulatorResponse HandleBatch(EmulatorRequest request)
    {
        var batchText = request.Get("batch");
        if (request.Method != "POST")
        {
            return GraphErrors.Create(400, 100, "Unsupported get request.", "GraphMethodException");
        }

        if (batchText is null)
        {
            return GraphErrors.OAuth(100, "(#100) The parameter batch is required");
        }

        List<(string Method, string RelativeUrl)?> operations;
        try
        {
            using var document = JsonDocument.Parse(batchText);
            if (document.RootElement.ValueKind != JsonValueKind.Array)
            {
                return GraphErrors.OAuth(100, "(#100) The parameter batch must be a JSON array");
            }

            operations = document.RootElement.EnumerateArray().Select(op =>
                op.ValueKind == JsonValueKind.Object && op.TryGetProperty("relative_url", out var url) && url.ValueKind == JsonValueKind.String
                    ? ((string, string)?)((op.TryGetProperty("method", out var m) && m.ValueKind == JsonValueKind.String ? m.GetString()! : "GET").ToUpperInvariant(), url.GetString()!)
                    : null).ToList();
        }
        catch (JsonException)
        {
            return GraphErrors.OAuth(100, "(#100) The parameter batch must be a JSON array");
        }

        if (operations.Count > MaxBatchSize)
        {
            return GraphErrors.OAuth(100, "(#100) Too many requests in batch message. Maximum batch size is 50");
        }

        var topLevelToken = RequestAuthenticator.AccessToken(request);
        var topLevelProof = request.Get("appsecret_proof");
        var baseUri = new Uri(request.Url.GetLeftPart(UriPartial.Authority) + "/");
        var results = new List<EmulatorResponse?>(operations.Count);
        lock (_store.Sync)
        {
            foreach (var operation in operations)
            {
                if (operation is not { } op)
                {
                    results.Add(GraphErrors.OAuth(100, "(#100) Each batch operation needs a relative_url"));
                    continue;
                }

                var opUri = new Uri(baseUri, op.RelativeUrl.TrimStart('/'));
                var parameters = new List<KeyValuePair<string, string>>();
                var opQuery = UrlEncoding.Parse(opUri.Query);
                if (topLevelToken is not null && !opQuery.Exists(p => p.Key == "access_token"))
                {
                    // An operation without its own token uses the batch's, as on Graph.
                    parameters.Add(new("access_token", topLevelToken));
                    if (topLevelProof is not null)
                    {
                        parameters.Add(new("appsecret_proof", topLevelProof));
                    }
                }

                var opRequest = new EmulatorRequest(op.Method, opUri, parameters);
                var route = Route(opUri.AbsolutePath);
                _calls.Increment(route.Endpoint);
                if (_faults.TakeForBatchOperationLocked(route.Endpoint) is { } fault)
                {
                    // Transport-level faults leave the operation incomplete: Graph's null.
                    var faulted = FaultResponses.Replace(fault);
                    results.Add(faulted is { ResetConnection: false, StatusCode: >= 500 } && faulted.ContentType == EmulatorResponse.JsonContentType ? faulted : null);
                    continue;
                }

                results.Add(route.Endpoint is GraphEndpoint.Batch ? GraphErrors.OAuth(100, "(#100) Batches cannot be nested") : Dispatch(opRequest, route));
            }
        }

        var context = new CallContext(_time.GetUtcNow());
        if (topLevelToken is not null)
        {
            lock (_store.Sync)
            {
                context.App = _auth.AppOfToken(topLevelToken);
            }
        }

        var response = EmulatorResponse.Json(200, w =>
        {
            w.WriteStartArray();
            foreach (var result in results)
            {
                if (result is null)
                {
                    w.WriteNullValue();
                    continue;
                }

                w.WriteStartObject();
                w.WriteNumber("code", result.StatusCode);
                w.WriteStartArray("headers");
                WriteHeader(w, "Content-Type", "text/javascript; charset=UTF-8");
                WriteHeader(w, "Cache-Control", "private, no-cache, no-store, must-revalidate");
                foreach (var (name, value) in result.Headers)
                {
                    if (name is "facebook-api-version" or "Retry-After")
                    {
                        WriteHeader(w, name, value);
                    }
                }

                w.WriteEndArray();
                w.WriteString("body", Encoding.UTF8.GetString(result.Body));
                w.WriteEndObject();
            }

            w.WriteEndArray();
        });
        lock (_store.Sync)
        {
            _usage.AddStandardHeaders(response, context, Route(request.Url.AbsolutePath).Version);
        }

        return response;
    }

    private static void WriteHeader(Utf8JsonWriter w, string name, string value)
    {
        w.WriteStartObject();
        w.WriteString("name", name);
        w.WriteString("value", value);
        w.WriteEndObject();
    }

    // ---------------------------------------------------------------- shared helpers

    private static string NormalizeRedirect(string redirectUri) =>
        Uri.TryCreate(redirectUri, UriKind.Absolute, out var uri) ? uri.AbsoluteUri : redirectUri;
}
