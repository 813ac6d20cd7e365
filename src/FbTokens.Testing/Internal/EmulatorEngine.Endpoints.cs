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

        if (CheckClientId(request, out var app) is { } clientError)
        {
            return clientError;
        }

        var redirectUri = request.Get("redirect_uri");
        if (string.IsNullOrEmpty(redirectUri))
        {
            return GraphErrors.MissingParameter("redirect_uri");
        }

        if (!_codes.TryGetValue(codeValue, out var code) || code.AppId != app.App.AppId)
        {
            return GraphErrors.OAuth(100, "Invalid verification code format.");
        }

        // Client codes are redeemed on the device, without the app secret; login codes need it.
        if (!code.IsClientCode && CheckClientSecret(request, app) is { } secretError)
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
        var user = _users[code.UserId];
        if (!code.IsClientCode)
        {
            // A login starts a new 90-day data-access window.
            user.DataAccessExpiresAt = context.Now + _options.DataAccessLifetime;
            var shortLived = IssueUserTokenLocked(user, longLived: false, machineId: null, context.Now);
            context.Token = shortLived;
            return TokenResponse(shortLived, context.Now, includeTokenType: true);
        }

        var machineId = request.Get("machine_id") is { Length: > 0 } known && user.MachineIds.Contains(known) ? known : RandomValues.MachineId();
        user.MachineIds.Add(machineId);
        var longLived = IssueUserTokenLocked(user, longLived: true, machineId, context.Now);
        context.Token = longLived;
        return EmulatorResponse.Json(200, w =>
        {
            w.WriteStartObject();
            w.WriteString("access_token", longLived.Value);
            w.WriteNumber("expires_in", Seconds(longLived.ExpiresAt!.Value - context.Now));
            w.WriteString("machine_id", machineId);
            w.WriteEndObject();
        });
    }

    private EmulatorResponse ExchangeForLongLived(EmulatorRequest request, CallContext context)
    {
        if (CheckClientId(request, out var app) is { } clientError)
        {
            return clientError;
        }

        if (CheckClientSecret(request, app) is { } secretError)
        {
            return secretError;
        }

        var value = request.Get("fb_exchange_token");
        if (string.IsNullOrEmpty(value))
        {
            return GraphErrors.MissingParameter("fb_exchange_token");
        }

        if (!_tokens.TryGetValue(value, out var token) || token.Kind != EmulatedTokenKind.User)
        {
            return GraphErrors.CannotParseToken();
        }

        context.Token = token;
        if (CheckUsable(token, context.Now) is { } unusable)
        {
            return unusable;
        }

        if (token.AppId != app.App.AppId)
        {
            return GraphErrors.OAuth(190, $"Error validating access token: The user has not authorized application {app.App.AppId}.", 458);
        }

        // Graph returns a new string; the old token keeps working until its own expiry.
        var longLived = IssueUserTokenLocked(_users[token.UserId!], longLived: true, machineId: null, context.Now);
        context.Token = longLived;
        return TokenResponse(longLived, context.Now, includeTokenType: true);
    }

    private EmulatorResponse ClientCredentials(EmulatorRequest request, CallContext context)
    {
        if (CheckClientId(request, out var app) is { } clientError)
        {
            return clientError;
        }

        if (CheckClientSecret(request, app) is { } secretError)
        {
            return secretError;
        }

        var token = new TokenState
        {
            Value = app.App.AppId + "|" + RandomValues.AppTokenSuffix(),
            Kind = EmulatedTokenKind.App,
            AppId = app.App.AppId,
            IssuedAt = context.Now,
        };
        _tokens[token.Value] = token;
        return EmulatorResponse.Json(200, w =>
        {
            w.WriteStartObject();
            w.WriteString("access_token", token.Value);
            w.WriteString("token_type", "bearer");
            w.WriteEndObject();
        });
    }

    private static EmulatorResponse TokenResponse(TokenState token, DateTimeOffset now, bool includeTokenType) => EmulatorResponse.Json(200, w =>
    {
        w.WriteStartObject();
        w.WriteString("access_token", token.Value);
        if (includeTokenType)
        {
            w.WriteString("token_type", "bearer");
        }

        if (token.ExpiresAt is { } expiresAt)
        {
            w.WriteNumber("expires_in", Seconds(expiresAt - now));
        }

        w.WriteEndObject();
    });

    // ---------------------------------------------------------------- oauth/client_code

    private EmulatorResponse ClientCode(EmulatorRequest request, CallContext context)
    {
        if (CheckClientId(request, out var app) is { } clientError)
        {
            return clientError;
        }

        if (CheckClientSecret(request, app) is { } secretError)
        {
            return secretError;
        }

        var redirectUri = request.Get("redirect_uri");
        if (string.IsNullOrEmpty(redirectUri))
        {
            return GraphErrors.MissingParameter("redirect_uri");
        }

        if (CheckAccessToken(request, context, out var token) is { } tokenError)
        {
            return tokenError;
        }

        if (token.Kind != EmulatedTokenKind.User || token.AppId != app.App.AppId)
        {
            return GraphErrors.OAuth(100, "The access token must be a user access token of this app.");
        }

        var code = new CodeState
        {
            Value = RandomValues.Code(),
            AppId = app.App.AppId,
            UserId = token.UserId!,
            RedirectUri = NormalizeRedirect(redirectUri),
            ExpiresAt = context.Now + _options.CodeLifetime,
            IsClientCode = true,
        };
        _codes[code.Value] = code;
        return EmulatorResponse.Json(200, w =>
        {
            w.WriteStartObject();
            w.WriteString("code", code.Value);
            w.WriteEndObject();
        });
    }

    // ---------------------------------------------------------------- {user-id}/accounts

    private EmulatorResponse Accounts(EmulatorRequest request, RouteInfo route, CallContext context)
    {
        if (CheckAccessToken(request, context, out var token) is { } tokenError)
        {
            return tokenError;
        }

        var objectId = route.ObjectId!;
        var userId = objectId == "me" ? token.UserId : objectId;
        if (token.Kind != EmulatedTokenKind.User || !string.Equals(userId, token.UserId, StringComparison.Ordinal) || !_users.TryGetValue(userId!, out var user))
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
        var pageTokens = slice.Select(p => PageTokenFor(token, p.Id, context.Now)).ToList();

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

    private TokenState PageTokenFor(TokenState userToken, string pageId, DateTimeOffset now)
    {
        if (userToken.PageTokens.TryGetValue(pageId, out var existing))
        {
            return existing;
        }

        // From a long-lived user token a page token never expires; from a short-lived one it ends with it.
        var pageToken = new TokenState
        {
            Value = RandomValues.PageToken(),
            Kind = EmulatedTokenKind.Page,
            AppId = userToken.AppId,
            UserId = userToken.UserId,
            PageId = pageId,
            IsLongLived = userToken.IsLongLived,
            IssuedAt = now,
            ExpiresAt = userToken.IsLongLived ? null : userToken.ExpiresAt,
            DataAccessExpiresAt = userToken.DataAccessExpiresAt,
            Scopes = userToken.Scopes,
        };
        userToken.PageTokens[pageId] = pageToken;
        _tokens[pageToken.Value] = pageToken;
        _users[userToken.UserId!].Tokens.Add(pageToken);
        return pageToken;
    }

    // ---------------------------------------------------------------- me

    private EmulatorResponse Me(EmulatorRequest request, CallContext context)
    {
        if (CheckAccessToken(request, context, out var token) is { } tokenError)
        {
            return tokenError;
        }

        string id;
        string name;
        if (token.Kind == EmulatedTokenKind.Page)
        {
            var page = _users[token.UserId!].Pages.First(p => p.Id == token.PageId);
            (id, name) = (page.Id, page.Name);
        }
        else if (token.Kind == EmulatedTokenKind.User)
        {
            var user = _users[token.UserId!];
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
        var accessToken = request.Get("access_token");
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

        if (_tokens.TryGetValue(input, out var token))
        {
            return EmulatorResponse.Json(200, w => WriteDebugData(w, token, context.Now));
        }

        if (AppFromPair(input) is { } pairApp)
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
        if (AppFromPair(accessToken) is not null)
        {
            return true;
        }

        return _tokens.TryGetValue(accessToken, out var token)
            && token.Kind is EmulatedTokenKind.App or EmulatedTokenKind.User
            && CheckUsable(token, now) is null;
    }

    private void WriteDebugData(Utf8JsonWriter w, TokenState token, DateTimeOffset now)
    {
        var app = _apps[token.AppId].App;
        if (token.Kind == EmulatedTokenKind.App)
        {
            WriteAppDebugData(w, app);
            return;
        }

        var reason = InvalidReason(token, now);
        var user = _users[token.UserId!];
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

        var topLevelToken = request.Get("access_token");
        var topLevelProof = request.Get("appsecret_proof");
        var baseUri = new Uri(request.Url.GetLeftPart(UriPartial.Authority) + "/");
        var results = new List<EmulatorResponse?>(operations.Count);
        lock (_sync)
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
                Interlocked.Increment(ref _callCounts[(int)route.Endpoint]);
                var fault = TakeFault(route.Endpoint, explicitOnly: true);
                if (fault is not null)
                {
                    // Transport-level faults leave the operation incomplete: Graph's null.
                    var faulted = FaultResponse(fault.Fault);
                    results.Add(faulted is { ResetConnection: false, StatusCode: >= 500 } && faulted.ContentType == EmulatorResponse.JsonContentType ? faulted : null);
                    continue;
                }

                results.Add(route.Endpoint is GraphEndpoint.Batch ? GraphErrors.OAuth(100, "(#100) Batches cannot be nested") : Dispatch(opRequest, route));
            }
        }

        var context = new CallContext(_time.GetUtcNow());
        if (topLevelToken is not null)
        {
            lock (_sync)
            {
                context.App = _tokens.TryGetValue(topLevelToken, out var t) ? _apps.GetValueOrDefault(t.AppId) : AppFromPair(topLevelToken);
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
        lock (_sync)
        {
            AddStandardHeaders(response, context, Route(request.Url.AbsolutePath).Version);
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

    // ---------------------------------------------------------------- shared checks (called under the lock)

    private EmulatorResponse? CheckClientId(EmulatorRequest request, out AppState app)
    {
        app = null!;
        var clientId = request.Get("client_id");
        if (string.IsNullOrEmpty(clientId))
        {
            return GraphErrors.OAuth(101, "Missing client_id parameter.");
        }

        if (!_apps.TryGetValue(clientId, out var found))
        {
            return GraphErrors.OAuth(101, "Error validating application. Invalid application ID.");
        }

        app = found;
        return null;
    }

    private static EmulatorResponse? CheckClientSecret(EmulatorRequest request, AppState app)
    {
        var secret = request.Get("client_secret");
        if (string.IsNullOrEmpty(secret))
        {
            return GraphErrors.MissingParameter("client_secret");
        }

        // Graph reports a wrong secret with code 1 (its generic OAuth error), not 190.
        return FixedTimeEquals(secret, app.App.AppSecret) ? null : GraphErrors.OAuth(1, "Error validating client secret.");
    }

    /// <summary>Checks the call's <c>access_token</c> (present, known, valid) and its <c>appsecret_proof</c>.</summary>
    private EmulatorResponse? CheckAccessToken(EmulatorRequest request, CallContext context, out TokenState token)
    {
        token = null!;
        var value = request.Get("access_token");
        if (string.IsNullOrEmpty(value))
        {
            return GraphErrors.AccessTokenRequired();
        }

        if (!_tokens.TryGetValue(value, out var found))
        {
            return AppFromPair(value) is { } pairApp
                ? CheckPairAsToken(pairApp, out token, context.Now)
                : GraphErrors.CannotParseToken();
        }

        if (CheckUsable(found, context.Now) is { } unusable)
        {
            return unusable;
        }

        if (found.Kind != EmulatedTokenKind.App && CheckProof(request, found) is { } proofError)
        {
            return proofError;
        }

        token = found;
        return null;
    }

    private static EmulatorResponse? CheckPairAsToken(AppState app, out TokenState token, DateTimeOffset now)
    {
        token = new TokenState { Value = app.App.AppAccessToken, Kind = EmulatedTokenKind.App, AppId = app.App.AppId, IssuedAt = now };
        return null;
    }

    private EmulatorResponse? CheckProof(EmulatorRequest request, TokenState token)
    {
        var app = _apps[token.AppId].App;
        var proof = request.Get("appsecret_proof");
        if (proof is null)
        {
            return app.RequireAppSecretProof ? GraphErrors.MissingAppSecretProof() : null;
        }

        // A proof that is sent is checked even when the app does not require one, as Graph does.
        return FixedTimeEquals(proof, ComputeProof(app.AppSecret, token.Value)) ? null : GraphErrors.InvalidAppSecretProof();
    }

    internal static string ComputeProof(string appSecret, string accessToken)
    {
        var hash = HMACSHA256.HashData(Encoding.UTF8.GetBytes(appSecret), Encoding.UTF8.GetBytes(accessToken));
#if NET9_0_OR_GREATER
        return Convert.ToHexStringLower(hash);
#else
        return Convert.ToHexString(hash).ToLowerInvariant();
#endif
    }

    private static bool FixedTimeEquals(string a, string b) =>
        CryptographicOperations.FixedTimeEquals(Encoding.UTF8.GetBytes(a), Encoding.UTF8.GetBytes(b));

    private static TokenInvalidationReason? InvalidReason(TokenState token, DateTimeOffset now) =>
        token.InvalidatedBecause ?? (token.IsExpiredAt(now) ? TokenInvalidationReason.Expired : null);

    private static EmulatorResponse? CheckUsable(TokenState token, DateTimeOffset now) =>
        InvalidReason(token, now) is { } reason
            ? GraphErrors.OAuth(190, GraphErrors.InvalidTokenMessage(reason, token, now), (int)reason)
            : null;

    private AppState? AppFromPair(string value)
    {
        var bar = value.IndexOf('|', StringComparison.Ordinal);
        if (bar <= 0 || !_apps.TryGetValue(value[..bar], out var app))
        {
            return null;
        }

        var secret = value[(bar + 1)..];
        return FixedTimeEquals(secret, app.App.AppSecret) || FixedTimeEquals(secret, app.App.ClientToken) ? app : null;
    }

    private AppState RequireApp(string? appId) =>
        appId is null ? _apps[DefaultApp.AppId]
        : _apps.TryGetValue(appId, out var app) ? app
        : throw new ArgumentException($"The emulator has no app '{appId}'.", nameof(appId));

    private UserState RequireUser(string userId) =>
        _users.TryGetValue(userId, out var user) ? user : throw new ArgumentException($"The emulator has no user '{userId}'.", nameof(userId));

    private TokenState IssueUserTokenLocked(UserState user, bool longLived, string? machineId, DateTimeOffset now)
    {
        var token = new TokenState
        {
            Value = RandomValues.UserToken(),
            Kind = EmulatedTokenKind.User,
            AppId = user.AppId,
            UserId = user.Id,
            IsLongLived = longLived,
            IssuedAt = now,
            ExpiresAt = now + (longLived ? _options.LongLivedTokenLifetime : _options.ShortLivedTokenLifetime),
            DataAccessExpiresAt = user.DataAccessExpiresAt,
            Scopes = user.Scopes,
            MachineId = machineId,
        };
        _tokens[token.Value] = token;
        user.Tokens.Add(token);
        return token;
    }

    private static string NormalizeRedirect(string redirectUri) =>
        Uri.TryCreate(redirectUri, UriKind.Absolute, out var uri) ? uri.AbsoluteUri : redirectUri;

    private static long Seconds(TimeSpan span) => (long)Math.Round(span.TotalSeconds);
}
