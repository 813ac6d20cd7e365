using System.Globalization;
using System.Security.Claims;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.DataProtection;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace FbTokens.Internal;

/// <summary>The login start and callback endpoints behind <c>MapFacebookLogin</c>.</summary>
internal sealed class FacebookLoginEndpoints
{
    private readonly FacebookLoginEndpointOptions _options;
    private readonly string[] _scopes;
    private readonly string _callbackPath;
    private readonly LoginStateCookie _cookie;

    public FacebookLoginEndpoints(FacebookLoginEndpointOptions options, string callbackPath)
    {
        _options = options;
        _scopes = [.. options.Scopes];
        _callbackPath = callbackPath;
        _cookie = new LoginStateCookie(options.CookieName, callbackPath);
    }

    public Task StartAsync(HttpContext context)
    {
        var services = context.RequestServices;
        var urls = services.GetService<IFacebookLoginUrlBuilder>()
            ?? throw new InvalidOperationException("MapFacebookLogin needs the login URL builder: call AddFbTokens(...).AddFacebookLogin().");
        var returnUrl = context.Request.Query["returnUrl"].ToString();
        if (!LocalUrl.IsLocal(returnUrl))
        {
            returnUrl = _options.DefaultReturnUrl;
        }

        var rerequest = string.Equals(context.Request.Query["rerequest"], "true", StringComparison.OrdinalIgnoreCase);
        var redirectUri = _options.RedirectUri ?? new Uri(string.Concat(
            context.Request.Scheme, "://", context.Request.Host.ToUriComponent(), context.Request.PathBase.ToUriComponent(), _callbackPath));
        var login = urls.Build(new FacebookLoginRequest(redirectUri)
        {
            Scopes = _scopes,
            ConfigId = _options.ConfigId,
            AuthType = rerequest ? FacebookLoginAuthType.Rerequest : FacebookLoginAuthType.None,
        });
        var lifetime = services.GetService<IOptions<FacebookLoginOptions>>()?.Value.StateLifetime ?? TimeSpan.FromMinutes(10);
        _cookie.Write(context, Protector(services), login.State, returnUrl, lifetime);
        var logger = Logger(services);
        AspNetCoreLog.LoginStarted(logger, _callbackPath);
        context.Response.Headers.CacheControl = "no-store";
        context.Response.Redirect(login.Url.AbsoluteUri);
        return Task.CompletedTask;
    }

