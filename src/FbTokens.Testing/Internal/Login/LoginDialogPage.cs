using System.Text;
using System.Text.Encodings.Web;

namespace FbTokens.Testing.Internal;

/// <summary>
/// The HTML of the emulated Login dialog: the consent page and its error pages. Every value from the request or the
/// state is HTML-encoded; the page has no script, and its Content-Security-Policy allows none. Element ids are
/// stable for browser tests: <c>fbtokens-allow</c>, <c>fbtokens-cancel</c>, <c>perm-{name}</c>,
/// <c>fbtokens-app-name</c>, <c>fbtokens-user-name</c>, <c>fbtokens-error</c>.
/// </summary>
internal static class LoginDialogPage
{
    public const string HtmlContentType = "text/html; charset=utf-8";

    private const string Style = "body{font-family:system-ui,sans-serif;max-width:32rem;margin:2rem auto;color:#1c1e21}"
        + "h1{font-size:1.3rem}label{display:block;margin:.3rem 0}button{margin:1rem .5rem 0 0;padding:.5rem 1rem}"
        + "#fbtokens-allow{background:#1877f2;color:#fff;border:0}";

    public static EmulatorResponse Consent(EmulatorRequest request, EmulatedApp app, UserState? user, IReadOnlyList<string> asked, string redirect)
    {
        var html = new StringBuilder();
        Head(html, "Log in with Facebook");
        html.Append("<main id=\"fbtokens-dialog\"><h1>Log in to <span id=\"fbtokens-app-name\">").Append(E(app.Name)).Append("</span></h1>");
        html.Append("<p>Logging in as <span id=\"fbtokens-user-name\">")
            .Append(user is null ? "a new test user" : E(user.Name))
            .Append("</span>");
        if (user is not null)
        {
            html.Append(" (<span id=\"fbtokens-user-id\">").Append(E(user.Id)).Append("</span>)");
        }

        html.Append(".</p><p>Facebook will redirect you to <code id=\"fbtokens-redirect-uri\">").Append(E(redirect)).Append("</code>.</p>");

        // Relative to this page, so the form posts to the path (and version) it was served from.
        html.Append("<form method=\"post\" id=\"fbtokens-form\" action=\"").Append(E(request.Url.AbsolutePath)).Append("\">");
        Hidden(html, "client_id", app.AppId);
        Hidden(html, "redirect_uri", redirect);
        Hidden(html, "response_type", "code");
        foreach (var name in (string[])["state", "scope", "auth_type"])
        {
            if (request.Get(name) is { } value)
            {
                Hidden(html, name, value);
            }
        }

        if (user is not null)
        {
            Hidden(html, "login_as", user.Id);
        }

        if (asked.Count > 0)
        {
            html.Append("<fieldset id=\"fbtokens-permissions\"><legend>").Append(E(app.Name)).Append(" is asking for:</legend>");
            foreach (var permission in asked)
            {
                // Permission names are checked against [a-z0-9_] before they get here, so the id needs no escaping beyond E().
                html.Append("<label><input type=\"checkbox\" name=\"granted\" id=\"perm-").Append(E(permission)).Append("\" value=\"")
                    .Append(E(permission)).Append("\" checked> ").Append(E(permission)).Append("</label>");
            }

            html.Append("</fieldset>");
        }

        html.Append("<button type=\"submit\" id=\"fbtokens-allow\" name=\"action\" value=\"allow\">Continue</button>");
        html.Append("<button type=\"submit\" id=\"fbtokens-cancel\" name=\"action\" value=\"cancel\">Cancel</button>");
        html.Append("</form></main></body></html>");
        return Page(200, html);
    }

    public static EmulatorResponse Error(int status, string title, string message)
    {
        var html = new StringBuilder();
        Head(html, title);
        html.Append("<main><h1>").Append(E(title)).Append("</h1><p id=\"fbtokens-error\">").Append(E(message)).Append("</p></main></body></html>");
        return Page(status, html);
    }

    private static void Head(StringBuilder html, string title) =>
        html.Append("<!DOCTYPE html><html lang=\"en\"><head><meta charset=\"utf-8\"><title>")
            .Append(E(title)).Append(" (FbTokens emulator)</title><style>").Append(Style).Append("</style></head><body>");

    private static void Hidden(StringBuilder html, string name, string value) =>
        html.Append("<input type=\"hidden\" name=\"").Append(E(name)).Append("\" value=\"").Append(E(value)).Append("\">");

    private static string E(string value) => HtmlEncoder.Default.Encode(value);

    private static EmulatorResponse Page(int status, StringBuilder html)
    {
        var response = new EmulatorResponse { StatusCode = status, ContentType = HtmlContentType, Body = Encoding.UTF8.GetBytes(html.ToString()) };

        // No script at all, no framing; the form may post back here and follow the redirect to the app.
        response.Headers.Add(new("Content-Security-Policy", "default-src 'none'; style-src 'unsafe-inline'; frame-ancestors 'none'"));
        response.Headers.Add(new("X-Content-Type-Options", "nosniff"));
        response.Headers.Add(new("Cache-Control", "no-store"));
        return response;
    }
}
