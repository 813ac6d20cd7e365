using System.Text.Json;

namespace FbTokens.Testing.Internal;

/// <summary>
/// <c>debug_token</c>: what Graph knows about <c>input_token</c>, asked with an app token or a developer's user
/// token. An invalid input token is a successful answer with <c>is_valid: false</c>, not an error.
/// </summary>
internal sealed class DebugTokenEndpoint(EmulatorStore store, RequestAuthenticator auth) : IEndpointHandler
{
    private static readonly string[] PageScopes = ["pages_show_list", "pages_read_engagement", "pages_manage_posts"];

    public EmulatorResponse Handle(EmulatorRequest request, RouteInfo route, CallContext context)
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

        if (store.FindTokenLocked(input) is { } token)
        {
            return EmulatorResponse.Json(200, w => WriteDebugData(w, token, context.Now));
        }

        if (auth.AppFromPair(input) is { } pairApp)
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
        if (auth.AppFromPair(accessToken) is not null)
        {
            return true;
        }

        return store.FindTokenLocked(accessToken) is { } token
            && token.Kind is EmulatedTokenKind.App or EmulatedTokenKind.User or EmulatedTokenKind.SystemUser
            && RequestAuthenticator.CheckUsable(token, now) is null;
    }

    private void WriteDebugData(Utf8JsonWriter w, TokenState token, DateTimeOffset now)
    {
        var app = store.AppOf(token).App;
        if (token.Kind == EmulatedTokenKind.App)
        {
            WriteAppDebugData(w, app);
            return;
        }

        var reason = token.InvalidReasonAt(now);
        var user = store.UserOf(token);
        w.WriteStartObject();
        w.WriteStartObject("data");
        w.WriteString("app_id", app.AppId);
        w.WriteString("type", token.Kind switch
        {
            EmulatedTokenKind.Page => "PAGE",
            EmulatedTokenKind.SystemUser => "SYSTEM_USER",
            _ => "USER",
        });
        w.WriteString("application", app.Name);

        // A closed window does not make the token invalid: the person is still authenticated (Meta's auth-vs-data page).
        // System-user tokens have no window; Graph reports 0, as it does for "never".
        w.WriteNumber("data_access_expires_at", token.DataAccessExpiresAt?.ToUnixTimeSeconds() ?? 0);

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
        if (token.Kind != EmulatedTokenKind.SystemUser)
        {
            w.WriteStartObject("metadata");
            w.WriteString("auth_type", "rerequest");
            w.WriteString("sso", "chrome_custom_tab");
            w.WriteEndObject();
        }
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
}