    public async Task CallbackAsync(HttpContext context)
    {
        var services = context.RequestServices;
        var logger = Logger(services);
        context.Response.Headers.CacheControl = "no-store";
        var query = context.Request.Query;
        var returnedState = query["state"].ToString();
        FacebookLoginState? kept = null;
        string? returnUrl = null;
        var cookieFound = false;
        if (returnedState.Length is > 0 and <= 512)
        {
            (cookieFound, kept, returnUrl) = _cookie.ReadAndDelete(context, Protector(services), returnedState);
        }

        var error = query["error"].ToString();
        if (error.Length > 0)
        {
            await FailAsync(context, logger, string.Equals(error, "access_denied", StringComparison.Ordinal)
                ? FacebookLoginFailure.AccessDenied
                : FacebookLoginFailure.ProviderError, returnUrl).ConfigureAwait(false);
            return;
        }

        if (cookieFound && kept is null)
        {
            AspNetCoreLog.LoginStateCookieUnreadable(logger);
            await FailAsync(context, logger, FacebookLoginFailure.StateMismatch, null).ConfigureAwait(false);
            return;
        }

        var urls = services.GetService<IFacebookLoginUrlBuilder>()
            ?? throw new InvalidOperationException("MapFacebookLogin needs the login URL builder: call AddFbTokens(...).AddFacebookLogin().");
        Uri redirectUri;
        try
        {
            redirectUri = urls.ValidateCallback(kept, returnedState.Length == 0 ? null : returnedState);
        }
        catch (FacebookLoginStateException ex)
        {
            await FailAsync(context, logger, ex.Reason switch
            {
                FacebookLoginStateFailure.Mismatch => FacebookLoginFailure.StateMismatch,
                FacebookLoginStateFailure.Expired => FacebookLoginFailure.StateExpired,
                FacebookLoginStateFailure.Reused => FacebookLoginFailure.StateReused,
                _ => FacebookLoginFailure.StateMissing,
            }, returnUrl).ConfigureAwait(false);
            return;
        }

        var code = query["code"].ToString();
        if (string.IsNullOrWhiteSpace(code))
        {
            await FailAsync(context, logger, FacebookLoginFailure.CodeMissing, returnUrl).ConfigureAwait(false);
            return;
        }

        // Missing registrations are the host's bug and fail loudly; everything that can go wrong at run time below is a
        // failure outcome.
        var client = services.GetRequiredService<IGraphTokenClient>();
        var manager = services.GetService<IGraphTokenManager>()
            ?? throw new InvalidOperationException("MapFacebookLogin needs the token manager: call AddFbTokens(...).AddTokenManager().");
        StoredToken saved;
        try
        {
            var token = await client.ExchangeCodeAsync(code, redirectUri, context.RequestAborted).ConfigureAwait(false);
            saved = await manager.SaveUserTokenAsync(token.AccessToken, _options.IncludePageTokens, context.RequestAborted).ConfigureAwait(false);
        }
        catch (OperationCanceledException) when (context.RequestAborted.IsCancellationRequested)
        {
            throw;
        }
        catch (Exception ex)
        {
            var failure = ex switch
            {
                ArgumentException => FacebookLoginFailure.CodeRejected,
                ReauthenticationRequiredException => FacebookLoginFailure.CodeRejected,
                GraphAuthException => FacebookLoginFailure.CodeRejected,
                GraphRateLimitException => FacebookLoginFailure.Unavailable,
                GraphApiException { IsTransient: false } => FacebookLoginFailure.CodeRejected,
                _ => FacebookLoginFailure.Unavailable,
            };
            AspNetCoreLog.LoginExchangeFailed(logger, ex.GetType().Name, failure, ex);
            await FailAsync(context, logger, failure, returnUrl).ConfigureAwait(false);
            return;
        }

        var userId = saved.Key.SubjectId;
        returnUrl ??= _options.DefaultReturnUrl;
        if (_options.SignInScheme is { } scheme)
        {
            var claimType = FacebookUserTokenHttpContextExtensions.ClaimTypeOf(context);
            var identity = new ClaimsIdentity([new Claim(claimType, userId)], "Facebook", claimType, ClaimTypes.Role);
            await context.SignInAsync(scheme, new ClaimsPrincipal(identity)).ConfigureAwait(false);
        }

        AspNetCoreLog.LoginSucceeded(logger, userId);
        var result = _options.OnSuccess is { } onSuccess
            ? await onSuccess(new FacebookLoginSuccessContext(context, saved, returnUrl)).ConfigureAwait(false)
            : Results.LocalRedirect(returnUrl);
        await result.ExecuteAsync(context).ConfigureAwait(false);
    }

    private async Task FailAsync(HttpContext context, ILogger logger, FacebookLoginFailure failure, string? returnUrl)
    {
        AspNetCoreLog.LoginFailed(logger, failure);
        IResult result;
        if (_options.OnFailure is { } onFailure)
        {
            result = await onFailure(new FacebookLoginFailureContext(context, failure, returnUrl)).ConfigureAwait(false);
        }
        else if (_options.FailureRedirectPath is { } path)
        {
            result = Results.LocalRedirect(path + (path.Contains('?', StringComparison.Ordinal) ? "&" : "?") + "error=" + failure.ToString());
        }
        else
        {
            result = Results.Text(
                string.Create(CultureInfo.InvariantCulture, $"Facebook Login did not complete: {failure}."),
                "text/plain; charset=utf-8",
                statusCode: StatusCodes.Status400BadRequest);
        }

        await result.ExecuteAsync(context).ConfigureAwait(false);
    }

    private static IDataProtector Protector(IServiceProvider services) =>
        (services.GetService<IDataProtectionProvider>()
            ?? throw new InvalidOperationException("MapFacebookLogin keeps the login state in a Data Protection cookie: call services.AddDataProtection()."))
        .CreateProtector(LoginStateCookie.Purpose);

    private static ILogger Logger(IServiceProvider services) =>
        services.GetRequiredService<ILoggerFactory>().CreateLogger(AspNetCoreLog.Category);
}
