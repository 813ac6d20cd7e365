using System.Net;

namespace FbTokens.Testing.Internal;

/// <summary>
/// The admin routes the Kestrel host serves under <c>/_emulator/</c> when
/// <see cref="GraphTokenEmulatorOptions.EnableAdminRoutes"/> is on, for an app in another process (<c>fbtokens emulator</c>):
/// <list type="bullet">
/// <item><c>POST /_emulator/codes</c> (<c>redirect_uri</c>, optional <c>user_id</c>, <c>app_id</c>): mints a login code.</item>
/// <item><c>POST /_emulator/apps/{app}/users/{user}/remove</c>: the person removes the app (deauthorize callback).</item>
/// <item><c>POST /_emulator/apps/{app}/users/{user}/data-deletion</c>: the person asks for data deletion.</item>
/// </list>
/// Only loopback callers are answered. The in-memory handler never routes here: only <see cref="KestrelGraphHost"/> calls it.
/// </summary>
internal static class AdminRoutes
{
    public const string Prefix = "/_emulator/";

    public static async Task<EmulatorResponse> HandleAsync(EmulatorEngine engine, EmulatorRequest request, IPAddress? remote, CancellationToken cancellationToken)
    {
        if (remote is null || !IPAddress.IsLoopback(remote))
        {
            return Error(403, "The emulator's admin routes answer loopback callers only.");
        }

        if (request.Method != "POST")
        {
            return Error(405, "The emulator's admin routes take POST.");
        }

        var segments = request.Url.AbsolutePath[Prefix.Length..].Split('/', StringSplitOptions.RemoveEmptyEntries).Select(Uri.UnescapeDataString).ToArray();
        try
        {
            return segments switch
            {
                ["codes"] => MintCode(engine, request),
                ["apps", var app, "users", var user, "remove"] => await RemoveAsync(engine, app, user, cancellationToken).ConfigureAwait(false),
                ["apps", var app, "users", var user, "data-deletion"] => await DataDeletionAsync(engine, app, user, cancellationToken).ConfigureAwait(false),
                _ => Error(404, "Unknown admin route; see docs/emulator.md."),
            };
        }
        catch (ArgumentException e)
        {
            return Error(400, e.Message);
        }
        catch (InvalidOperationException e)
        {
            return Error(502, e.Message);
        }
        catch (HttpRequestException)
        {
            return Error(502, "The app's callback could not be reached.");
        }
    }

    private static EmulatorResponse MintCode(EmulatorEngine engine, EmulatorRequest request)
    {
        if (request.Get("redirect_uri") is not { Length: > 0 } redirectText || !Uri.TryCreate(redirectText, UriKind.Absolute, out var redirect))
        {
            return Error(400, "redirect_uri (absolute) is required.");
        }

        var appId = request.Get("app_id") is { Length: > 0 } a ? a : engine.Store.DefaultApp.AppId;
        string userId;
        lock (engine.Store.Sync)
        {
            if (engine.Store.FindApp(appId) is not { } app)
            {
                return Error(400, "The emulator has no app " + appId + ".");
            }

            if (request.Get("user_id") is { Length: > 0 } u)
            {
                if (engine.Store.FindUser(u) is not { IsSystemUser: false } user || user.AppId != appId)
                {
                    return Error(400, "The emulator has no test user " + u + " of app " + appId + ".");
                }

                userId = u;
            }
            else if (app.LastUserId is { } last)
            {
                userId = last;
            }
            else
            {
                return Error(400, "The app has no test user; pass user_id.");
            }
        }

        var code = engine.Store.CreateAuthorizationCode(userId, redirect);
        return EmulatorResponse.Json(200, w =>
        {
            w.WriteStartObject();
            w.WriteString("code", code);
            w.WriteString("user_id", userId);
            w.WriteString("app_id", appId);
            w.WriteString("redirect_uri", redirect.AbsoluteUri);
            w.WriteNumber("expires_in", (long)engine.Options.CodeLifetime.TotalSeconds);
            w.WriteEndObject();
        });
    }

    private static async Task<EmulatorResponse> RemoveAsync(EmulatorEngine engine, string appId, string userId, CancellationToken cancellationToken)
    {
        var (invalidated, status) = await engine.Callbacks.RemoveAppAsync(userId, appId, cancellationToken).ConfigureAwait(false);
        return EmulatorResponse.Json(200, w =>
        {
            w.WriteStartObject();
            w.WriteNumber("invalidated_tokens", invalidated);
            if (status is { } s)
            {
                w.WriteNumber("deauthorize_status", (int)s);
            }
            else
            {
                w.WriteNull("deauthorize_status");
            }

            w.WriteEndObject();
        });
    }

    private static async Task<EmulatorResponse> DataDeletionAsync(EmulatorEngine engine, string appId, string userId, CancellationToken cancellationToken)
    {
        var answer = await engine.Callbacks.RequestDataDeletionAsync(userId, appId, cancellationToken).ConfigureAwait(false);
        return EmulatorResponse.Json(200, w =>
        {
            w.WriteStartObject();
            w.WriteString("url", answer.Url.AbsoluteUri);
            w.WriteString("confirmation_code", answer.ConfirmationCode);
            w.WriteEndObject();
        });
    }

    private static EmulatorResponse Error(int status, string message) => EmulatorResponse.Json(status, w =>
    {
        w.WriteStartObject();
        w.WriteString("error", message);
        w.WriteEndObject();
    });
}
