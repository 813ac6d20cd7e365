using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace FbTokens.Tests.Options;

/// <summary>
/// Every options class binds from configuration, and every validator message names a key that binding reads
/// (issue 13: the sweep's error used to name <c>FbTokens:TokenManager:SweepInterval</c>, a key nothing read).
/// </summary>
public sealed class ConfigurationBindingTests
{
    private const string AppId = "138483919580948";
    private const string AppSecret = "0123456789abcdef0123456789abcdef";

    /// <summary>A bad value for every rule of the token manager's validator, by the key under the manager's section.</summary>
    public static TheoryData<string, string> BadTokenManagerValues => new()
    {
        { "RefreshBeforeExpiry", "59.00:00:00" },
        { "RefreshJitter", "-1.00:00:00" },
        { "RefreshRetryDelay", "-00:00:01" },
        { "LongLivedThreshold", "00:00:00" },
        { "ExpiringNoticeBefore", "-00:00:01" },
        { "DataAccessNoticeBefore", "-00:00:01" },
        { "SweepInterval", "00:00:05" },
        { "SweepStartDelay", "-00:00:01" },
        { "SweepBatchSize", "51" },
        { "SweepRetryAttempts", "11" },
        { "SweepLeaseDuration", "00:00:00" },
        { "SweepUsageThreshold", "0.5" },
        { "AppTokenSource", "7" },
        { "RequiredPermissions:0", "pages show list" },
    };

    /// <summary>A bad value for every rule of the client's validator, by the key under the FbTokens section.</summary>
    public static TheoryData<string, string> BadClientValues => new()
    {
        { "AppId", "my-app" },
        { "AppSecret", "has space" },
        { "ClientToken", "a b" },
        { "GraphApiVersion", "24" },
        { "GraphBaseAddress", "/relative" },
        { "GraphBaseAddress", "ftp://graph.facebook.com/" },
        { "GraphBaseAddress", "https://graph.facebook.com/?access_token=x" },
        { "PageSize", "0" },
        { "Resilience:MaxRetryAttempts", "11" },
        { "Resilience:BaseDelay", "-00:00:01" },
        { "Resilience:MaxDelay", "00:00:00" },
        { "Resilience:MaxDelay", "1.00:00:01" },
        { "Resilience:AttemptTimeout", "00:00:00" },
        { "Resilience:TotalTimeout", "00:00:01" },
        { "Resilience:MaxRateLimitDelay", "-00:00:01" },
        { "Resilience:CircuitBreakerFailureRatio", "1.5" },
        { "Resilience:CircuitBreakerFailureRatio", "NaN" },
        { "Resilience:CircuitBreakerMinimumThroughput", "1" },
        { "Resilience:CircuitBreakerSamplingDuration", "00:00:00.1" },
        { "Resilience:CircuitBreakerSamplingDuration", "1.00:00:01" },
        { "Resilience:CircuitBreakerBreakDuration", "00:00:00.1" },
        { "Resilience:CircuitBreakerBreakDuration", "1.00:00:01" },
        { "Resilience:UsageThrottleMode", "9" },
        { "Resilience:UsageThrottleThreshold", "101" },
        { "Resilience:UsageThrottleThreshold", "NaN" },
        { "Resilience:UsageThrottleDelay", "-00:00:01" },
        { "Resilience:MaxUsageThrottleDelay", "-00:00:01" },
        { "Limits:MaxResponseBodyBytes", "10" },
        { "Limits:MaxErrorBodyBytes", "10" },
        { "Limits:MaxPages", "0" },
        { "Limits:MaxConsecutiveEmptyPages", "0" },
        { "Limits:MaxSeenPageLinks", "0" },
    };

    /// <summary>A bad value for every rule of the login validator, by the key under the login section.</summary>
    public static TheoryData<string, string> BadLoginValues => new()
    {
        { "DialogBaseAddress", "/relative" },
        { "DialogBaseAddress", "http://www.facebook.com/" },
        { "StateLifetime", "2.00:00:00" },
        { "RedirectUri", "http://example.com/signin-facebook" },
        { "RedirectUri", "/signin-facebook" },
    };

