using System.Text;
using System.Text.RegularExpressions;

namespace FbTokens.Testing.Internal;

/// <summary>
/// The Login dialog, <c>{version}/dialog/oauth</c>: checks <c>client_id</c> and <c>redirect_uri</c> (an invalid one
/// gets an error page, never a redirect), then shows the consent page (<see cref="LoginDialogPage"/>) or, when a test
/// set the next outcome, redirects at once. Allow (a POST from the page) mints a single-use code bound to the
/// redirect URI and the permissions granted; Cancel redirects with Facebook's <c>error</c> parameters. Both keep <c>state</c>.
/// </summary>
internal sealed partial class LoginDialogEndpoint(EmulatorStore store, TimeProvider time)
{
    private LoginDialogOutcome? _nextOutcome;

    /// <summary>Sets (or clears, with null) what the next dialog request does without the consent page.</summary>
    public void SetNextOutcome(LoginDialogOutcome? outcome)
    {
        lock (store.Sync)
        {
            _nextOutcome = outcome;
        }
    }

    public EmulatorResponse Handle(EmulatorRequest request)
    {
        if (request.Method is not ("GET" or "HEAD" or "POST"))
        {
            return LoginDialogPage.Error(405, "Method not allowed", "The Login dialog answers GET, and POST from its own page.");
        }

        lock (store.Sync)
        {
            if (request.Get("client_id") is not { Length: > 0 } clientId || store.FindApp(clientId) is not { } app)
            {
                return LoginDialogPage.Error(400, "Invalid App ID", "The provided app ID does not look like a valid app ID.");
            }

            if (CheckRedirect(request.Get("redirect_uri"), app.App) is not { } redirect)
            {
                return LoginDialogPage.Error(400, "URL blocked",
                    "This redirect failed because the redirect URI is not whitelisted in the app's Client OAuth Settings. Make sure Client and Web OAuth Login are on and add all your app domains as Valid OAuth Redirect URIs.");
            }

            if (request.Get("response_type") is { Length: > 0 } responseType && responseType != "code")
            {
                return LoginDialogPage.Error(400, "Unsupported response_type", "The emulated dialog only serves response_type=code.");
            }

            var requested = ParseScopes(request.Get("scope"));
            if (requested.Find(s => !ScopeName().IsMatch(s)) is { } badScope)
            {
                return LoginDialogPage.Error(400, "Invalid Scopes", "Invalid Scopes: " + badScope);
            }

            UserState? user = null;
            if (request.Get("login_as") is { Length: > 0 } loginAs)
            {
                user = store.FindUser(loginAs);
                if (user is null || user.IsSystemUser || user.AppId != app.App.AppId)
                {
                    return LoginDialogPage.Error(400, "Unknown user", "The emulator has no test user " + loginAs + " of this app.");
                }
            }
            else if (app.LastUserId is { } lastUserId)
            {
                user = store.FindUser(lastUserId);
            }

            var rerequest = string.Equals(request.Get("auth_type"), "rerequest", StringComparison.Ordinal);

            // Without auth_type=rerequest, Facebook does not ask again for a permission the person declined.
            var asked = requested.Where(s => rerequest || user is null || !user.DeclinedScopes.Contains(s)).ToList();
            var state = request.Get("state");

            if (request.Method == "POST")
            {
                return request.Get("action") switch
                {
                    "allow" => Allow(app, user, redirect, state, asked, request.Form.Where(p => p.Key == "granted").Select(p => p.Value).ToHashSet(StringComparer.Ordinal)),
                    "cancel" => Cancel(redirect, state),
                    _ => LoginDialogPage.Error(400, "Bad request", "The form needs action=allow or action=cancel."),
                };
            }

            if (_nextOutcome is { } outcome)
            {
                _nextOutcome = null;
                return outcome.IsCancelled
                    ? Cancel(redirect, state)
                    : Allow(app, user, redirect, state, asked, asked.Except(outcome.DeclinedPermissions, StringComparer.Ordinal).ToHashSet(StringComparer.Ordinal));
            }

            return LoginDialogPage.Consent(request, app.App, user, asked, redirect);
        }
    }

