using System.Globalization;
using System.Net;
using System.Security.Cryptography;
using System.Text.Json;
using System.Text.Json.Serialization;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace FbTokens.Internal;

/// <summary>The deauthorize and data-deletion callbacks: a verified <c>signed_request</c> or 400, nothing changed.</summary>
internal static class FacebookCallbackEndpoints
{
    public const string Deauthorize = "deauthorize";
    public const string DataDeletion = "data-deletion";

    /// <summary>A form holding one signed request is far smaller; anything larger is refused before it is read.</summary>
    public const long MaxBodyBytes = 64 * 1024;

    public static async Task DeauthorizeAsync(HttpContext context)
    {
        var logger = Logger(context);
        var request = await ReadSignedRequestAsync(context, Deauthorize, logger).ConfigureAwait(false);
        if (request is null)
        {
            return;
        }

        var userId = request.UserId!;
        IReadOnlyList<TokenKey> invalidated;
        try
        {
            invalidated = await Manager(context).InvalidateUserAsync(userId, TokenErrorReason.AppNotInstalled, cancellationToken: context.RequestAborted).ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is not OperationCanceledException || !context.RequestAborted.IsCancellationRequested)
        {
            AspNetCoreLog.CallbackFailed(logger, Deauthorize, userId, ex.GetType().Name, ex);
            context.Response.StatusCode = StatusCodes.Status503ServiceUnavailable;
            return;
        }

        AspNetCoreLog.UserDeauthorized(logger, userId, invalidated.Count);
        context.Response.StatusCode = StatusCodes.Status200OK;
    }

    public static async Task DataDeletionAsync(HttpContext context, IFacebookDataDeletionStore store, string statusPath)
    {
        var logger = Logger(context);
        var request = await ReadSignedRequestAsync(context, DataDeletion, logger).ConfigureAwait(false);
        if (request is null)
        {
            return;
        }

        var userId = request.UserId!;
        var confirmationCode = NewConfirmationCode();
        try
        {
            var removed = await Manager(context).RemoveUserTokensAsync(userId, cancellationToken: context.RequestAborted).ConfigureAwait(false);
            var now = (context.RequestServices.GetService<TimeProvider>() ?? TimeProvider.System).GetUtcNow();
            await store.SaveAsync(new FacebookDataDeletionRecord(confirmationCode, userId, now, removed.Count), context.RequestAborted).ConfigureAwait(false);
            AspNetCoreLog.UserDataDeleted(logger, userId, removed.Count);
        }
        catch (Exception ex) when (ex is not OperationCanceledException || !context.RequestAborted.IsCancellationRequested)
        {
            AspNetCoreLog.CallbackFailed(logger, DataDeletion, userId, ex.GetType().Name, ex);
            context.Response.StatusCode = StatusCodes.Status503ServiceUnavailable;
            return;
        }

        var url = string.Concat(
            context.Request.Scheme, "://", context.Request.Host.ToUriComponent(), context.Request.PathBase.ToUriComponent(),
            statusPath, "?code=", confirmationCode);
        context.Response.StatusCode = StatusCodes.Status200OK;
        context.Response.ContentType = "application/json; charset=utf-8";
        await JsonSerializer.SerializeAsync(context.Response.Body, new DataDeletionAnswer(url, confirmationCode), CallbackJsonContext.Default.DataDeletionAnswer, context.RequestAborted).ConfigureAwait(false);
    }