    [Fact]
    public void AddFbTokens_binds_the_token_manager_and_login_sections_by_convention()
    {
        var configuration = Configuration(new()
        {
            ["FbTokens:TokenManager:RefreshBeforeExpiry"] = "10.00:00:00",
            ["FbTokens:TokenManager:RefreshJitter"] = "01:00:00",
            ["FbTokens:TokenManager:RefreshRetryDelay"] = "00:00:30",
            ["FbTokens:TokenManager:LongLivedThreshold"] = "12:00:00",
            ["FbTokens:TokenManager:ExpiringNoticeBefore"] = "2.00:00:00",
            ["FbTokens:TokenManager:DataAccessNoticeBefore"] = "7.00:00:00",
            ["FbTokens:TokenManager:SweepInterval"] = "01:00:00",
            ["FbTokens:TokenManager:SweepStartDelay"] = "00:00:10",
            ["FbTokens:TokenManager:SweepBatchSize"] = "20",
            ["FbTokens:TokenManager:SweepRetryAttempts"] = "4",
            ["FbTokens:TokenManager:SweepLeaseDuration"] = "00:05:00",
            ["FbTokens:TokenManager:SweepUsageThreshold"] = "60.5",
            ["FbTokens:TokenManager:AppTokenSource"] = "ClientCredentials",
            ["FbTokens:TokenManager:RequiredPermissions:0"] = "pages_show_list",
            ["FbTokens:TokenManager:RequiredPermissions:1"] = "email",
            ["FbTokens:Login:DialogBaseAddress"] = "http://127.0.0.1:5001/",
            ["FbTokens:Login:RedirectUri"] = "https://example.com/signin-facebook",
            ["FbTokens:Login:StateLifetime"] = "00:05:00",
        });
        var services = new ServiceCollection();
        services.AddLogging();

        services.AddFbTokens(configuration.GetSection("FbTokens")).AddTokenValidationSweep().AddFacebookLogin();
        using var provider = services.BuildServiceProvider();

        var manager = provider.GetRequiredService<IOptions<TokenManagerOptions>>().Value;
        Assert.Equal(TimeSpan.FromDays(10), manager.RefreshBeforeExpiry);
        Assert.Equal(TimeSpan.FromHours(1), manager.RefreshJitter);
        Assert.Equal(TimeSpan.FromSeconds(30), manager.RefreshRetryDelay);
        Assert.Equal(TimeSpan.FromHours(12), manager.LongLivedThreshold);
        Assert.Equal(TimeSpan.FromDays(2), manager.ExpiringNoticeBefore);
        Assert.Equal(TimeSpan.FromDays(7), manager.DataAccessNoticeBefore);
        Assert.Equal(TimeSpan.FromHours(1), manager.SweepInterval);
        Assert.Equal(TimeSpan.FromSeconds(10), manager.SweepStartDelay);
        Assert.Equal(20, manager.SweepBatchSize);
        Assert.Equal(4, manager.SweepRetryAttempts);
        Assert.Equal(TimeSpan.FromMinutes(5), manager.SweepLeaseDuration);
        Assert.Equal(60.5, manager.SweepUsageThreshold);
        Assert.Equal(AppTokenSource.ClientCredentials, manager.AppTokenSource);
        Assert.Equal(["pages_show_list", "email"], manager.RequiredPermissions);

        var login = provider.GetRequiredService<IOptions<FacebookLoginOptions>>().Value;
        Assert.Equal(new Uri("http://127.0.0.1:5001/"), login.DialogBaseAddress);
        Assert.Equal(TimeSpan.FromMinutes(5), login.StateLifetime);
        Assert.Equal(new Uri("https://example.com/signin-facebook"), login.RedirectUri);
    }

    [Fact]
    public void AddTokenManager_binds_from_a_section()
    {
        var configuration = Configuration(new()
        {
            ["Tokens:RefreshBeforeExpiry"] = "3.00:00:00",
            ["Tokens:SweepBatchSize"] = "10",
        });

        using var provider = Build(fb => fb.AddTokenManager(configuration.GetSection("Tokens")));

        var options = provider.GetRequiredService<IOptions<TokenManagerOptions>>().Value;
        Assert.Equal(TimeSpan.FromDays(3), options.RefreshBeforeExpiry);
        Assert.Equal(10, options.SweepBatchSize);
        Assert.NotNull(provider.GetRequiredService<IGraphTokenManager>());
    }

    [Fact]
    public void AddTokenValidationSweep_binds_from_a_section()
    {
        var configuration = Configuration(new()
        {
            ["Sweep:SweepInterval"] = "00:30:00",
            ["Sweep:SweepStartDelay"] = "00:00:00",
        });

        using var provider = Build(fb => fb.AddTokenValidationSweep(configuration.GetSection("Sweep")));

        var options = provider.GetRequiredService<IOptions<TokenManagerOptions>>().Value;
        Assert.Equal(TimeSpan.FromMinutes(30), options.SweepInterval);
        Assert.Equal(TimeSpan.Zero, options.SweepStartDelay);
        Assert.Single(provider.GetServices<Microsoft.Extensions.Hosting.IHostedService>(), s => s is FbTokens.Internal.TokenValidationService);
    }

