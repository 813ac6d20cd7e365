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
    private readonly FaultPlan _faults;
    private readonly ThrottleGate _throttles;
    private readonly UsageMeter _usage = new();
    private readonly CallCounter _calls = new();

    public EmulatorEngine(TimeProvider time, GraphTokenEmulatorOptions options)
    {
        _time = time;
        _options = options;
        _store = new EmulatorStore(time, options);
        _auth = new RequestAuthenticator(_store);
        _faults = new FaultPlan(_store.Sync);
        _throttles = new ThrottleGate(_store.Sync, time);
    }

    /// <summary>The emulated apps, users, tokens and codes, which tests set up directly.</summary>
    public EmulatorStore Store => _store;

    /// <summary>The faults and latency tests inject.</summary>
    public FaultPlan Faults => _faults;

    /// <summary>The throttles tests set.</summary>
    public ThrottleGate Throttles => _throttles;

    /// <summary>Calls per endpoint.</summary>
    public CallCounter CallCounts => _calls;

    /// <summary>Removes every pending fault, throttle and latency at once.</summary>
    public void ClearFaults()
    {
        lock (_store.Sync)
        {
            _faults.ClearLocked();
            _throttles.ClearLocked();
        }
    }

    // ---------------------------------------------------------------- request handling

    public async Task<EmulatorResponse> HandleAsync(EmulatorRequest request, CancellationToken cancellationToken)
    {
        var route = Route(request.Url.AbsolutePath);
        _calls.Increment(route.Endpoint);
        var (latency, fault) = _faults.Next(route.Endpoint);
        if (latency > TimeSpan.Zero)
        {
            // The TimeProvider's delay: with a FakeTimeProvider the call waits until the test advances time.
            await Task.Delay(latency, _time, cancellationToken).ConfigureAwait(false);
        }

        cancellationToken.ThrowIfCancellationRequested();
        if (fault is { } f && FaultResponses.Replace(f) is { } faulted)
        {
            return faulted;
        }

        var response = route.Endpoint == GraphEndpoint.Batch ? HandleBatch(request) : Dispatch(request, route);
        if (fault == EmulatorFault.TruncatedBody)
        {
            FaultResponses.Truncate(response);
        }

        return response;
    }

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
            _usage.Record(context);
            var response = _throttles.Check(context) ?? route.Endpoint switch
            {
                GraphEndpoint.AccessToken => AccessToken(request, context),
                GraphEndpoint.ClientCode => ClientCode(request, context),
                GraphEndpoint.Accounts => Accounts(request, route, context),
                GraphEndpoint.DebugToken => DebugToken(request, context),
                GraphEndpoint.Me => Me(request, context),
                _ => GraphErrors.OAuth(2500, "Unknown path components: /" + route.Path),
            };
            _usage.AddStandardHeaders(response, context, route.Version);
            return response;
        }
    }
}
