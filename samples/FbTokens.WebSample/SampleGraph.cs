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
    private Uri? _graphBaseAddress;
    private Uri? _dialogBaseAddress;

    private SampleGraph(GraphTokenEmulator? emulator, string appId, string appSecret, Uri? graphBaseAddress, Uri? dialogBaseAddress, string graphApiVersion)
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
    public Uri GraphBaseAddress => _graphBaseAddress ?? throw NotStarted();

    /// <summary>Where the Login dialog is: https://www.facebook.com/ or the emulator.</summary>
    public Uri DialogBaseAddress => _dialogBaseAddress ?? throw NotStarted();

    /// <summary>The Graph API version of the dialog and token endpoints, e.g. v24.0.</summary>
    public string GraphApiVersion { get; }

    /// <summary>The Login dialog's address, for the OAuth handler.</summary>
    public Uri AuthorizationEndpoint => new(DialogBaseAddress, $"{GraphApiVersion}/dialog/oauth");

    /// <summary>The code-exchange endpoint, for the OAuth handler.</summary>
    public Uri TokenEndpoint => new(GraphBaseAddress, $"{GraphApiVersion}/oauth/access_token");

    /// <summary>
    /// Reads the configuration. Without an app, creates the embedded emulator; <see cref="StartAsync"/> starts it once the
    /// app is built (the emulator runs a host of its own, and hosts built before the app's would confuse
    /// WebApplicationFactory, which takes the first host built as the app's). Everything that reads the addresses does so
    /// lazily, in options callbacks.
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
        return new SampleGraph(emulator, emulator.DefaultApp.AppId, emulator.DefaultApp.AppSecret, null, null, version);
    }

    /// <summary>Starts the embedded emulator on a loopback port of its own, if there is one.</summary>
    public async Task StartAsync()
    {
        if (Emulator is not null && _graphBaseAddress is null)
        {
            var baseAddress = await Emulator.StartServerAsync();
            (_graphBaseAddress, _dialogBaseAddress) = (baseAddress, baseAddress);
        }
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

    private static InvalidOperationException NotStarted() => new("The embedded emulator has not been started (SampleGraph.StartAsync).");

    /// <summary>Stops the embedded emulator, if any.</summary>
    public ValueTask DisposeAsync() => Emulator?.DisposeAsync() ?? ValueTask.CompletedTask;
}
