using Microsoft.AspNetCore.DataProtection;
using Microsoft.Extensions.DependencyInjection;

namespace FbTokens.Tests.DependencyInjection;

/// <summary>Each builder call on its own registers everything it needs: nothing depends on AddTokenManager being called too.</summary>
public sealed class SingleCallRegistrationTests
{
    public static TheoryData<string> Calls => new() { "manager", "in-memory store", "observer", "protection", "sweep" };

    private static ServiceProvider Build(string call)
    {
        var services = new ServiceCollection();
        services.AddLogging();
        if (call == "protection")
        {
            services.AddDataProtection();
        }

        var builder = services.AddFbTokens(o =>
        {
            o.AppId = "1234567890";
            o.AppSecret = "test-app-secret-0123456789abcdef";
        });
        _ = call switch
        {
            "manager" => builder.AddTokenManager(),
            "in-memory store" => builder.UseInMemoryTokenStore(),
            "observer" => builder.AddTokenLifecycleObserver<Framework.RecordingObserver>(),
            "protection" => builder.ProtectTokensWithDataProtection(),
            "sweep" => builder.AddTokenValidationSweep(),
            _ => throw new ArgumentOutOfRangeException(nameof(call)),
        };
        return services.BuildServiceProvider(new ServiceProviderOptions { ValidateOnBuild = true, ValidateScopes = true });
    }

    [Theory]
    [MemberData(nameof(Calls))]
    public async Task One_call_alone_gives_a_working_manager_on_the_system_clock(string call)
    {
        await using var provider = Build(call);

        Assert.NotNull(provider.GetRequiredService<IGraphTokenManager>());
        Assert.Same(TimeProvider.System, provider.GetRequiredService<TimeProvider>());
        Assert.NotNull(provider.GetRequiredService<ITokenStore>());
        Assert.NotNull(provider.GetRequiredService<IDistributedRefreshLock>());
    }

    [Fact]
    public async Task Login_alone_runs_on_the_system_clock()
    {
        var services = new ServiceCollection();
        services.AddLogging();
        services.AddFbTokens(o => o.AppId = "1234567890").AddFacebookLogin();
        await using var provider = services.BuildServiceProvider(new ServiceProviderOptions { ValidateOnBuild = true });

        Assert.NotNull(provider.GetRequiredService<IFacebookLoginUrlBuilder>());
        Assert.Same(TimeProvider.System, provider.GetRequiredService<TimeProvider>());
    }
}
