using Microsoft.Extensions.Logging;

namespace FbTokens.Internal;

/// <summary>
/// Maps Graph's payloads to the public records. Total: an entry it cannot use is skipped and logged, a value it cannot
/// represent is normalised and logged, as documented on each record; nothing here throws.
/// </summary>
internal static class PayloadMapper
{
    /// <summary>
    /// The page, or null (logged at Warning) when the entry cannot be used: a <c>null</c> entry, or one without an
    /// <c>id</c> or <c>name</c>. A page without a usable token is kept, with an empty <see cref="PageTokenResponse.AccessToken"/>.
    /// </summary>
    public static PageTokenResponse? ToResponse(PagePayload? entry, SensitiveValues sensitive, ILogger logger, string operation)
    {
        if (entry is null)
        {
            Log.PageSkipped(logger, operation, "a null entry", null);
            return null;
        }

        if (string.IsNullOrEmpty(entry.Id) || string.IsNullOrEmpty(entry.Name))
        {
            // The id is network text: masked like any, in case it echoes a secret of the request.
            var safeId = string.IsNullOrEmpty(entry.Id) ? null : sensitive.Scrub(entry.Id);
            Log.PageSkipped(logger, operation, string.IsNullOrEmpty(entry.Id) ? "no id" : "no name", safeId);
            return null;
        }

        var token = entry.AccessToken;
        if (token is null)
        {
            if (logger.IsEnabled(LogLevel.Debug))
            {
                var safeId = sensitive.Scrub(entry.Id)!;
                Log.PageWithoutToken(logger, operation, safeId);
            }

            token = string.Empty;
        }
        else if (!WireRanges.IsUsableCredential(token))
        {
            var safeId = sensitive.Scrub(entry.Id)!;
            Log.PageTokenUnusable(logger, operation, safeId, token.Length);
            token = string.Empty;
        }

        return new PageTokenResponse(entry.Id, entry.Name, token, entry.Category, ToCategories(entry.CategoryList), WithoutNulls(entry.Tasks));
    }

    // A category without an id or a name cannot be shown or matched: skipped, like a null one.
    private static List<PageCategory> ToCategories(List<CategoryPayload?>? categories)
    {
        // Stryker disable once Equality : an empty list gives an empty result on either path
        if (categories is not { Count: > 0 })
        {
            return [];
        }

        var result = new List<PageCategory>(categories.Count);
        foreach (var c in categories)
        {
            if (c is { Id: { Length: > 0 } id, Name: { } name })
            {
                result.Add(new PageCategory(id, name));
            }
        }

        return result;
    }

    /// <summary>The strings of a wire array without its <c>null</c> entries.</summary>
    public static IReadOnlyList<string> WithoutNulls(List<string?>? values)
    {
        // Stryker disable once Equality : an empty list gives an empty result on either path
        if (values is not { Count: > 0 })
        {
            return [];
        }

        if (!values.Contains(null))
        {
            return values!;
        }

        var result = new List<string>(values.Count);
        foreach (var value in values)
        {
            if (value is not null)
            {
                result.Add(value);
            }
        }

        return result;
    }

    public static LongLivedTokenResponse ToLongLived(TokenPayload payload, TimeSpan? expiresIn, DateTimeOffset? expiresAt) =>
        new(payload.AccessToken, payload.TokenType ?? "bearer", expiresIn, expiresAt, payload.MachineId);

    /// <summary>
    /// The lifetime of a token from an operation that spent a single-use code: a usable <c>expires_in</c> as is; an odd
    /// one (zero, negative, past <see cref="WireRanges.MaxExpiresInSeconds"/>, a fraction, not a number) is logged at
    /// Warning with the operation and the offending value, and becomes "unknown expiry" (both null).
    /// </summary>
    public static (TimeSpan? ExpiresIn, DateTimeOffset? ExpiresAt) SpentCodeExpiry(WireInteger expiresIn, DateTimeOffset now, ILogger logger, string operation)
    {
        if (expiresIn.IsAbsent)
        {
            return (null, null);
        }

        if (expiresIn.Value is { } seconds && WireRanges.IsLifetime(seconds) && Expiry(seconds, now) is { } expiry)
        {
            return expiry;
        }

        Log.SpentCodeFieldNormalised(logger, operation, "expires_in", expiresIn.Describe(), "unknown expiry (null)");
        return (null, null);
    }

