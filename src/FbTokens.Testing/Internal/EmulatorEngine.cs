namespace FbTokens.Testing.Internal;

/// <summary>
/// The emulator's engine: request in, response out. Both hosts (in-memory handler and Kestrel) call
/// <see cref="HandleAsync"/>, so they behave identically. It composes the parts and runs the outer steps of a
/// call (count, latency, injected fault); the router and the endpoints do the rest. All state sits behind the
/// store's one lock.
/// </summary>
internal sealed class EmulatorEngine
{
    private readonly TimeProvider _time;
    private readonly EmulatorRouter _router;
    private readonly BatchEndpoint _batch;

    public EmulatorEngine(TimeProvider time, GraphTokenEmulatorOptions options)
    {
        _time = time;
        Store = new EmulatorStore(time, options);
        Faults = new FaultPlan(Store.Sync);
        Throttles = new ThrottleGate(Store.Sync, time);
        var auth = new RequestAuthenticator(Store);
        var usage = new UsageMeter();
        _router = new EmulatorRouter(Store, auth, usage, Throttles, time, new Dictionary<GraphEndpoint, IEndpointHandler>
        {
            [GraphEndpoint.AccessToken] = new AccessTokenEndpoint(
                new CodeGrant(Store, auth), new ExchangeTokenGrant(Store, auth, options), new ClientCredentialsGrant(Store, auth)),
            [GraphEndpoint.ClientCode] = new ClientCodeEndpoint(Store, auth),
            [GraphEndpoint.Accounts] = new AccountsEndpoint(Store, auth, options),
            [GraphEndpoint.DebugToken] = new DebugTokenEndpoint(Store, auth),
            [GraphEndpoint.Me] = new MeEndpoint(Store, auth),
            [GraphEndpoint.Permissions] = new PermissionsEndpoint(Store, auth),
        });
        LoginDialog = new LoginDialogEndpoint(Store, time);
        Callbacks = new AppCallbacks(Store, time, options);
        Options = options;
        _batch = new BatchEndpoint(_router, auth, Store, Faults, CallCounts, usage, time);
    }

    /// <summary>The emulated apps, users, tokens and codes, which tests set up directly.</summary>
    public EmulatorStore Store { get; }

    /// <summary>The faults and latency tests inject.</summary>
    public FaultPlan Faults { get; }

    /// <summary>The throttles tests set.</summary>
    public ThrottleGate Throttles { get; }

    /// <summary>The Login dialog, whose next outcome tests can set.</summary>
    public LoginDialogEndpoint LoginDialog { get; }

    /// <summary>App removal and data-deletion requests, with their callbacks.</summary>
    public AppCallbacks Callbacks { get; }

    public GraphTokenEmulatorOptions Options { get; }

    /// <summary>Calls per endpoint.</summary>
    public CallCounter CallCounts { get; } = new();

    /// <summary>Removes every pending fault, throttle and latency at once.</summary>
    public void ClearFaults()
    {
        lock (Store.Sync)
        {
            Faults.ClearLocked();
            Throttles.ClearLocked();
        }
    }

    public async Task<EmulatorResponse> HandleAsync(EmulatorRequest request, CancellationToken cancellationToken)
    {
        var route = EmulatorRouter.Route(request.Url.AbsolutePath);
        CallCounts.Increment(route.Endpoint);
        if (route.Endpoint == GraphEndpoint.LoginDialog)
        {
            // A web page on www.facebook.com, not a Graph call: no injected faults, latency or usage headers.
            return LoginDialog.Handle(request);
        }

        var (latency, fault) = Faults.Next(route.Endpoint);
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

        var response = route.Endpoint == GraphEndpoint.Batch ? _batch.Handle(request) : _router.Dispatch(request, route);
        if (fault == EmulatorFault.TruncatedBody)
        {
            FaultResponses.Truncate(response);
        }

        return response;
    }
}
