using System.Diagnostics;
using System.Globalization;
using Microsoft.Extensions.Logging;
using Polly.CircuitBreaker;
using Polly.Timeout;

namespace FbTokens.Internal;

/// <summary>
/// The telemetry of one Graph operation, whatever its attempts: its span, its log lines, its count and duration by
/// outcome — and the outcome itself, told from the exception that ended it (<see cref="Failed"/>). The client only
/// sends, reads and returns; this type says what happened.
/// </summary>
internal sealed class GraphOperationScope : IDisposable
{
    private readonly GraphRequest _request;
    private readonly ILogger _logger;
    private readonly TimeProvider _time;
    private readonly Activity? _activity;
    private readonly bool _timed;
    private readonly long _started;
    private string _outcome = "success";
    private int? _status;

    private GraphOperationScope(GraphRequest request, ILogger logger, TimeProvider time)
    {
        _request = request;
        _logger = logger;
        _time = time;

        // No name is built, nor tag set, unless someone listens.
        // Stryker disable once Conditional : without listeners StartActivity returns null too; the check only saves building the name
        _activity = GraphTelemetry.Source.HasListeners() ? GraphTelemetry.Source.StartActivity("FbTokens " + request.Operation, ActivityKind.Internal) : null;
        _activity?.SetTag(GraphTelemetry.OperationTag, request.Operation);
        _activity?.SetTag(GraphTelemetry.EndpointTag, request.Endpoint);
        if (request.Token is { } token && logger.IsEnabled(LogLevel.Trace))
        {
            var fingerprint = SecretMask.Token(token);
            Log.TokenFingerprint(logger, request.Operation, fingerprint);
        }

        // Reading the clock costs as much as a dictionary lookup: only when a duration is recorded or logged.
        _timed = GraphTelemetry.Duration.Enabled || logger.IsEnabled(LogLevel.Warning);
        _started = _timed ? time.GetTimestamp() : 0;
    }

    /// <summary>Starts the operation's span and clock.</summary>
    public static GraphOperationScope Start(GraphRequest request, ILogger logger, TimeProvider time) => new(request, logger, time);

    /// <summary>Records a payload read from a response with <paramref name="status"/>.</summary>
    public void Succeeded(int status)
    {
        _status = status;
        if (_logger.IsEnabled(LogLevel.Debug))
        {
            var elapsed = Elapsed();
            Log.OperationSucceeded(_logger, _request.Operation, _request.Endpoint, status, elapsed, _request.Attempts);
        }
    }

    /// <summary>
    /// Records why the operation ended with <paramref name="exception"/>, and returns what to throw instead: a copy
    /// without the request's secrets when the transport's text held one, else null (rethrow as it is).
    /// </summary>
    public Exception? Failed(Exception exception, CancellationToken cancellationToken)
    {
        switch (exception)
        {
            case GraphApiException graph:
                _outcome = "graph_error";
                _status = (int)graph.StatusCode;
                RecordGraphError(graph);
                return null;

            case GraphProtocolException protocol:
                _outcome = "protocol_error";
                _status = (int?)protocol.StatusCode;
                MarkError(nameof(GraphProtocolException), nameof(GraphProtocolException));
                _activity?.SetTag(GraphTelemetry.TraceIdTag, protocol.FbTraceId);
                Log.ProtocolError(_logger, _request.Operation, _request.Endpoint, _status, Elapsed());
                return null;

            case OperationCanceledException when cancellationToken.IsCancellationRequested:
                _outcome = "canceled";
                return Sanitized(exception);

            case HttpRequestException or TimeoutRejectedException or BrokenCircuitException or OperationCanceledException:
                _outcome = exception switch
                {
                    BrokenCircuitException => "circuit_open",
                    HttpRequestException => "network_error",
                    _ => "timeout",
                };
                _status = (exception as HttpRequestException)?.StatusCode is { } status ? (int)status : null;
                MarkError(exception.GetType().Name, exception.GetType().FullName);
                if (_logger.IsEnabled(LogLevel.Warning))
                {
                    Log.OperationAborted(_logger, _request.Operation, _request.Endpoint, exception.GetType().Name, Elapsed(), _request.Attempts);
                }

                return Sanitized(exception);

            default:
                // Whatever else a transport or a host's handler throws (IOException, SocketException, …): never with a secret.
                _outcome = exception is IOException or System.Net.Sockets.SocketException or System.Security.Authentication.AuthenticationException ? "network_error" : "error";
                MarkError(exception.GetType().Name, exception.GetType().FullName);
                return Sanitized(exception);
        }
    }

