using FbTokens.Internal;
using FbTokens.Tests.Framework;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;

namespace FbTokens.Tests.Lifecycle;

public sealed class TokenManagerRegistrationTests
{
    [Fact]
    public void Defaults_are_valid()
    {
        var result = new TokenManagerOptionsValidator().Validate(null, new TokenManagerOptions());
        Assert.True(result.Succeeded);
        Assert.Equal(TimeSpan.FromDays(7), new TokenManagerOptions().RefreshBeforeExpiry);
        Assert.Equal(50, new TokenManagerOptions().SweepBatchSize);
        Assert.Equal(TimeSpan.FromMinutes(10), new TokenManagerOptions().SweepLeaseDuration);
        Assert.Equal(75, new TokenManagerOptions().SweepUsageThreshold);
    }

    [Fact]
    public void Every_problem_is_listed_at_once()
    {
        var result = new TokenManagerOptionsValidator().Validate(null, new TokenManagerOptions
        {
            RefreshBeforeExpiry = TimeSpan.Zero,
            RefreshJitter = TimeSpan.FromDays(-1),
            SweepBatchSize = 51,
            SweepInterval = TimeSpan.FromSeconds(5),
        });

        Assert.True(result.Failed);
        Assert.Equal(4, result.Failures!.Count());
        Assert.Contains(result.Failures!, f => f.Contains("SweepBatchSize", StringComparison.Ordinal));
    }

    [Fact]
    public async Task Invalid_options_fail_when_the_manager_is_resolved()
    {
        await using var host = new LifecycleHost(o => o.SweepBatchSize = 0);
        var ex = Assert.Throws<OptionsValidationException>(() => host.PublicManager);
        Assert.Contains("SweepBatchSize", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_host_store_registered_first_replaces_the_in_memory_default()
    {
        var store = new CountingTokenStore();
        var services = new ServiceCollection();
        services.AddLogging();
        services.AddSingleton<ITokenStore>(store);
        services.AddFbTokens(o => { o.AppId = "1"; o.AppSecret = "secret"; }).AddTokenManager().AddTokenManager();
        await using var provider = services.BuildServiceProvider();

        Assert.Same(store, provider.GetRequiredService<ITokenStore>());
        Assert.Single(services, d => d.ServiceType == typeof(IGraphTokenManager));
        Assert.Same(provider.GetRequiredService<IGraphTokenManager>(), provider.GetRequiredService<IGraphTokenManager>());
    }

    [Fact]
    public async Task The_sweep_is_opt_in()
    {
        await using var without = new LifecycleHost();
        await using var with = new LifecycleHost(build: b => b.AddTokenValidationSweep());
        Assert.DoesNotContain(without.Services.GetServices<Microsoft.Extensions.Hosting.IHostedService>(), s => s is TokenValidationService);
        Assert.Single(with.Services.GetServices<Microsoft.Extensions.Hosting.IHostedService>(), s => s is TokenValidationService);
    }

    public static TheoryData<string> SecretNeedingRegistrations => new() { "manager", "sweep", "store", "observer" };

    [Theory]
    [MemberData(nameof(SecretNeedingRegistrations))]
    public async Task A_host_with_the_manager_or_the_sweep_and_no_app_secret_fails_at_start(string registration)
    {
        var builder = Host.CreateApplicationBuilder();
        var fb = builder.Services.AddFbTokens(o => o.AppId = "138483919580948");
        _ = registration switch
        {
            "manager" => fb.AddTokenManager(),
            "sweep" => fb.AddTokenValidationSweep(),
            "store" => fb.UseTokenStore<CountingTokenStore>(),
            _ => fb.AddTokenLifecycleObserver<RecordingObserver>(),
        };
        using var host = builder.Build();

        var error = await Assert.ThrowsAsync<OptionsValidationException>(() => host.StartAsync());

        var failure = Assert.Single(error.Failures);
        Assert.StartsWith("FbTokens:AppSecret is required", failure, StringComparison.Ordinal);
    }

    [Fact]
    public void A_missing_app_secret_is_reported_under_the_bound_section_when_the_manager_is_resolved()
    {
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["Facebook:AppId"] = "138483919580948",
        }).Build();
        var services = new ServiceCollection();
        services.AddLogging();
        services.AddFbTokens(configuration.GetSection("Facebook")).AddTokenManager();
        using var provider = services.BuildServiceProvider();

        var error = Assert.Throws<OptionsValidationException>(() => provider.GetRequiredService<IGraphTokenManager>());

        Assert.StartsWith("Facebook:AppSecret is required", Assert.Single(error.Failures), StringComparison.Ordinal);
    }

    [Fact]
    public async Task The_client_alone_starts_without_an_app_secret()
    {
        // A client-side app that only redeems client codes needs no secret.
        var builder = Host.CreateApplicationBuilder();
        builder.Services.AddFbTokens(o => o.AppId = "138483919580948").AddFacebookLogin();
        using var host = builder.Build();

        await host.StartAsync();
        Assert.NotNull(host.Services.GetRequiredService<IGraphTokenClient>());
        await host.StopAsync();
    }
}
