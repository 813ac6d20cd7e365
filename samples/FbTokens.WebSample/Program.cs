using System.Net;
using System.Security.Claims;
using FbTokens;
using FbTokens.WebSample;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Authentication.Cookies;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http.HttpResults;

// One `dotnet run`: without FbTokens:AppId and FbTokens:AppSecret the sample starts the Graph emulator on a loopback port
// of its own (Login dialog included) and works offline; with them it talks to that app on facebook.com (README.md).
var builder = WebApplication.CreateBuilder(args);

// ASP.NET Core's request log prints whole URLs, and Facebook's redirect carries the single-use login code in its query:
// keep that category to warnings. Everything FbTokens logs is safe at every level.
builder.Logging.AddFilter("Microsoft.AspNetCore.Hosting.Diagnostics", LogLevel.Warning);

await using var graph = SampleGraph.Create(builder.Configuration);
builder.Services.AddSingleton(graph);
builder.Services.AddSingleton<ReloginNotices>();
builder.Services.AddSingleton<ITokenLifecycleObserver>(sp => sp.GetRequiredService<ReloginNotices>());

// The tokens live in FbTokens' store (in memory here; Redis or EF Core in production), never in the sign-in cookie.
builder.Services.AddFbTokens(o => graph.Configure(o))
    .AddFacebookLogin(o => o.DialogBaseAddress = graph.DialogBaseAddress)
    .AddTokenManager(o => o.RequiredPermissions = [.. SamplePermissions.Required])
    .UseInMemoryTokenStore()
    .AddTokenValidationSweep();

// Offline, or with Facebook played by an emulator on http://127.0.0.1, the app runs on plain http too.
var onHttp = graph.Emulator is not null || builder.Configuration["FbTokens:DialogBaseAddress"]?.StartsWith("http://", StringComparison.Ordinal) == true;
builder.Services.AddAuthentication(CookieAuthenticationDefaults.AuthenticationScheme)
    .AddCookie(o =>
    {
        o.LoginPath = "/";
        o.Cookie.SecurePolicy = onHttp ? CookieSecurePolicy.SameAsRequest : CookieSecurePolicy.Always;
    })
    // Login style 1, the auth-handler bridge: ASP.NET Core's OAuth handler signs the person in; SaveFbTokens() (the
    // package's one-line opt-in, called last) saves their token, exchanged for a long-lived one, and their page tokens.
    // With the Microsoft.AspNetCore.Authentication.Facebook package: .AddFacebook(o => { ...; o.SaveFbTokens(includePageTokens: true); }).
    .AddOAuth(SampleAuth.OAuthScheme, "Facebook (OAuth handler)", o =>
    {
        o.ClientId = graph.AppId;
        o.ClientSecret = graph.AppSecret;
        o.AuthorizationEndpoint = graph.AuthorizationEndpoint.AbsoluteUri;
        o.TokenEndpoint = graph.TokenEndpoint.AbsoluteUri;
        o.CallbackPath = SampleAuth.OAuthCallbackPath;
        o.SignInScheme = CookieAuthenticationDefaults.AuthenticationScheme;
        o.SaveTokens = false;
        foreach (var permission in SamplePermissions.Requested)
        {
            o.Scope.Add(permission);
        }

        if (onHttp)
        {
            // The emulator runs on http://127.0.0.1: the correlation cookie cannot be Secure (nor SameSite=None) there.
            o.CorrelationCookie.SecurePolicy = CookieSecurePolicy.SameAsRequest;
            o.CorrelationCookie.SameSite = SameSiteMode.Lax;
        }

        o.Events.OnCreatingTicket = context =>
        {
            // The host's own event still runs after SaveFbTokens' work: the token is saved and the user id claim is there.
            context.Identity!.AddClaim(new Claim(SampleAuth.StyleClaim, "OAuth handler"));
            SampleAuth.SignedIn(context.HttpContext, context.Identity.FindFirst(ClaimTypes.NameIdentifier)!.Value, "the OAuth handler");
            return Task.CompletedTask;
        };
        o.Events.OnAccessDenied = context =>
        {
            context.Response.Redirect("/?error=access_denied");
            context.HandleResponse();
            return Task.CompletedTask;
        };
        o.Events.OnRemoteFailure = context =>
        {
            SampleLog.LoginFailed(context.HttpContext.RequestServices.GetRequiredService<ILogger<SampleAuth>>(), "the OAuth handler", context.Failure?.GetType().Name ?? "unknown");
            context.Response.Redirect("/?error=" + Uri.EscapeDataString(SampleAuth.DescribeRemoteFailure(context)));
            context.HandleResponse();
            return Task.CompletedTask;
        };
        o.SaveFbTokens(includePageTokens: true);
    });
builder.Services.AddAuthorization();

var app = builder.Build();
var log = app.Services.GetRequiredService<ILogger<SampleGraph>>();
SampleLog.Started(log, graph.GraphBaseAddress, graph.DialogBaseAddress, graph.Emulator is null ? "configured app" : "embedded emulator, offline");