    /// <summary>The lifetime and the time it ends, or null when that time is past <see cref="DateTimeOffset.MaxValue"/>.</summary>
    public static (TimeSpan? ExpiresIn, DateTimeOffset? ExpiresAt)? Expiry(long seconds, DateTimeOffset now)
    {
        var lifetime = TimeSpan.FromSeconds(seconds);
        return DateTimeOffset.MaxValue - now < lifetime ? null : (lifetime, now + lifetime);
    }

    /// <summary>A string field of a token bought with a single-use code: an odd value is logged and becomes null.</summary>
    public static string? SpentCodeText(WireString value, ILogger logger, string operation, string field, bool credentialLike = false)
    {
        if (value.Odd is { } odd)
        {
            Log.SpentCodeFieldNormalised(logger, operation, field, odd, "absent (null)");
            return null;
        }

        if (credentialLike && value.Value is { } text && !WireRanges.IsUsableCredential(text))
        {
            Log.SpentCodeFieldNormalised(logger, operation, field, $"a string of {text.Length} characters with white space or control characters", "absent (null)");
            return null;
        }

        return value.Value;
    }

    public static DebugTokenResponse ToResponse(DebugTokenPayload data, SensitiveValues sensitive, ILogger logger, string operation) => new(
        data.AppId ?? string.Empty,
        data.Type,
        data.Application,
        data.IsValid,
        Timestamp(data.ExpiresAt, logger, operation, "expires_at"),
        Timestamp(data.DataAccessExpiresAt, logger, operation, "data_access_expires_at"),
        Timestamp(data.IssuedAt, logger, operation, "issued_at"),
        WithoutNulls(data.Scopes),
        ToGranularScopes(data.GranularScopes),
        data.UserId,
        data.ProfileId,
        data.Error is { } error ? new DebugTokenError(error.Code, sensitive.Scrub(error.Message) ?? string.Empty, error.Subcode) : null)
    {
        Metadata = data.Metadata is { } metadata ? new DebugTokenMetadata(metadata.AuthType.Value, metadata.Sso.Value) : null,
    };

    // A granular scope without its permission says nothing: skipped, like a null one.
    private static List<GranularScope> ToGranularScopes(List<GranularScopePayload?>? scopes)
    {
        // Stryker disable once Equality : an empty list gives an empty result on either path
        if (scopes is not { Count: > 0 })
        {
            return [];
        }

        var result = new List<GranularScope>(scopes.Count);
        foreach (var g in scopes)
        {
            if (g is { Scope: { Length: > 0 } scope })
            {
                result.Add(new GranularScope(scope, WithoutNulls(g.TargetIds)));
            }
        }

        return result;
    }

    /// <summary>
    /// Graph's Unix seconds as UTC; 0 (Graph's "never") and absent are null. A time past <see cref="DateTimeOffset.MaxValue"/>
    /// (9999-12-31) is null too, logged at Warning. Negative values never get here (<see cref="UnixSecondsConverter"/>).
    /// </summary>
    public static DateTimeOffset? Timestamp(long? seconds, ILogger logger, string operation, string field)
    {
        if (seconds is not > 0)
        {
            return null;
        }

        if (seconds > WireRanges.MaxUnixSeconds)
        {
            Log.TimestampOutOfRange(logger, operation, field, seconds.Value);
            return null;
        }

        return DateTimeOffset.FromUnixTimeSeconds(seconds.Value);
    }
}
