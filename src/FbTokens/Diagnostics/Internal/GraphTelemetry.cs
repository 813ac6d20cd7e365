using System.Diagnostics;
using System.Diagnostics.Metrics;

namespace FbTokens.Internal;

/// <summary>
/// FbTokens' spans and instruments. Tags carry the operation, endpoint path, status and Graph's code, subcode
/// and <c>fbtrace_id</c> — never a URL query, token, code, secret or proof.
/// </summary>
internal static class GraphTelemetry
{
    private static readonly string? Version = typeof(GraphTelemetry).Assembly.GetName().Version?.ToString();

    public static readonly ActivitySource Source = new(FbTokensTelemetry.ActivitySourceName, Version);

    public static readonly Meter Meter = new(FbTokensTelemetry.MeterName, Version);

    /// <summary>Operations, by outcome (<c>success</c>, <c>graph_error</c>, <c>protocol_error</c>, <c>network_error</c>, <c>timeout</c>, <c>canceled</c>).</summary>
    public static readonly Counter<long> Operations = Meter.CreateCounter<long>("fbtokens.operations", "{operation}", "Graph token operations, by operation and outcome.");

    /// <summary>HTTP attempts sent to Graph, retries included.</summary>
    public static readonly Counter<long> Requests = Meter.CreateCounter<long>("fbtokens.requests", "{request}", "HTTP requests sent to Graph, retries included.");

    /// <summary>Graph errors, by code.</summary>
    public static readonly Counter<long> Errors = Meter.CreateCounter<long>("fbtokens.errors", "{error}", "Graph errors, by operation and Graph error code.");

    /// <summary>Retries scheduled by the pipeline.</summary>
    public static readonly Counter<long> Retries = Meter.CreateCounter<long>("fbtokens.retries", "{retry}", "Retries scheduled after a transient failure or rate limit.");

    /// <summary>Rate-limit events: Graph's throttling errors and local throttling on high usage.</summary>
    public static readonly Counter<long> RateLimits = Meter.CreateCounter<long>("fbtokens.rate_limits", "{event}", "Rate-limit errors from Graph and local throttling on high usage.");

    /// <summary>Duration of whole operations, retries included.</summary>
    public static readonly Histogram<double> Duration = Meter.CreateHistogram<double>("fbtokens.operation.duration", "s", "Duration of Graph token operations, retries included.");

    /// <summary>Server-side renewals the manager tried, by token kind and outcome (<c>extended</c>: the stored expiry moved;
    /// <c>not_extended</c>: Graph returned no later expiry, so only the person can renew the token).</summary>
    public static readonly Counter<long> Renewals = Meter.CreateCounter<long>("fbtokens.token.renewals", "{renewal}", "Server-side token renewals, by kind and whether the expiry moved.");

    /// <summary>Tokens the validation sweep handled, by outcome (<c>checked</c>: Graph answered for it; <c>invalid</c>:
    /// found invalid and marked; <c>refreshed</c>: renewed on the way; <c>failed</c>: no answer for it this time).</summary>
    public static readonly Counter<long> SweptTokens = Meter.CreateCounter<long>("fbtokens.sweep.tokens", "{token}", "Tokens the validation sweep handled, by outcome.");

    /// <summary>How long each validation sweep took.</summary>
    public static readonly Histogram<double> SweepDuration = Meter.CreateHistogram<double>("fbtokens.sweep.duration", "s", "Duration of validation sweeps.");

    /// <summary>Tokens due when a sweep round starts (from the store's schedule, <see cref="ITokenSweepSchedule.GetBacklogAsync"/>).</summary>
    public static readonly Gauge<long> SweepDue = Meter.CreateGauge<long>("fbtokens.sweep.due", "{token}", "Tokens due for the validation sweep when a round starts.");

    /// <summary>How far behind its schedule the sweep is when a round starts: now minus the oldest due next-check.</summary>
    public static readonly Gauge<double> SweepLag = Meter.CreateGauge<double>("fbtokens.sweep.lag", "s", "Seconds since the oldest due token was due, when a sweep round starts.");

    /// <summary>Pauses the sweep took because Graph reported high usage.</summary>
    public static readonly Counter<long> SweepPauses = Meter.CreateCounter<long>("fbtokens.sweep.pauses", "{pause}", "Pauses of the validation sweep on high Graph usage.");

    public const string TokenKindTag = "fbtokens.token.kind";
    public const string OperationTag = "fbtokens.operation";
    public const string OutcomeTag = "fbtokens.outcome";
    public const string AttemptTag = "fbtokens.attempt";
    public const string EndpointTag = "url.path";
    public const string StatusTag = "http.response.status_code";
    public const string MethodTag = "http.request.method";
    public const string CodeTag = "graph.error.code";
    public const string SubcodeTag = "graph.error.subcode";
    public const string TraceIdTag = "graph.fbtrace_id";
    public const string ErrorTypeTag = "error.type";
    public const string ReasonTag = "fbtokens.reason";

    /// <summary>Responses in which Graph named another API version than the configured one (it upgraded a deprecated version).</summary>
    public static readonly Counter<long> ApiVersionUpgrades = Meter.CreateCounter<long>("fbtokens.api_version.upgraded", "{response}", "Graph responses answered with another API version than the configured one.");

    /// <summary>The configured Graph API version (<see cref="FbTokensOptions.GraphApiVersion"/>).</summary>
    public const string RequestedApiVersionTag = "fbtokens.api_version.requested";

    /// <summary>The version Graph named in its <c>facebook-api-version</c> header, checked to look like <c>vNN.N</c>.</summary>
    public const string AnsweredApiVersionTag = "fbtokens.api_version.answered";
}
