using System.Net;
using System.Net.Http.Headers;

namespace FbTokens.Internal;

/// <summary>Turns Graph's error envelope into the right exception type.</summary>
internal static class GraphErrorClassifier
{
    /// <summary>
    /// Graph's rate-limit codes: app (4), user (17), page (32), application limit reached (341), hourly (613) and
    /// business use cases (80000–80014).
    /// </summary>
    public static bool IsRateLimitCode(int code) => code is 4 or 17 or 32 or 341 or 613 or (>= 80000 and <= 80014);

    /// <summary>Codes and subcodes that mean the token itself is unusable.</summary>
    public static bool IsAuthError(int code, int? subcode) =>
        code is 190 or 102 || subcode is (>= 458 and <= 467) or 492;

    /// <summary>
    /// Errors Graph documents as temporary, whatever the flag says: 2 (service unavailable), 341 (application limit),
    /// and 1 (unknown) only on a 5xx — Graph also answers a wrong client secret with code 1 and HTTP 400.
    /// </summary>
    public static bool IsTransientCode(int code, HttpStatusCode status) => code is 2 or 341 || (code == 1 && (int)status >= 500);

    /// <summary>
    /// Errors that the person must clear on facebook.com, not by logging into the app: 459 (checkpoint), 464 (unconfirmed
    /// account) and code 368 (temporarily blocked for policy violations). Meta's error-handling page says what the person
    /// must do, not that the token is gone, so the token is kept (docs/token-kinds.md, "Errors by who must act").
    /// </summary>
    public static bool RequiresUserAction(int code, int? subcode) => code == 368 || subcode is 459 or 464;

    /// <summary>The token reasons of <see cref="RequiresUserAction(int, int?)"/>: the person must act on facebook.com; the token is kept.</summary>
    public static bool RequiresUserAction(TokenErrorReason reason) => reason is TokenErrorReason.UserCheckpointed or TokenErrorReason.UnconfirmedUser;

    public static TokenErrorReason ReasonFor(int? subcode) => subcode switch
    {
        458 => TokenErrorReason.AppNotInstalled,
        459 => TokenErrorReason.UserCheckpointed,
        460 => TokenErrorReason.PasswordChanged,
        463 => TokenErrorReason.Expired,
        464 => TokenErrorReason.UnconfirmedUser,
        467 => TokenErrorReason.InvalidAccessToken,
        492 => TokenErrorReason.InvalidSession,
        493 => TokenErrorReason.DataAccessExpired,
        _ => TokenErrorReason.Unknown,
    };

    /// <summary>
    /// The public <see cref="GraphError"/> for Graph's error payload and the response's headers. Every text that came
    /// from the response is masked here, once, so that the exception's message, its <c>ToString()</c>, the logs and the
    /// span tags built from it never hold a secret of the request in any form.
    /// </summary>
    public static GraphError ToGraphError(ErrorPayload payload, SensitiveValues sensitive, HttpResponseHeaders headers) => new(
        payload.Code,
        sensitive.Scrub(payload.Message) ?? "(no message)",
        payload.ErrorSubcode,
        sensitive.Scrub(payload.Type),
        payload.FbTraceId is { } bodyTrace ? sensitive.Scrub(bodyTrace) : GraphTraceId.Of(headers, sensitive),
        payload.IsTransient ?? false,
        sensitive.Scrub(payload.ErrorUserTitle),
        sensitive.Scrub(payload.ErrorUserMsg))
    {
        ErrorData = sensitive.Scrub(payload.ErrorDataText),
        WwwAuthenticate = sensitive.Scrub(Header(headers, "WWW-Authenticate")),
    };

    /// <summary>A response header as sent (values joined by <c>", "</c>), or null when absent.</summary>
    // Stryker disable once Logical,Equality : a header read from the wire has at least one value, and an absent one fails TryGetValues first
    private static string? Header(HttpResponseHeaders headers, string name) =>
        headers.NonValidated.TryGetValues(name, out var values) && values.Count > 0 ? values.ToString() : null;

    public static GraphApiException Create(HttpStatusCode status, GraphError error, HttpResponseHeaders headers, TimeProvider timeProvider)
    {
        if (IsRateLimitCode(error.Code))
        {
            var usage = GraphUsageParser.Parse(headers);
            return new GraphRateLimitException(status, error, RetryAfter(headers, usage, timeProvider), usage);
        }

        if (IsAuthError(error.Code, error.Subcode))
        {
            return new GraphAuthException(status, error);
        }

        return new GraphApiException(status, error);
    }

    /// <summary>
    /// <c>Retry-After</c> when present and well formed, else the longest <c>estimated_time_to_regain_access</c>. Both come
    /// from the network and are range-checked: a <c>Retry-After</c> delta (which may name up to ~68 years) or HTTP-date
    /// past <see cref="GraphUsageParser.LongestWait"/> (a day) is capped at it, a date already passed is zero, and a value
    /// that is neither a whole number of seconds nor an HTTP-date is ignored; the usage estimates are bounded by the parser.
    /// </summary>
    public static TimeSpan? RetryAfter(HttpResponseHeaders headers, GraphUsage? usage, TimeProvider timeProvider)
    {
        if (headers.RetryAfter is { } retryAfter)
        {
            if (retryAfter.Delta is { } delta)
            {
                return Bounded(delta);
            }

            if (retryAfter.Date is { } date)
            {
                return Bounded(date - timeProvider.GetUtcNow());
            }
        }

        TimeSpan? longest = null;
        if (usage is not null)
        {
            foreach (var bucket in usage.BusinessUseCases)
            {
                if (bucket.EstimatedTimeToRegainAccess is { } regain && regain > (longest ?? TimeSpan.Zero))
                {
                    longest = regain;
                }
            }
        }

        return longest;
    }

    /// <summary>A header-derived wait within zero and <see cref="GraphUsageParser.LongestWait"/>.</summary>
    private static TimeSpan Bounded(TimeSpan wait)
    {
        if (wait <= TimeSpan.Zero)
        {
            return TimeSpan.Zero;
        }

        // Stryker disable once Equality : at exactly the longest wait both branches give the same value
        return wait >= GraphUsageParser.LongestWait ? GraphUsageParser.LongestWait : wait;
    }
}
