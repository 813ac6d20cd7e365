using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using System.Text.RegularExpressions;

namespace FbTokens.Testing.Internal;

/// <summary>
/// The emulator's one engine: request in, response out. Both hosts (in-memory handler and Kestrel) call
/// <see cref="HandleAsync"/>, so they behave identically. All state sits behind one lock: every critical
/// section is a few dictionary operations, which keeps thousands of concurrent calls consistent and fast enough.
/// </summary>
internal sealed partial class EmulatorEngine
{
    private const int MaxBatchSize = 50;
    private const int MaxPageSize = 100;
    private static readonly string[] PageScopes = ["pages_show_list", "pages_read_engagement", "pages_manage_posts"];

    private readonly TimeProvider _time;
    private readonly EmulatorStore _store;
    private readonly RequestAuthenticator _auth;
    private readonly GraphTokenEmulatorOptions _options;
    private readonly Dictionary<string, Queue<DateTimeOffset>> _pageCalls = new(StringComparer.Ordinal);
    private readonly List<PendingFault> _faults = [];
    private readonly List<Throttle> _throttles = [];
    private readonly Dictionary<GraphEndpoint, TimeSpan> _latency = [];
    private readonly int[] _callCounts = new int[Enum.GetValues<GraphEndpoint>().Length];

    public EmulatorEngine(TimeProvider time, GraphTokenEmulatorOptions options)
    {
        _time = time;
        _options = options;
        _store = new EmulatorStore(time, options);
        _auth = new RequestAuthenticator(_store);
    }

    /// <summary>The emulated apps, users, tokens and codes, which tests set up directly.</summary>
    public EmulatorStore Store => _store;

    // ---------------------------------------------------------------- faults and counters

    public void AddFault(EmulatorFault fault, int calls, GraphEndpoint? endpoint)
    {
        lock (_store.Sync)
        {
            _faults.Add(new PendingFault(fault, endpoint) { Remaining = calls });
        }
    }

    public void SetLatency(TimeSpan latency, GraphEndpoint? endpoint)
    {
        lock (_store.Sync)
        {
            foreach (var e in endpoint is { } one ? [one] : Enum.GetValues<GraphEndpoint>())
            {
                _latency[e] = latency;
            }
        }
    }

    public void AddThrottle(ThrottleTarget target, string id, int code, TimeSpan duration, bool sendRetryAfter)
    {
        lock (_store.Sync)
        {
            _throttles.Add(new Throttle(target, id, code, _time.GetUtcNow() + duration, sendRetryAfter));
        }
    }

    public void ClearFaults()
    {
        lock (_store.Sync)
        {
            _faults.Clear();
            _throttles.Clear();
            _latency.Clear();
        }
    }

    public int GetCallCount(GraphEndpoint endpoint) => Volatile.Read(ref _callCounts[(int)endpoint]);

    public void ResetCallCounts()
    {
        for (var i = 0; i < _callCounts.Length; i++)
        {
            Interlocked.Exchange(ref _callCounts[i], 0);
        }
    }

    // ---------------------------------------------------------------- request handling

    public async Task<EmulatorResponse> HandleAsync(EmulatorRequest request, CancellationToken cancellationToken)
    {
        var route = Route(request.Url.AbsolutePath);
        Interlocked.Increment(ref _callCounts[(int)route.Endpoint]);

        TimeSpan latency;
        PendingFault? fault;
        lock (_store.Sync)
        {
            latency = _latency.TryGetValue(route.Endpoint, out var l) ? l : TimeSpan.Zero;
            fault = TakeFault(route.Endpoint, explicitOnly: false);
        }

        if (latency > TimeSpan.Zero)
        {
            // The TimeProvider's delay: with a FakeTimeProvider the call waits until the test advances time.
            await Task.Delay(latency, _time, cancellationToken).ConfigureAwait(false);
        }

        cancellationToken.ThrowIfCancellationRequested();
        if (fault is not null && FaultResponse(fault.Fault) is { } faulted)
        {
            return faulted;
        }

        var response = route.Endpoint == GraphEndpoint.Batch ? HandleBatch(request) : Dispatch(request, route);
        if (fault?.Fault == EmulatorFault.TruncatedBody)
        {
            response.Body = response.Body[..(response.Body.Length / 2)];
        }

        return response;
    }