    /// <summary>Counts the operation and its duration by outcome, and ends its span.</summary>
    public void Dispose()
    {
        var operationTag = new KeyValuePair<string, object?>(GraphTelemetry.OperationTag, _request.Operation);
        var outcomeTag = new KeyValuePair<string, object?>(GraphTelemetry.OutcomeTag, _outcome);
        GraphTelemetry.Operations.Add(1, operationTag, outcomeTag);
        if (_timed)
        {
            GraphTelemetry.Duration.Record(_time.GetElapsedTime(_started).TotalSeconds, operationTag, outcomeTag);
        }

        if (_activity is not null)
        {
            _activity.SetTag(GraphTelemetry.OutcomeTag, _outcome);
            _activity.SetTag(GraphTelemetry.AttemptTag, _request.Attempts);
            if (_status is { } status)
            {
                _activity.SetTag(GraphTelemetry.StatusTag, status);
            }

            _activity.Dispose();
        }
    }

    private void MarkError(string description, string? errorType)
    {
        _activity?.SetStatus(ActivityStatusCode.Error, description);
        _activity?.SetTag(GraphTelemetry.ErrorTypeTag, errorType);
    }

    /// <summary>A clean replacement for a transport exception whose text holds a secret of the request; null when it holds none.</summary>
    private Exception? Sanitized(Exception exception)
    {
        var clean = TransportExceptionScrubber.Sanitize(exception, _request.Sensitive);
        return ReferenceEquals(clean, exception) ? null : clean;
    }

    private void RecordGraphError(GraphApiException ex)
    {
        // Masked when the error was built from the response; masked again here, as a tag and a log are no place to trust that.
        var traceId = _request.Sensitive.Scrub(ex.FbTraceId);
        var operationTag = new KeyValuePair<string, object?>(GraphTelemetry.OperationTag, _request.Operation);
        GraphTelemetry.Errors.Add(1, operationTag, new KeyValuePair<string, object?>(GraphTelemetry.CodeTag, ex.Code));
        if (_activity is not null)
        {
            MarkError(ex.GetType().Name, ex.GetType().FullName);
            _activity.SetTag(GraphTelemetry.CodeTag, ex.Code);
            _activity.SetTag(GraphTelemetry.SubcodeTag, ex.Subcode);
            _activity.SetTag(GraphTelemetry.TraceIdTag, traceId);
            if (ex is GraphAuthException auth)
            {
                _activity.SetTag(GraphTelemetry.ReasonTag, auth.Reason.ToString());
            }
        }

        if (ex is GraphRateLimitException limited)
        {
            GraphTelemetry.RateLimits.Add(1, operationTag, new KeyValuePair<string, object?>(GraphTelemetry.OutcomeTag, "graph_rate_limit"));
            if (_logger.IsEnabled(LogLevel.Warning))
            {
                Log.RateLimited(_logger, _request.Operation, _request.Endpoint, ex.Code, traceId, limited.RetryAfter?.TotalMilliseconds, limited.Usage?.MaxPercent);
            }
        }
        else if (_logger.IsEnabled(LogLevel.Warning))
        {
            // "190/460", or "100" alone when Graph sent no subcode.
            var graphError = ex.Subcode is { } subcode
                ? string.Create(CultureInfo.InvariantCulture, $"{ex.Code}/{subcode}")
                : ex.Code.ToString(CultureInfo.InvariantCulture);
            Log.OperationFailed(_logger, _request.Operation, _request.Endpoint, (int)ex.StatusCode, graphError, traceId, Elapsed(), _request.Attempts);
        }
    }

    private double Elapsed() => _time.GetElapsedTime(_started).TotalMilliseconds;
}
