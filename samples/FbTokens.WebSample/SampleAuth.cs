using Microsoft.AspNetCore.Authentication;

namespace FbTokens.WebSample;

/// <summary>The sample's sign-in names and paths.</summary>
public sealed class SampleAuth
{
    /// <summary>The OAuth handler's scheme (login style 1, the auth-handler bridge).</summary>
    public const string OAuthScheme = "Facebook";

    /// <summary>Where Facebook sends the person back to the OAuth handler.</summary>
    public const string OAuthCallbackPath = "/signin-oauth";

    /// <summary>Where the endpoint helpers start the login (login style 2).</summary>
    public const string EndpointLoginPath = "/login/facebook";

    /// <summary>The deauthorize callback (the app's "Deauthorize callback URL").</summary>
    public const string DeauthorizePath = "/facebook/deauthorize";

    /// <summary>The data-deletion callback (the app's "Data deletion request URL").</summary>
    public const string DataDeletionPath = "/facebook/data-deletion";

    /// <summary>The data-deletion status page, linked from the callback's answer.</summary>
    public const string DataDeletionStatusPath = "/facebook/data-deletion/status";

    /// <summary>The claim that says which login style signed the person in.</summary>
    public const string StyleClaim = "sample:login_style";

    private SampleAuth()
    {
    }

    /// <summary>Logs the sign-in and forgets an earlier re-login notice: the person has just logged in again.</summary>
    public static void SignedIn(HttpContext context, string userId, string style)
    {
        ArgumentNullException.ThrowIfNull(context);
        context.RequestServices.GetRequiredService<ReloginNotices>().Clear(userId);
        SampleLog.SignedIn(context.RequestServices.GetRequiredService<ILogger<SampleAuth>>(), userId, style);
    }

    /// <summary>What to tell the person when the OAuth handler's sign-in failed (Facebook's error, never a token).</summary>
    public static string DescribeRemoteFailure(RemoteFailureContext context)
    {
        ArgumentNullException.ThrowIfNull(context);
        var error = context.Request.Query["error"].ToString();
        return error.Length > 0 ? $"Facebook said {error} ({context.Request.Query["error_reason"]})" : "the sign-in did not complete";
    }
}