    private PendingFault? TakeFault(GraphEndpoint endpoint, bool explicitOnly)
    {
        for (var i = 0; i < _faults.Count; i++)
        {
            var fault = _faults[i];
            var matches = fault.Endpoint is null ? !explicitOnly : fault.Endpoint == endpoint;
            if (!matches)
            {
                continue;
            }

            if (--fault.Remaining <= 0)
            {
                _faults.RemoveAt(i);
            }

            return fault;
        }

        return null;
    }

    private static EmulatorResponse? FaultResponse(EmulatorFault fault) => fault switch
    {
        EmulatorFault.ConnectionReset => EmulatorResponse.Reset(),
        EmulatorFault.TransientError => GraphErrors.Create(500, 2, "(#2) Service temporarily unavailable", isTransient: true),
        EmulatorFault.InternalServerError => GraphErrors.Create(500, 1, "An unknown error has occurred.", isTransient: true),
        EmulatorFault.ServiceUnavailable => new EmulatorResponse
        {
            StatusCode = 503,
            ContentType = "text/html; charset=utf-8",
            Body = Encoding.UTF8.GetBytes("<!DOCTYPE html><html><head><title>Service Unavailable</title></head><body><h1>Sorry, something went wrong.</h1><p>We're working on it and we'll get it fixed as soon as we can.</p></body></html>"),
        },
        EmulatorFault.HtmlBody => new EmulatorResponse
        {
            StatusCode = 200,
            ContentType = "text/html; charset=utf-8",
            Body = Encoding.UTF8.GetBytes("<!DOCTYPE html><html><head><title>Sign in to the network</title></head><body><form action=\"/login\"><input name=\"user\"></form></body></html>"),
        },
        EmulatorFault.EmptyBody => new EmulatorResponse { StatusCode = 200, Body = [] },
        _ => null, // TruncatedBody: processed, then cut.
    };

    private readonly record struct RouteInfo(GraphEndpoint Endpoint, string? ObjectId, string Version, string Path);

    private static RouteInfo Route(string absolutePath)
    {
        var segments = absolutePath.Split('/', StringSplitOptions.RemoveEmptyEntries).Select(Uri.UnescapeDataString).ToList();
        var version = FbTokensVersion;
        if (segments.Count > 0 && VersionSegment().IsMatch(segments[0]))
        {
            version = segments[0];
            segments.RemoveAt(0);
        }

        var path = string.Join('/', segments);
        var endpoint = segments switch
        {
            [] => GraphEndpoint.Batch,
            ["oauth", "access_token"] => GraphEndpoint.AccessToken,
            ["oauth", "client_code"] => GraphEndpoint.ClientCode,
            ["debug_token"] => GraphEndpoint.DebugToken,
            ["me"] => GraphEndpoint.Me,
            [_, "accounts"] => GraphEndpoint.Accounts,
            _ => GraphEndpoint.Unknown,
        };
        return new RouteInfo(endpoint, endpoint == GraphEndpoint.Accounts ? segments[0] : null, version, path);
    }

    private const string FbTokensVersion = "v24.0";

    [GeneratedRegex(@"^v\d+\.\d+$", RegexOptions.CultureInvariant)]
    private static partial Regex VersionSegment();

    private EmulatorResponse Dispatch(EmulatorRequest request, RouteInfo route)
    {
        lock (_store.Sync)
        {
            var context = _auth.Identify(request, _time.GetUtcNow());

            if (context.App is not null)
            {
                RecordCall(context.App.RecentCalls, context.Now);
            }

            if (context.PageId is { } pageId)
            {
                RecordCall(PageCalls(pageId), context.Now);
            }

            var response = Throttled(context) ?? route.Endpoint switch
            {
                GraphEndpoint.AccessToken => AccessToken(request, context),
                GraphEndpoint.ClientCode => ClientCode(request, context),
                GraphEndpoint.Accounts => Accounts(request, route, context),
                GraphEndpoint.DebugToken => DebugToken(request, context),
                GraphEndpoint.Me => Me(request, context),
                _ => GraphErrors.OAuth(2500, "Unknown path components: /" + route.Path),
            };
            AddStandardHeaders(response, context, route.Version);
            return response;
        }
    }

    private Queue<DateTimeOffset> PageCalls(string pageId)
    {
        if (!_pageCalls.TryGetValue(pageId, out var queue))
        {
            queue = new Queue<DateTimeOffset>();
            _pageCalls[pageId] = queue;
        }

        return queue;
    }

