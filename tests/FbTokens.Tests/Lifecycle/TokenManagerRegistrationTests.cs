using FbTokens.Internal;
using FbTokens.Tests.Framework;
using Microsoft.Extensions.DependencyInjection;
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
}
