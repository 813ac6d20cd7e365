using System.Globalization;
using System.Net;
using System.Net.Sockets;
using FbTokens.Testing;

namespace FbTokens.WebSample;

/// <summary>
/// Which Facebook the sample talks to. With <c>FbTokens:AppId</c> and <c>FbTokens:AppSecret</c> configured: that app on
/// the real Graph API and Login dialog (or on the addresses <c>FbTokens:GraphBaseAddress</c> and
/// <c>FbTokens:DialogBaseAddress</c> name). Without them: the embedded Graph emulator on a loopback port of its own, with
/// a demo person who manages three pages, so one <c>dotnet run</c> works offline.
/// </summary>
public sealed class SampleGraph : IAsyncDisposable
{
    private readonly SemaphoreSlim _startLock = new(1, 1);
    private readonly Uri _graphBaseAddress;
    private readonly Uri _dialogBaseAddress;
    private volatile bool _started;

    private SampleGraph(GraphTokenEmulator? emulator, string appId, string appSecret, Uri graphBaseAddress, Uri dialogBaseAddress, string graphApiVersion)
    {
        Emulator = emulator;
        AppId = appId;
        AppSecret = appSecret;
        _graphBaseAddress = graphBaseAddress;
        _dialogBaseAddress = dialogBaseAddress;
        GraphApiVersion = graphApiVersion;
    }

    /// <summary>The embedded emulator, or null when the sample talks to a configured app.</summary>
    public GraphTokenEmulator? Emulator { get; }

    /// <summary>The app id.</summary>
    public string AppId { get; }

    /// <summary>The app secret (never printed).</summary>
    public string AppSecret { get; }

    /// <summary>Where Graph is: https://graph.facebook.com/ or the emulator.</summary>
    public Uri GraphBaseAddress => _graphBaseAddress;

    /// <summary>Where the Login dialog is: https://www.facebook.com/ or the emulator.</summary>
    public Uri DialogBaseAddress => _dialogBaseAddress;

    /// <summary>The Graph API version of the dialog and token endpoints, e.g. v24.0.</summary>
    public string GraphApiVersion { get; }

    /// <summary>The Login dialog's address, for the OAuth handler.</summary>
    public Uri AuthorizationEndpoint => new(DialogBaseAddress, $"{GraphApiVersion}/dialog/oauth");

    /// <summary>The code-exchange endpoint, for the OAuth handler.</summary>
    public Uri TokenEndpoint => new(GraphBaseAddress, $"{GraphApiVersion}/oauth/access_token");

    /// <summary>
    /// Reads the configuration. Without an app, creates the embedded emulator on a free loopback port, so the options know
    /// its address from the start; <see cref="EnsureStartedAsync"/> starts it later, once the app runs. (The emulator runs a
    /// host of its own, and WebApplicationFactory takes, and configures, any host built while it waits for the app's: a
    /// host built during the app's start-up would be handed the tests' settings.)
    /// </summary>
    public static SampleGraph Create(IConfiguration configuration)
    {
        ArgumentNullException.ThrowIfNull(configuration);
        var section = configuration.GetSection("FbTokens");
        var version = section["GraphApiVersion"] is { Length: > 0 } v ? v : FbTokensOptions.DefaultGraphApiVersion;
        if (section["AppId"] is { Length: > 0 } appId && section["AppSecret"] is { Length: > 0 } appSecret)
        {
            return new SampleGraph(
                emulator: null,
                appId,
                appSecret,
                new Uri(section["GraphBaseAddress"] is { Length: > 0 } graph ? graph : "https://graph.facebook.com/"),
                new Uri(section["DialogBaseAddress"] is { Length: > 0 } dialog ? dialog : "https://www.facebook.com/"),
                version);
        }

        var emulator = new GraphTokenEmulator();
        // The person the emulated Login dialog signs in (the user created last), with pages to list.
        var person = emulator.CreateTestUser("Sample Person");
        emulator.CreatePage(person.Id, "Sample Bakery", "Local business");
        emulator.CreatePage(person.Id, "Sample Book Club", "Community");
        emulator.CreatePage(person.Id, "Sample Records", "Musician/band");
        var address = new Uri($"http://127.0.0.1:{FreeLoopbackPort().ToString(CultureInfo.InvariantCulture)}/");
        return new SampleGraph(emulator, emulator.DefaultApp.AppId, emulator.DefaultApp.AppSecret, address, address, version);
    }

    /// <summary>Starts the embedded emulator, if there is one and it is not running yet; safe to call from many requests.</summary>
    public async Task EnsureStartedAsync()
    {
        if (Emulator is null || _started)
        {
            return;
        }

        await _startLock.WaitAsync();
        try
        {
            if (!_started)
            {
                await Emulator.StartServerAsync(GraphBaseAddress.Port);
                _started = true;
            }
        }
        finally
        {
            _startLock.Release();
        }
    }

    private static int FreeLoopbackPort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }

    /// <summary>Points the client at this Graph.</summary>
    public void Configure(FbTokensOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        options.AppId = AppId;
        options.AppSecret = AppSecret;
        options.GraphBaseAddress = GraphBaseAddress;
        options.GraphApiVersion = GraphApiVersion;
    }

    /// <summary>Stops the embedded emulator, if any.</summary>
    public ValueTask DisposeAsync()
    {
        _startLock.Dispose();
        return Emulator?.DisposeAsync() ?? ValueTask.CompletedTask;
    }
}