    private static void RecordCall(Queue<DateTimeOffset> calls, DateTimeOffset now)
    {
        Trim(calls, now);
        calls.Enqueue(now);
    }

    private static void Trim(Queue<DateTimeOffset> calls, DateTimeOffset now)
    {
        var windowStart = now - TimeSpan.FromHours(1);
        while (calls.Count > 0 && calls.Peek() <= windowStart)
        {
            calls.Dequeue();
        }
    }

    private static int Percent(int calls, int budget) => budget <= 0 ? 0 : (int)Math.Min(int.MaxValue, (long)calls * 100 / budget);

    private void AddStandardHeaders(EmulatorResponse response, CallContext context, string version)
    {
        response.Headers.Add(new("facebook-api-version", version));
        response.Headers.Add(new("x-fb-trace-id", RandomValues.FbTraceId()));
        if (context.App is { } app && !response.Headers.Exists(h => h.Key == "X-App-Usage"))
        {
            Trim(app.RecentCalls, context.Now);
            var percent = Percent(app.RecentCalls.Count, app.App.CallBudgetPerHour);
            response.Headers.Add(new("X-App-Usage", AppUsageJson(percent)));
        }

        if (context.PageId is { } pageId && context.App is { } pageApp && !response.Headers.Exists(h => h.Key == "X-Business-Use-Case-Usage"))
        {
            var calls = PageCalls(pageId);
            Trim(calls, context.Now);
            var percent = Percent(calls.Count, pageApp.App.CallBudgetPerHour);
            response.Headers.Add(new("X-Business-Use-Case-Usage", BusinessUseCaseJson(pageId, "pages", percent, 0)));
        }
    }

    private static string AppUsageJson(int percent) =>
        string.Create(CultureInfo.InvariantCulture, $"{{\"call_count\":{percent},\"total_time\":{percent},\"total_cputime\":{percent}}}");

    private static string BusinessUseCaseJson(string businessId, string type, int percent, int minutesToRegainAccess) =>
        Encoding.UTF8.GetString(JsonText.Write(w =>
        {
            w.WriteStartObject();
            w.WriteStartArray(businessId);
            w.WriteStartObject();
            w.WriteString("type", type);
            w.WriteNumber("call_count", percent);
            w.WriteNumber("total_cputime", percent);
            w.WriteNumber("total_time", percent);
            w.WriteNumber("estimated_time_to_regain_access", minutesToRegainAccess);
            w.WriteEndObject();
            w.WriteEndArray();
            w.WriteEndObject();
        }));

    private EmulatorResponse? Throttled(CallContext context)
    {
        _throttles.RemoveAll(t => t.Until <= context.Now);
        foreach (var throttle in _throttles)
        {
            var id = throttle.Target switch
            {
                ThrottleTarget.App => context.App?.App.AppId,
                ThrottleTarget.User => context.UserId,
                _ => context.PageId,
            };
            if (!string.Equals(id, throttle.Id, StringComparison.Ordinal))
            {
                continue;
            }

            var response = GraphErrors.OAuth(throttle.Code, GraphErrors.ThrottleMessage(throttle.Code));
            var remaining = throttle.Until - context.Now;
            if (throttle.SendRetryAfter)
            {
                response.Headers.Add(new("Retry-After", ((long)Math.Ceiling(remaining.TotalSeconds)).ToString(CultureInfo.InvariantCulture)));
            }

            if (throttle.Target == ThrottleTarget.App)
            {
                response.Headers.Add(new("X-App-Usage", AppUsageJson(100)));
            }

            if (GraphErrors.IsBusinessUseCaseCode(throttle.Code))
            {
                response.Headers.Add(new("X-Business-Use-Case-Usage",
                    BusinessUseCaseJson(throttle.Id, GraphErrors.BusinessUseCaseType(throttle.Code), 100, (int)Math.Ceiling(remaining.TotalMinutes))));
            }

            return response;
        }

        if (context.App is { } app && app.RecentCalls.Count > app.App.CallBudgetPerHour)
        {
            // Over the hourly budget: Graph's app-level throttle until old calls leave the rolling hour.
            return GraphErrors.OAuth(4, GraphErrors.ThrottleMessage(4));
        }

        return null;
    }
}