    [Fact]
    public void AddFacebookLogin_binds_from_a_section()
    {
        var configuration = Configuration(new() { ["Dialog:StateLifetime"] = "00:01:00" });

        using var provider = Build(fb => fb.AddFacebookLogin(configuration.GetSection("Dialog")));

        Assert.Equal(TimeSpan.FromMinutes(1), provider.GetRequiredService<IOptions<FacebookLoginOptions>>().Value.StateLifetime);
    }

    [Fact]
    public void Code_runs_after_the_bound_section()
    {
        var configuration = Configuration(new()
        {
            ["FbTokens:AppId"] = AppId,
            ["FbTokens:AppSecret"] = AppSecret,
            ["FbTokens:TokenManager:SweepBatchSize"] = "10",
            ["FbTokens:TokenManager:SweepRetryAttempts"] = "3",
        });
        var services = new ServiceCollection();
        services.AddLogging();

        services.AddFbTokens(configuration.GetSection("FbTokens")).AddTokenManager(o => o.SweepBatchSize = 5);
        using var provider = services.BuildServiceProvider();

        var options = provider.GetRequiredService<IOptions<TokenManagerOptions>>().Value;
        Assert.Equal(5, options.SweepBatchSize);
        Assert.Equal(3, options.SweepRetryAttempts);
    }

    [Theory]
    [MemberData(nameof(BadTokenManagerValues))]
    public void A_bad_token_manager_value_bound_by_convention_is_reported_under_its_key(string key, string value)
    {
        var configuration = Configuration(new()
        {
            ["FbTokens:AppId"] = AppId,
            ["FbTokens:AppSecret"] = AppSecret,
            ["FbTokens:TokenManager:" + key] = value,
        });
        var services = new ServiceCollection();
        services.AddLogging();
        services.AddFbTokens(configuration.GetSection("FbTokens")).AddTokenValidationSweep();
        using var provider = services.BuildServiceProvider();

        var error = Assert.Throws<OptionsValidationException>(() => provider.GetRequiredService<IOptions<TokenManagerOptions>>().Value);

        var failure = Assert.Single(error.Failures);
        Assert.StartsWith("FbTokens:TokenManager:" + key + " ", failure, StringComparison.Ordinal);
    }

    [Theory]
    [MemberData(nameof(BadTokenManagerValues))]
    public void A_bad_token_manager_value_from_a_host_section_is_reported_under_that_section(string key, string value)
    {
        var configuration = Configuration(new() { ["Hosting:Facebook:Tokens:" + key] = value });

        using var provider = Build(fb => fb.AddTokenManager(configuration.GetSection("Hosting:Facebook:Tokens")));

        var error = Assert.Throws<OptionsValidationException>(() => provider.GetRequiredService<IOptions<TokenManagerOptions>>().Value);
        Assert.StartsWith("Hosting:Facebook:Tokens:" + key + " ", Assert.Single(error.Failures), StringComparison.Ordinal);
    }

    [Theory]
    [MemberData(nameof(BadClientValues))]
    public void A_bad_client_value_is_reported_under_the_key_of_the_section_bound(string key, string value)
    {
        foreach (var path in new[] { "FbTokens", "Hosting:Facebook" })
        {
            var configuration = Configuration(new()
            {
                [path + ":AppId"] = AppId,
                [path + ":AppSecret"] = AppSecret,
            });
            configuration[path + ":" + key] = value;
            var services = new ServiceCollection();
            services.AddFbTokens(configuration.GetSection(path));
            using var provider = services.BuildServiceProvider();

            var error = Assert.Throws<OptionsValidationException>(() => provider.GetRequiredService<IOptions<FbTokensOptions>>().Value);

            Assert.StartsWith(path + ":" + key + " ", Assert.Single(error.Failures), StringComparison.Ordinal);
            if (key is "AppSecret" or "ClientToken")
            {
                Assert.DoesNotContain(value, error.Message, StringComparison.Ordinal);
            }
        }
    }

    [Theory]
    [MemberData(nameof(BadLoginValues))]
    public void A_bad_login_value_bound_by_convention_is_reported_under_its_key(string key, string value)
    {
        var configuration = Configuration(new()
        {
            ["FbTokens:AppId"] = AppId,
            ["FbTokens:Login:" + key] = value,
        });
        var services = new ServiceCollection();
        services.AddFbTokens(configuration.GetSection("FbTokens")).AddFacebookLogin();
        using var provider = services.BuildServiceProvider();

        var error = Assert.Throws<OptionsValidationException>(() => provider.GetRequiredService<IOptions<FacebookLoginOptions>>().Value);
        Assert.StartsWith("FbTokens:Login:" + key + " ", Assert.Single(error.Failures), StringComparison.Ordinal);
    }

