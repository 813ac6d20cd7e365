using System.Globalization;
using System.Security.Claims;
using System.Text;
using System.Text.Encodings.Web;
using Microsoft.AspNetCore.Http.HttpResults;

namespace FbTokens.WebSample;

/// <summary>The sample's pages: small HTML with stable element ids (the browser tests click them).</summary>
public static class SampleEndpoints
{
    private static readonly HtmlEncoder Html = HtmlEncoder.Default;

    /// <summary>Home: the two login styles, or who is signed in, their token's state and what they can do.</summary>
    public static async Task<ContentHttpResult> HomeAsync(HttpContext context, IGraphTokenManager manager, ReloginNotices notices, SampleGraph graph)
    {
        ArgumentNullException.ThrowIfNull(context);
        ArgumentNullException.ThrowIfNull(manager);
        ArgumentNullException.ThrowIfNull(notices);
        ArgumentNullException.ThrowIfNull(graph);
        var body = new StringBuilder();
        if (context.Request.Query["error"].ToString() is { Length: > 0 } error)
        {
            body.Append(CultureInfo.InvariantCulture, $"<p id=\"login-error\">Login failed: {Html.Encode(error)}</p>");
        }

        if (UserId(context.User) is not { } userId)
        {
            body.Append("<p>Not signed in.</p><ul>")
                .Append(CultureInfo.InvariantCulture, $"<li><a id=\"login-endpoints\" href=\"{SampleAuth.EndpointLoginPath}\">Log in with Facebook (endpoint helpers, MapFacebookLogin)</a></li>")
                .Append("<li><a id=\"login-oauth\" href=\"/login/oauth\">Log in with Facebook (ASP.NET Core OAuth handler + SaveFbTokens)</a></li></ul>");
            return Page("FbTokens web sample", body.ToString());
        }

        var style = context.User.FindFirst(SampleAuth.StyleClaim)?.Value ?? "?";
        body.Append(CultureInfo.InvariantCulture, $"<p>Signed in as <span id=\"signed-in-user\">{Html.Encode(userId)}</span> through <span id=\"login-style\">{Html.Encode(style)}</span>.</p>");
        var status = await manager.GetStatusAsync(TokenKey.ForUser(userId), context.RequestAborted);
        if (status is null)
        {
            body.Append("<p id=\"user-token-status\">No stored token: the person's data was deleted, or the store was emptied.</p>");
        }
        else
        {
            body.Append(CultureInfo.InvariantCulture, $"<p>User token: <span id=\"user-token-status\">{status.Status}</span>, renewed by {status.RenewedBy}, expires {Format(status.ExpiresAt)}.</p>");
            if (status.MissingPermissions.Count > 0)
            {
                body.Append(CultureInfo.InvariantCulture, $"<p id=\"missing-permissions\">Missing permission(s): {Html.Encode(string.Join(", ", status.MissingPermissions))}. ")
                    .Append(CultureInfo.InvariantCulture, $"<a id=\"rerequest\" href=\"{SampleAuth.EndpointLoginPath}?rerequest=true\">Ask for them again</a></p>");
            }
        }

        // The accessor reads the user id from the principal and returns the stored token, renewed if due, or why not.
        var current = await context.GetFacebookUserTokenAsync(context.RequestAborted);
        var shown = current.Succeeded ? FbTokensMasking.MaskToken(current.Token!.Value) : $"{current.Status} {current.Reason}";
        body.Append(CultureInfo.InvariantCulture, $"<p>Your user token: <span id=\"user-token\">{Html.Encode(shown)}</span></p>");

        if (notices.For(userId) is { } reason)
        {
            body.Append(CultureInfo.InvariantCulture, $"<p id=\"relogin-notice\">Re-login needed ({Html.Encode(reason)}): <a href=\"{SampleAuth.EndpointLoginPath}\">log in again</a>.</p>");
        }

        body.Append("<p><a id=\"pages-link\" href=\"/pages\">Your pages and their tokens</a></p>");
        if (graph.Emulator is not null)
        {
            body.Append("<p>Offline demo: make the emulated Facebook send its callbacks.</p>")
                .Append("<form method=\"post\" action=\"/emulator/remove-app\"><button id=\"remove-app\" type=\"submit\">Remove the app from my Facebook account</button></form>")
                .Append("<form method=\"post\" action=\"/emulator/delete-data\"><button id=\"delete-data\" type=\"submit\">Ask Facebook to delete my data</button></form>");
        }

        body.Append("<form method=\"post\" action=\"/logout\"><button id=\"logout\" type=\"submit\">Log out</button></form>");
        return Page("FbTokens web sample", body.ToString());
    }

