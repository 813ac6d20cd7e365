using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Time.Testing;

namespace FbTokens.Testing.Tests.Framework;

/// <summary>The real <see cref="IGraphTokenClient"/>, registered as an app would, talking to the Kestrel-hosted emulator over loopback.</summary>
internal sealed class ClientHarness : IAsyncDisposable
{
    private readonly ServiceProvider _services;

    private ClientHarness(GraphTokenEmulator emulator, FakeTimeProvider time, ServiceProvider services)
    {
        Emulator = emulator;
        Time = time;
        _services = services;
        Client = services.GetRequiredService<IGraphTokenClient>();
    }

    public GraphTokenEmulator Emulator { get; }

    public FakeTimeProvider Time { get; }

    public IGraphTokenClient Client { get; }

    public static async Task<ClientHarness> StartAsync(Action<GraphTokenEmulatorOptions>? configureEmulator = null, Action<FbTokensOptions>? configureClient = null)
    {
        var time = new FakeTimeProvider(new DateTimeOffset(2026, 3, 1, 12, 0, 0, TimeSpan.Zero));
        var options = new GraphTokenEmulatorOptions();
        configureEmulator?.Invoke(options);
        var emulator = new GraphTokenEmulator(time, options);
        var baseAddress = await emulator.StartServerAsync();

        var services = new ServiceCollection();
        services.AddFbTokens(o =>
        {
            o.AppId = emulator.DefaultApp.AppId;
            o.AppSecret = emulator.DefaultApp.AppSecret;
            o.GraphBaseAddress = baseAddress;
            o.Resilience.BaseDelay = TimeSpan.Zero;
            o.Resilience.UseJitter = false;
            configureClient?.Invoke(o);
        });
        return new ClientHarness(emulator, time, services.BuildServiceProvider());
    }

    public async Task<(EmulatedUser User, LongLivedTokenResponse LongLived)> LoggedInUserAsync()
    {
        var user = Emulator.CreateTestUser();
        var longLived = await Client.ExchangeForLongLivedTokenAsync(user.AccessToken);
        return (user, longLived);
    }

    public async ValueTask DisposeAsync()
    {
        await _services.DisposeAsync();
        await Emulator.DisposeAsync();
    }
}