    public static async Task StatusAsync(HttpContext context, IFacebookDataDeletionStore store)
    {
        var code = context.Request.Query["code"].ToString();
        var record = code.Length is > 0 and <= 64 ? await store.FindAsync(code, context.RequestAborted).ConfigureAwait(false) : null;
        context.Response.ContentType = "text/html; charset=utf-8";
        context.Response.Headers.CacheControl = "no-store";
        string body;
        if (record is null)
        {
            context.Response.StatusCode = StatusCodes.Status404NotFound;
            body = "<!DOCTYPE html><html><head><meta charset=\"utf-8\"><title>Data deletion request</title></head><body>"
                + "<h1>Data deletion request</h1><p>No deletion request has this confirmation code.</p></body></html>";
        }
        else
        {
            body = string.Create(CultureInfo.InvariantCulture, $"""
                <!DOCTYPE html><html><head><meta charset="utf-8"><title>Data deletion request</title></head><body>
                <h1>Data deletion request</h1>
                <p>Confirmation code: <code>{WebUtility.HtmlEncode(record.ConfirmationCode)}</code></p>
                <p>Status: <strong>completed</strong> on {record.RequestedAt.UtcDateTime:yyyy-MM-dd HH:mm} UTC. The Facebook access tokens this app kept for you were deleted.</p>
                </body></html>
                """);
        }

        await context.Response.WriteAsync(body, context.RequestAborted).ConfigureAwait(false);
    }

    /// <summary>Reads and verifies the form's <c>signed_request</c>; on any problem answers 400 and returns null.</summary>
    private static async Task<FacebookSignedRequest?> ReadSignedRequestAsync(HttpContext context, string callback, ILogger logger)
    {
        string? reason = null;
        string? signed = null;
        if (!context.Request.HasFormContentType)
        {
            reason = "not a form";
        }
        else if (context.Request.ContentLength is > MaxBodyBytes)
        {
            reason = "body too large";
        }
        else
        {
            try
            {
                var form = await context.Request.ReadFormAsync(context.RequestAborted).ConfigureAwait(false);
                signed = form["signed_request"].ToString();
                if (signed.Length == 0)
                {
                    reason = "no signed_request";
                }
            }
            catch (Exception ex) when (ex is InvalidDataException or BadHttpRequestException or IOException)
            {
                reason = "unreadable form";
            }
        }

        FacebookSignedRequest? request = null;
        if (reason is null)
        {
            var options = context.RequestServices.GetRequiredService<IOptions<FbTokensOptions>>().Value;
            var secret = options.AppSecret;
            if (string.IsNullOrEmpty(secret))
            {
                throw new InvalidOperationException("The Facebook callbacks verify signed requests with the app secret: set FbTokens:AppSecret.");
            }

            try
            {
                var time = context.RequestServices.GetService<TimeProvider>() ?? TimeProvider.System;
                request = FacebookSignedRequest.Parse(signed, secret, time, FacebookSignedRequest.DefaultMaxAge);
                if (string.IsNullOrEmpty(request.UserId) || request.UserId.Length > TokenKey.MaxIdLength)
                {
                    reason = "no user_id";
                    request = null;
                }
            }
            catch (FacebookSignedRequestException ex)
            {
                reason = ex.Reason.ToString();
            }
        }

        if (request is null)
        {
            AspNetCoreLog.SignedRequestRejected(logger, callback, reason ?? "invalid");
            context.Response.StatusCode = StatusCodes.Status400BadRequest;
        }

        return request;
    }

    private static string NewConfirmationCode()
    {
        Span<byte> bytes = stackalloc byte[16];
        RandomNumberGenerator.Fill(bytes);
        return Convert.ToHexString(bytes).ToLowerInvariant();
    }

    private static IGraphTokenManager Manager(HttpContext context) =>
        context.RequestServices.GetService<IGraphTokenManager>()
            ?? throw new InvalidOperationException("The Facebook callbacks need the token manager: call AddFbTokens(...).AddTokenManager().");

    private static ILogger Logger(HttpContext context) =>
        context.RequestServices.GetRequiredService<ILoggerFactory>().CreateLogger(AspNetCoreLog.Category);
}

/// <summary>The answer Meta requires from a data-deletion callback.</summary>
internal sealed record DataDeletionAnswer(
    [property: JsonPropertyName("url")] string Url,
    [property: JsonPropertyName("confirmation_code")] string ConfirmationCode);

/// <summary>Source-generated JSON for the callbacks' answers.</summary>
[JsonSerializable(typeof(DataDeletionAnswer))]
internal sealed partial class CallbackJsonContext : JsonSerializerContext;