    /// <summary>The signed-in person's pages, each with its token masked.</summary>
    public static async Task<ContentHttpResult> PagesAsync(HttpContext context, ITokenStore store)
    {
        ArgumentNullException.ThrowIfNull(context);
        ArgumentNullException.ThrowIfNull(store);
        var userId = UserId(context.User)!;
        var rows = new StringBuilder();
        var count = 0;
        // One person's tokens through the store's owner index: no scan of the whole store.
        await foreach (var token in store.ListForUserAsync(userId, appId: null, context.RequestAborted))
        {
            if (token.Key.Kind != TokenKind.Page)
            {
                continue;
            }

            count++;
            var id = Html.Encode(token.Key.SubjectId);
            rows.Append(CultureInfo.InvariantCulture, $"<tr id=\"page-{id}\"><td>{id}</td><td class=\"token\">{Html.Encode(FbTokensMasking.MaskToken(token.Value))}</td><td class=\"status\">{token.Status}</td><td>{Html.Encode(token.InvalidReason?.ToString() ?? "")}</td></tr>");
        }

        var body = count == 0
            ? "<p id=\"no-pages\">No page tokens stored for you.</p>"
            : $"<table id=\"pages\"><tr><th>Page</th><th>Token (masked)</th><th>Status</th><th>Reason</th></tr>{rows}</table>";
        return Page("Your pages", $"<p id=\"page-count\">{count}</p>{body}<p><a href=\"/\">Home</a></p>");
    }

    /// <summary>Offline demo: the emulated Facebook removes the app for the signed-in person and calls the deauthorize callback.</summary>
    public static async Task<IResult> RemoveAppAsync(HttpContext context, SampleGraph graph)
    {
        ArgumentNullException.ThrowIfNull(context);
        ArgumentNullException.ThrowIfNull(graph);
        if (graph.Emulator is null)
        {
            return TypedResults.NotFound();
        }

        await graph.Emulator.RemoveAppAsync(UserId(context.User)!, cancellationToken: context.RequestAborted);
        return TypedResults.Redirect("/");
    }

    /// <summary>Offline demo: the emulated Facebook asks the app to delete the signed-in person's data, and the sample shows the status page it answered with.</summary>
    public static async Task<IResult> RequestDataDeletionAsync(HttpContext context, SampleGraph graph)
    {
        ArgumentNullException.ThrowIfNull(context);
        ArgumentNullException.ThrowIfNull(graph);
        if (graph.Emulator is null)
        {
            return TypedResults.NotFound();
        }

        var answer = await graph.Emulator.RequestDataDeletionAsync(UserId(context.User)!, cancellationToken: context.RequestAborted);
        return TypedResults.Redirect(answer.Url.PathAndQuery);
    }

    /// <summary>The Facebook user id of the signed-in person, or null.</summary>
    public static string? UserId(ClaimsPrincipal user) =>
        user?.Identity?.IsAuthenticated == true ? user.FindFirst(ClaimTypes.NameIdentifier)?.Value : null;

    private static string Format(DateTimeOffset? at) => at is { } value ? value.ToString("u", CultureInfo.InvariantCulture) : "never";

    private static ContentHttpResult Page(string title, string body) =>
        TypedResults.Content($"<!DOCTYPE html><html><head><meta charset=\"utf-8\"><title>{Html.Encode(title)}</title></head><body><h1>{Html.Encode(title)}</h1>{body}</body></html>", "text/html; charset=utf-8");
}