    [Theory]
    [MemberData(nameof(BadLoginValues))]
    public void A_bad_login_value_from_a_host_section_is_reported_under_that_section(string key, string value)
    {
        var configuration = Configuration(new() { ["Web:FacebookDialog:" + key] = value });

        using var provider = Build(fb => fb.AddFacebookLogin(configuration.GetSection("Web:FacebookDialog")));

        var error = Assert.Throws<OptionsValidationException>(() => provider.GetRequiredService<IOptions<FacebookLoginOptions>>().Value);
        Assert.StartsWith("Web:FacebookDialog:" + key + " ", Assert.Single(error.Failures), StringComparison.Ordinal);
    }

    [Fact]
    public void Every_validator_message_names_a_key_that_was_bound()
    {
        // All the bad values at once: every failure must start with one of the keys set, so no rule names a key that
        // binding does not read, and no rule is missing from the theories above.
        var values = new Dictionary<string, string?> { ["FbTokens:AppId"] = AppId, ["FbTokens:AppSecret"] = AppSecret };
        foreach (var row in BadTokenManagerValues)
        {
            values["FbTokens:TokenManager:" + (string)row[0]] = (string)row[1];
        }

        values["FbTokens:Login:DialogBaseAddress"] = "/relative";
        values["FbTokens:Login:StateLifetime"] = "00:00:00";
        var configuration = Configuration(values);
        var services = new ServiceCollection();
        services.AddLogging();
        services.AddFbTokens(configuration.GetSection("FbTokens")).AddTokenValidationSweep().AddFacebookLogin();
        using var provider = services.BuildServiceProvider();

        var manager = Assert.Throws<OptionsValidationException>(() => provider.GetRequiredService<IOptions<TokenManagerOptions>>().Value);
        var login = Assert.Throws<OptionsValidationException>(() => provider.GetRequiredService<IOptions<FacebookLoginOptions>>().Value);

        var failures = manager.Failures.Concat(login.Failures).ToList();
        Assert.Equal(BadTokenManagerValues.Count + 2, failures.Count);
        Assert.All(failures, f => Assert.Contains(f[..f.IndexOf(' ', StringComparison.Ordinal)], values.Keys));
    }

    [Fact]
    public void Every_client_validator_message_names_a_key_that_was_bound()
    {
        var values = new Dictionary<string, string?>();
        foreach (var row in BadClientValues)
        {
            values["FbTokens:" + (string)row[0]] = (string)row[1];
        }

        var services = new ServiceCollection();
        services.AddFbTokens(Configuration(values).GetSection("FbTokens"));
        using var provider = services.BuildServiceProvider();

        var error = Assert.Throws<OptionsValidationException>(() => provider.GetRequiredService<IOptions<FbTokensOptions>>().Value);

        Assert.True(error.Failures.Count() >= 20);
        Assert.All(error.Failures, f => Assert.Contains(f[..f.IndexOf(' ', StringComparison.Ordinal)], values.Keys));
    }

    [Fact]
    public void Options_set_in_code_are_reported_under_the_conventional_keys()
    {
        using var provider = Build(fb => fb.AddTokenManager(o => o.SweepInterval = TimeSpan.FromSeconds(1)).AddFacebookLogin(o => o.StateLifetime = TimeSpan.Zero));

        var manager = Assert.Throws<OptionsValidationException>(() => provider.GetRequiredService<IOptions<TokenManagerOptions>>().Value);
        var login = Assert.Throws<OptionsValidationException>(() => provider.GetRequiredService<IOptions<FacebookLoginOptions>>().Value);

        Assert.StartsWith("FbTokens:TokenManager:SweepInterval ", Assert.Single(manager.Failures), StringComparison.Ordinal);
        Assert.StartsWith("FbTokens:Login:StateLifetime ", Assert.Single(login.Failures), StringComparison.Ordinal);
    }

    private static IConfigurationRoot Configuration(Dictionary<string, string?> values) =>
        new ConfigurationBuilder().AddInMemoryCollection(values).Build();

    private static ServiceProvider Build(Action<IFbTokensBuilder> build)
    {
        var services = new ServiceCollection();
        services.AddLogging();
        build(services.AddFbTokens(o =>
        {
            o.AppId = AppId;
            o.AppSecret = AppSecret;
        }));
        return services.BuildServiceProvider();
    }
}
