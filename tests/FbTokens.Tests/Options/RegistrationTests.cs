using FbTokens.Tests.Framework;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;

namespace FbTokens.Tests.Options;

public sealed class RegistrationTests
{
    [Fact]
    public void Defaults_are_documented_values()
    {
        var options = new FbTokensOptions();

        Assert.Equal("v24.0", options.GraphApiVersion);
        Assert.Equal(new Uri("https://graph.facebook.com/"), options.GraphBaseAddress);
        Assert.True(options.UseAppSecretProof);
        Assert.Equal(100, options.PageSize);
        Assert.Equal(3, options.Resilience.MaxRetryAttempts);
        Assert.Equal(TimeSpan.FromSeconds(10), options.Resilience.AttemptTimeout);
        Assert.Equal(TimeSpan.FromSeconds(60), options.Resilience.TotalTimeout);
        Assert.True(options.Resilience.Enabled);
    }

    [Fact]
    public async Task Invalid_options_fail_at_start_with_every_problem_listed_and_no_secret()
    {
        var builder = Host.CreateApplicationBuilder();
        builder.Services.AddFbTokens(o =>
        {
            o.AppId = "my-app";
            o.AppSecret = "has space secret";
            o.GraphApiVersion = "24";
            o.GraphBaseAddress = new Uri("/relative", UriKind.Relative);
            o.PageSize = 0;
        });
        using var host = builder.Build();

        var error = await Assert.ThrowsAsync<OptionsValidationException>(() => host.StartAsync());

        Assert.Contains(error.Failures, f => f.Contains("AppId", StringComparison.Ordinal));
        Assert.Contains(error.Failures, f => f.Contains("AppSecret", StringComparison.Ordinal));
        Assert.Contains(error.Failures, f => f.Contains("GraphApiVersion", StringComparison.Ordinal));
        Assert.Contains(error.Failures, f => f.Contains("GraphBaseAddress", StringComparison.Ordinal));
        Assert.Contains(error.Failures, f => f.Contains("PageSize", StringComparison.Ordinal));
        Assert.DoesNotContain("has space secret", error.Message);
    }

    [Fact]
    public void A_missing_app_id_is_reported()
    {
        var services = new ServiceCollection();
        services.AddFbTokens(_ => { });
        using var provider = services.BuildServiceProvider();

        var error = Assert.Throws<OptionsValidationException>(() => provider.GetRequiredService<IOptions<FbTokensOptions>>().Value);

        Assert.Contains(error.Failures, f => f.Contains("FbTokens:AppId is required", StringComparison.Ordinal));
    }

    [Fact]
    public void Options_bind_from_a_configuration_section()
    {
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["FbTokens:AppId"] = "138483919580948",
            ["FbTokens:AppSecret"] = "bound-secret",
            ["FbTokens:ClientToken"] = "client-token",
            ["FbTokens:GraphApiVersion"] = "v23.0",
            ["FbTokens:GraphBaseAddress"] = "http://127.0.0.1:5000/",
            ["FbTokens:UseAppSecretProof"] = "false",
            ["FbTokens:PageSize"] = "25",
            ["FbTokens:Resilience:MaxRetryAttempts"] = "1",
            ["FbTokens:Resilience:AttemptTimeout"] = "00:00:05",
            ["FbTokens:Resilience:Enabled"] = "false",
        }).Build();
        var services = new ServiceCollection();

        services.AddFbTokens(configuration.GetSection("FbTokens"));
        using var provider = services.BuildServiceProvider();
        var options = provider.GetRequiredService<IOptions<FbTokensOptions>>().Value;

        Assert.Equal("138483919580948", options.AppId);
        Assert.Equal("bound-secret", options.AppSecret);
        Assert.Equal("client-token", options.ClientToken);
        Assert.Equal("v23.0", options.GraphApiVersion);
        Assert.Equal(new Uri("http://127.0.0.1:5000/"), options.GraphBaseAddress);
        Assert.False(options.UseAppSecretProof);
        Assert.Equal(25, options.PageSize);
        Assert.Equal(1, options.Resilience.MaxRetryAttempts);
        Assert.Equal(TimeSpan.FromSeconds(5), options.Resilience.AttemptTimeout);
        Assert.False(options.Resilience.Enabled);
        Assert.NotNull(provider.GetRequiredService<IGraphTokenClient>());
    }

    [Fact]
    public void The_builder_exposes_the_services_and_the_named_http_client()
    {
        var services = new ServiceCollection();

        var builder = services.AddFbTokens(o => o.AppId = "1");

        Assert.Same(services, builder.Services);
        Assert.Equal(FbTokensServiceCollectionExtensions.HttpClientName, builder.HttpClientBuilder.Name);
    }

    [Fact]
    public async Task Registering_twice_does_not_stack_a_second_pipeline()
    {
        // Two resilience handlers would retry each other's retries: 4 x 4 requests instead of 4.
        using var host = new GraphTestHost(builder: fb => fb.Services.AddFbTokens(o => o.PageSize = 50));
        host.On(HttpMethod.Get, "debug_token", GraphPayloads.Error(2, transient: true), System.Net.HttpStatusCode.ServiceUnavailable);

        await Assert.ThrowsAsync<GraphApiException>(() => host.Client.DebugTokenAsync(GraphPayloads.LongLivedToken));

        Assert.Equal(4, host.Requests.Count);
        Assert.Equal(50, host.Services.GetRequiredService<IOptions<FbTokensOptions>>().Value.PageSize);
    }

    [Fact]
    public void A_host_can_replace_the_time_provider()
    {
        using var host = new GraphTestHost();

        Assert.Same(host.Time, host.Services.GetRequiredService<TimeProvider>());
    }
}