    private EmulatorResponse Allow(AppState app, UserState? user, string redirect, string? state, List<string> asked, HashSet<string> ticked)
    {
        // With no test user of the app yet, the dialog signs up a new one (as a person new to the app would).
        user ??= store.FindUser(store.CreateUser(null, app.App.AppId, []).Id)!;
        var granted = asked.Where(ticked.Contains).ToList();
        var declined = asked.Where(s => !ticked.Contains(s)).ToList();
        user.Scopes = user.Scopes.Except(declined, StringComparer.Ordinal).Concat(granted.Except(user.Scopes, StringComparer.Ordinal)).ToArray();
        user.DeclinedScopes.RemoveAll(granted.Contains);
        user.DeclinedScopes.AddRange(declined.Except(user.DeclinedScopes, StringComparer.Ordinal));
        var code = store.AddCodeLocked(app.App.AppId, user.Id, redirect, time.GetUtcNow(), isClientCode: false, user.Scopes);
        var parameters = new List<KeyValuePair<string, string>> { new("code", code.Value) };
        if (state is not null)
        {
            parameters.Add(new("state", state));
        }

        return Redirect(redirect, parameters);
    }

    private static EmulatorResponse Cancel(string redirect, string? state)
    {
        var parameters = new List<KeyValuePair<string, string>>
        {
            new("error", "access_denied"),
            new("error_code", "200"),
            new("error_description", "Permissions error"),
            new("error_reason", "user_denied"),
        };
        if (state is not null)
        {
            parameters.Add(new("state", state));
        }

        return Redirect(redirect, parameters);
    }

    /// <summary>A 302 to the redirect URI with the parameters added to its query, and the <c>#_=_</c> fragment Facebook appends.</summary>
    private static EmulatorResponse Redirect(string redirect, List<KeyValuePair<string, string>> parameters)
    {
        var location = new StringBuilder(redirect).Append(redirect.Contains('?', StringComparison.Ordinal) ? '&' : '?');
        location.Append(UrlEncoding.EncodeForm(parameters)).Append("#_=_");
        var response = new EmulatorResponse { StatusCode = 302, ContentType = LoginDialogPage.HtmlContentType };
        response.Headers.Add(new("Location", location.ToString()));
        response.Headers.Add(new("Cache-Control", "no-store"));
        return response;
    }

    /// <summary>The redirect URI in the form codes are bound to, or null when the app does not accept it.</summary>
    private static string? CheckRedirect(string? redirectUri, EmulatedApp app)
    {
        if (string.IsNullOrEmpty(redirectUri)
            || !Uri.TryCreate(redirectUri, UriKind.Absolute, out var uri)
            || uri.Scheme is not ("http" or "https")
            || uri.Fragment.Length > 0
            || !string.IsNullOrEmpty(uri.UserInfo))
        {
            return null;
        }

        var registered = app.ValidOAuthRedirectUris;
        if (registered.Count > 0 && !registered.Any(r => r.IsAbsoluteUri && string.Equals(r.AbsoluteUri, uri.AbsoluteUri, StringComparison.Ordinal)))
        {
            return null;
        }

        return uri.AbsoluteUri;
    }

    /// <summary><c>scope</c> as Facebook reads it: comma- or space-separated, duplicates once.</summary>
    private static List<string> ParseScopes(string? scope) =>
        string.IsNullOrWhiteSpace(scope)
            ? []
            : scope.Split([',', ' '], StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries).Distinct(StringComparer.Ordinal).ToList();

    [GeneratedRegex("^[a-z0-9_]{1,64}$", RegexOptions.CultureInvariant)]
    private static partial Regex ScopeName();
}
