using System.Diagnostics;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace FbTokens.Internal;

/// <summary>
/// Innermost handler of the FbTokens client, inside whatever resilience pipeline runs (FbTokens' own, a host's
/// replacement, or <c>AddStandardResilienceHandler</c> after <c>RemoveAllResilienceHandlers</c>): one span and one
/// request count per HTTP attempt, the usage and version headers of every response recorded for
/// <see cref="IGraphUsageMonitor"/> and proactive throttling, and the body read within the attempt
/// (<see cref="GraphResponseReader.ReadWithinAttemptAsync"/>) so that the attempt's timeout covers it.
/// </summary>
internal sealed class GraphAttemptHandler(GraphUsageTracker tracker, IOptions<FbTokensOptions> options, ILogger<GraphAttemptHandler> logger) : DelegatingHandler
{
    protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
    {
        var graphRequest = GraphRequestOptions.Of(request);
        var operation = graphRequest?.Operation ?? "request";
        var attempt = graphRequest?.StartAttempt() ?? 1;

        // Stryker disable once Conditional : without listeners StartActivity returns null too; the check only saves building the name
        using var activity = GraphTelemetry.Source.HasListeners() ? GraphTelemetry.Source.StartActivity("FbTokens attempt", ActivityKind.Client) : null;
        if (activity is not null)
        {
            activity.SetTag(GraphTelemetry.OperationTag, operation);
            activity.SetTag(GraphTelemetry.AttemptTag, attempt);
            activity.SetTag(GraphTelemetry.MethodTag, request.Method.Method);
            activity.SetTag(GraphTelemetry.EndpointTag, graphRequest?.Endpoint);
            activity.SetTag("server.address", request.RequestUri?.Host);
        }

        GraphTelemetry.Requests.Add(1, new KeyValuePair<string, object?>(GraphTelemetry.OperationTag, operation));
        HttpResponseMessage? response = null;
        try
        {
            response = await base.SendAsync(request, cancellationToken).ConfigureAwait(false);
            activity?.SetTag(GraphTelemetry.StatusTag, (int)response.StatusCode);
            if ((int)response.StatusCode >= 400)
            {
                activity?.SetStatus(ActivityStatusCode.Error);
            }

            var headers = UsageHeaderValues.Read(response.Headers);
            if (GraphUsageParser.Parse(headers) is { } usage)
            {
                tracker.Record(usage);
            }

            if (headers.ApiVersion is not null)
            {
                GraphApiVersionWatch.Observe(headers.ApiVersion, options.Value.GraphApiVersion, tracker, logger);
            }

            if (graphRequest is not null)
            {
                await GraphResponseReader.ReadWithinAttemptAsync(response, graphRequest, cancellationToken).ConfigureAwait(false);
            }

            return response;
        }
        catch (Exception ex)
        {
            // Nobody else holds the response yet: whatever failed after it arrived, it must not leak its connection.
            response?.Dispose();
            activity?.SetTag(GraphTelemetry.ErrorTypeTag, ex.GetType().FullName);
            activity?.SetStatus(ActivityStatusCode.Error, ex.GetType().Name);

            // Everything above sees the exception from here on — Polly's logs and its BrokenCircuitException, a host's
            // handlers — so a transport's text that carries the request (a proxy writing the URI) is masked here.
            if (graphRequest is not null && ex is not (GraphApiException or GraphProtocolException)
                && TransportExceptionScrubber.Sanitize(ex, graphRequest.Sensitive) is var clean && !ReferenceEquals(clean, ex))
            {
                throw clean;
            }

            throw;
        }
    }
}