if (graph.Emulator is { } emulator)
{
    // The emulator plays Facebook's part of app removal and data deletion: it POSTs signed requests to these URLs.
    app.Lifetime.ApplicationStarted.Register(() =>
    {
        var address = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()?.Addresses.FirstOrDefault();
        if (address is not null)
        {
            var baseAddress = new Uri(address.Replace("[::]", "127.0.0.1", StringComparison.Ordinal).Replace("0.0.0.0", "127.0.0.1", StringComparison.Ordinal) + "/");
            emulator.DefaultApp.DeauthorizeCallbackUri = new Uri(baseAddress, SampleAuth.DeauthorizePath.TrimStart('/'));
            emulator.DefaultApp.DataDeletionCallbackUri = new Uri(baseAddress, SampleAuth.DataDeletionPath.TrimStart('/'));
            SampleLog.CallbacksRegistered(log, baseAddress);
        }
    });
}

if (graph.Emulator is not null)
{
    // The embedded emulator starts with the first request, never while the app is being built (nothing calls Graph
    // before a person logs in: the store starts empty).
    app.Use(async (context, next) =>
    {
        await graph.EnsureStartedAsync();
        await next(context);
    });
}

app.UseAuthentication();
app.UseAuthorization();

app.MapGet("/", SampleEndpoints.HomeAsync);
app.MapGet("/pages", SampleEndpoints.PagesAsync).RequireAuthorization();

// Login style 2, the endpoint helpers: /login/facebook sends the person to the dialog with a state kept in a Data
// Protection cookie; /login/facebook/callback checks it, exchanges the code once and saves the tokens (page tokens too).
app.MapFacebookLogin(SampleAuth.EndpointLoginPath, o =>
{
    foreach (var permission in SamplePermissions.Requested)
    {
        o.Scopes.Add(permission);
    }

    o.IncludePageTokens = true;
    o.OnSuccess = async context =>
    {
        var userId = context.UserToken.Key.SubjectId;
        var identity = new ClaimsIdentity(
            [new Claim(ClaimTypes.NameIdentifier, userId), new Claim(SampleAuth.StyleClaim, "endpoint helpers")],
            CookieAuthenticationDefaults.AuthenticationScheme);
        await context.HttpContext.SignInAsync(CookieAuthenticationDefaults.AuthenticationScheme, new ClaimsPrincipal(identity));
        SampleAuth.SignedIn(context.HttpContext, userId, "the endpoint helpers");
        return TypedResults.Redirect(context.ReturnUrl);
    };
    o.OnFailure = context =>
    {
        // A declined dialog, a forged or expired state, a rejected code: the person sees why, never a 500 page.
        SampleLog.LoginFailed(context.HttpContext.RequestServices.GetRequiredService<ILogger<SampleAuth>>(), "the endpoint helpers", context.Failure.ToString());
        return Task.FromResult<IResult>(TypedResults.Redirect("/?error=" + Uri.EscapeDataString(context.Failure.ToString())));
    };
});

// Facebook's callbacks: the person removed the app (every stored token of theirs turns invalid, the re-login notice is
// raised), or asked for their data to be deleted (their tokens are removed; Facebook gets the status page's URL).
app.MapFacebookDeauthorizeCallback(SampleAuth.DeauthorizePath);
app.MapFacebookDataDeletionCallback(SampleAuth.DataDeletionPath, SampleAuth.DataDeletionStatusPath);

// Login style 1: the OAuth handler's challenge.
app.MapGet("/login/oauth", () => TypedResults.Challenge(new AuthenticationProperties { RedirectUri = "/" }, [SampleAuth.OAuthScheme]));

app.MapPost("/logout", async (HttpContext context) =>
{
    await context.SignOutAsync(CookieAuthenticationDefaults.AuthenticationScheme);
    return TypedResults.Redirect("/");
});

// Admin: run the validation sweep now (loopback callers only).
app.MapPost("/admin/sweep", async Task<Results<Ok<TokenSweepResult>, StatusCodeHttpResult>> (HttpContext context, ITokenValidationSweep sweep, ILogger<SampleGraph> logger) =>
{
    // A sample's guard: loopback only (in-process test requests have no remote address). A real app puts its admin
    // routes behind an authorization policy.
    if (context.Connection.RemoteIpAddress is { } remote && !IPAddress.IsLoopback(remote))
    {
        return TypedResults.StatusCode(StatusCodes.Status403Forbidden);
    }

    var result = await sweep.SweepNowAsync(context.RequestAborted);
    SampleLog.SweptOnRequest(logger, result.Checked, result.Invalid, result.Refreshed, result.Failed);
    return TypedResults.Ok(result);
});

// Offline only: buttons that make the emulator do what Facebook does when the person removes the app or asks for their data to be deleted.
app.MapPost("/emulator/remove-app", SampleEndpoints.RemoveAppAsync).RequireAuthorization();
app.MapPost("/emulator/delete-data", SampleEndpoints.RequestDataDeletionAsync).RequireAuthorization();

app.Run();

/// <summary>The sample's entry point, public so the tests can start it with <c>WebApplicationFactory&lt;Program&gt;</c>.</summary>
public partial class Program;
