using FbTokens.Tests.Framework;
using FbTokens.Internal;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Time.Testing;

namespace FbTokens.Testing.Tests.Framework;

/// <summary>
/// The token manager and the validation sweep as an app registers them, with the real client pipeline sending every
/// request to the in-memory emulator (<c>UseGraphTokenEmulator</c>), all on one fake clock.
/// </summary>
internal sealed class LifecycleHarness : IAsyncDisposable
{
    public static readonly DateTimeOffset Start = new(2026, 3, 1, 12, 0, 0, TimeSpan.Zero);

    private readonly ServiceProvider _services;

    public LifecycleHarness(ITokenStore? store = null, GraphTokenEmulatorOptions? emulatorOptions = null, Action<IFbTokensBuilder>? build = null)
    {
        Emulator = new GraphTokenEmulator(Time, emulatorOptions);
        var services = new ServiceCollection();
        services.AddLogging();
        services.AddSingleton<TimeProvider>(Time);
        if (store is not null)
        {
            services.AddSingleton(store);
        }

        var builder = services.AddFbTokens(o =>
            {
                o.Resilience.BaseDelay = TimeSpan.Zero;
                o.Resilience.UseJitter = false;
            })
            .UseGraphTokenEmulator(Emulator)
            .AddTokenValidationSweep()
            .AddTokenLifecycleObserver<RecordingObserver>();
        build?.Invoke(builder);
        _services = services.BuildServiceProvider(new ServiceProviderOptions { ValidateOnBuild = true, ValidateScopes = true });
    }

    public FakeTimeProvider Time { get; } = new(Start);

    public GraphTokenEmulator Emulator { get; }

    public IGraphTokenManager Manager => _services.GetRequiredService<IGraphTokenManager>();

    public ITokenStore Store => _services.GetRequiredService<ITokenStore>();

    public TokenSweeper Sweeper => _services.GetRequiredService<TokenSweeper>();

    public IEnumerable<ITokenLifecycleObserver> Observers => _services.GetServices<ITokenLifecycleObserver>();

    public RecordingObserver Observer => _services.GetServices<ITokenLifecycleObserver>().OfType<RecordingObserver>().Single();

    /// <summary>Creates a user in the emulator and stores a long-lived token of theirs exactly as Graph describes it.</summary>
    public async Task<(EmulatedUser User, StoredToken Token)> StoreLongLivedUserAsync()
    {
        var user = Emulator.CreateTestUser();
        var value = Emulator.IssueUserToken(user.Id, longLived: true);
        var issued = Emulator.FindToken(value)!;
        var now = Time.GetUtcNow();
        var stored = await Store.SetAsync(new StoredToken
        {
            Key = TokenKey.ForUser(user.Id),
            Value = value,
            ExpiresAt = issued.ExpiresAt,
            DataAccessExpiresAt = issued.DataAccessExpiresAt,
            Scopes = issued.Scopes,
            IssuedAt = issued.IssuedAt,
            UpdatedAt = now,
        }, expectedVersion: 0);
        return (user, stored);
    }

    public async ValueTask DisposeAsync()
    {
        await _services.DisposeAsync();
        await Emulator.DisposeAsync();
    }
}
