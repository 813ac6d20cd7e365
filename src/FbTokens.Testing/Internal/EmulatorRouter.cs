using System.Text.RegularExpressions;

namespace FbTokens.Testing.Internal;

/// <summary>A parsed path: the endpoint, the object id of <c>{id}/accounts</c>, the Graph version and the path without it.</summary>
internal readonly record struct RouteInfo(GraphEndpoint Endpoint, string? ObjectId, string Version, string Path);

/// <summary>
/// Routes one call (top-level or inside a batch) to its endpoint under the store's lock: identifies the caller,
/// counts the call for usage, applies throttles, lets the endpoint answer, and adds Graph's standard headers.
/// </summary>
internal sealed partial class EmulatorRouter(
    EmulatorStore store,
    RequestAuthenticator auth,
    UsageMeter usage,
    ThrottleGate throttles,
    TimeProvider time,
    IReadOnlyDictionary<GraphEndpoint, IEndpointHandler> endpoints)
{
    /// <summary>The version a path without one is answered with.</summary>
    private const string DefaultVersion = "v24.0";

    public static RouteInfo Route(string absolutePath)
    {
        var segments = absolutePath.Split('/', StringSplitOptions.RemoveEmptyEntries).Select(Uri.UnescapeDataString).ToList();
        var version = DefaultVersion;
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
            ["dialog", "oauth"] => GraphEndpoint.LoginDialog,
            [_, "permissions"] => GraphEndpoint.Permissions,
            _ => GraphEndpoint.Unknown,
        };
        return new RouteInfo(endpoint, endpoint is GraphEndpoint.Accounts or GraphEndpoint.Permissions ? segments[0] : null, version, path);
    }

    /// <summary>Answers one non-batch call.</summary>
    public EmulatorResponse Dispatch(EmulatorRequest request, RouteInfo route)
    {
        lock (store.Sync)
        {
            var context = auth.Identify(request, time.GetUtcNow());
            usage.Record(context);
            var response = throttles.Check(context)
                ?? (endpoints.TryGetValue(route.Endpoint, out var endpoint)
                    ? endpoint.Handle(request, route, context)
                    : GraphErrors.OAuth(2500, "Unknown path components: /" + route.Path));
            usage.AddStandardHeaders(response, context, route.Version);
            return response;
        }
    }

    [GeneratedRegex(@"^v\d+\.\d+$", RegexOptions.CultureInvariant)]
    private static partial Regex VersionSegment();
}
