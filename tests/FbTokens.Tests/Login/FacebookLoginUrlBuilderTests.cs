using System.Text.RegularExpressions;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;
using Microsoft.Extensions.Time.Testing;

namespace FbTokens.Tests.Login;

public sealed partial class FacebookLoginUrlBuilderTests : IDisposable
{
    private const string AppId = "138483919580948";
    private static readonly Uri Callback = new("https://app.example.com/facebook/callback");
    private readonly FakeTimeProvider _time = new(new DateTimeOffset(2026, 11, 2, 9, 30, 0, TimeSpan.Zero));
    private readonly ServiceProvider _provider;
    private readonly IFacebookLoginUrlBuilder _login;

    public FacebookLoginUrlBuilderTests()
    {
        _provider = CreateProvider(_time, configure: null);
        _login = _provider.GetRequiredService<IFacebookLoginUrlBuilder>();
    }

    public void Dispose() => _provider.Dispose();

    private static ServiceProvider CreateProvider(TimeProvider time, Action<FacebookLoginOptions>? configure, string version = "v24.0")
    {
        var services = new ServiceCollection();
        services.AddSingleton(time);
        services.AddFbTokens(o =>
        {
            o.AppId = AppId;
            o.AppSecret = "app-secret-never-in-a-url";
            o.GraphApiVersion = version;
        }).AddFacebookLogin(configure);
        return services.BuildServiceProvider();
    }

    private static Dictionary<string, string> RawQuery(Uri url) =>
        url.Query.TrimStart('?').Split('&').Select(p => p.Split('=', 2)).ToDictionary(p => p[0], p => p[1], StringComparer.Ordinal);

    private static Dictionary<string, string> Query(Uri url) =>
        RawQuery(url).ToDictionary(p => p.Key, p => Uri.UnescapeDataString(p.Value), StringComparer.Ordinal);

    [Fact]
    public void Builds_the_dialog_url_with_every_required_parameter()
    {
        var result = _login.Build(new FacebookLoginRequest(Callback));

        Assert.Equal("https://www.facebook.com/v24.0/dialog/oauth", result.Url.GetLeftPart(UriPartial.Path));
        // As printed or serialised: no default port, nothing unescaped.
        Assert.StartsWith("https://www.facebook.com/v24.0/dialog/oauth?client_id=" + AppId + "&", result.Url.OriginalString, StringComparison.Ordinal);
        Assert.Equal(result.Url.AbsoluteUri, result.Url.OriginalString);
        var query = Query(result.Url);
        Assert.Equal(AppId, query["client_id"]);
        Assert.Equal(Callback.AbsoluteUri, query["redirect_uri"]);
        Assert.Equal(result.State.Value, query["state"]);
        Assert.Equal("code", query["response_type"]);
        Assert.False(query.ContainsKey("scope"));
        Assert.False(query.ContainsKey("auth_type"));
        Assert.False(query.ContainsKey("config_id"));
        Assert.DoesNotContain("app-secret", result.Url.AbsoluteUri, StringComparison.Ordinal);
    }

    [Fact]
    public void The_state_records_its_creation_time_and_redirect_uri()
    {
        var result = _login.Build(new FacebookLoginRequest(Callback));

        Assert.Equal(_time.GetUtcNow(), result.State.CreatedAt);
        Assert.Equal(Callback, result.State.RedirectUri);
    }

    [Fact]
    public void Uses_the_configured_graph_version_and_dialog_host()
    {
        using var provider = CreateProvider(_time, o => o.DialogBaseAddress = new Uri("http://127.0.0.1:5055/"), version: "v23.0");
        var login = provider.GetRequiredService<IFacebookLoginUrlBuilder>();

        var result = login.Build(new FacebookLoginRequest(Callback));

        Assert.Equal("http://127.0.0.1:5055/v23.0/dialog/oauth", result.Url.GetLeftPart(UriPartial.Path));
    }

    [Fact]
    public void Encodes_a_redirect_uri_with_its_own_query_string()
    {
        var redirect = new Uri("https://app.example.com/cb?tenant=a%20b&next=%2Fhome&x=1");

        var result = _login.Build(new FacebookLoginRequest(redirect));

        var raw = RawQuery(result.Url);
        Assert.DoesNotContain("&", raw["redirect_uri"], StringComparison.Ordinal);
        Assert.DoesNotContain("?", raw["redirect_uri"], StringComparison.Ordinal);
        Assert.Equal("https%3A%2F%2Fapp.example.com%2Fcb%3Ftenant%3Da%2520b%26next%3D%252Fhome%26x%3D1", raw["redirect_uri"]);
        Assert.Equal(redirect.AbsoluteUri, Query(result.Url)["redirect_uri"]);
        Assert.Equal(4, raw.Count); // tenant, next and x did not leak into the dialog's own query
    }

    [Fact]
    public void Joins_scopes_with_commas()
    {
        var result = _login.Build(new FacebookLoginRequest(Callback) { Scopes = ["email", "pages_show_list", "pages_read_engagement"] });

        Assert.Equal("email,pages_show_list,pages_read_engagement", RawQuery(result.Url)["scope"]);
    }

    [Fact]
    public void Rerequest_adds_auth_type()
    {
        var result = _login.Build(new FacebookLoginRequest(Callback) { Scopes = ["email"], AuthType = FacebookLoginAuthType.Rerequest });

        Assert.Equal("rerequest", Query(result.Url)["auth_type"]);
    }

    [Fact]
    public void Reauthorize_adds_auth_type_and_none_adds_nothing()
    {
        var reauthorize = _login.Build(new FacebookLoginRequest(Callback) { AuthType = FacebookLoginAuthType.Reauthorize });
        var plain = _login.Build(new FacebookLoginRequest(Callback));

        Assert.Equal("reauthorize", Query(reauthorize.Url)["auth_type"]);
        Assert.False(Query(plain.Url).ContainsKey("auth_type"));
    }

    [Fact]
    public void Config_id_is_sent_for_login_for_business()
    {
        var result = _login.Build(new FacebookLoginRequest(Callback) { ConfigId = "1234567890123" });

        Assert.Equal("1234567890123", Query(result.Url)["config_id"]);
    }

    [Fact]
    public void Each_state_is_fresh_256_bit_base64url()
    {
        var states = Enumerable.Range(0, 200).Select(_ => _login.Build(new FacebookLoginRequest(Callback)).State.Value).ToList();

        Assert.Equal(states.Count, states.Distinct(StringComparer.Ordinal).Count());
        Assert.All(states, s => Assert.Matches(Base64Url(), s));
        Assert.All(states, s => Assert.Equal(43, s.Length)); // 32 bytes = 256 bits
        // Every base64url character shows up across 200 states: the value is not a counter or a timestamp.
        Assert.True(string.Concat(states).Distinct().Count() > 60);
    }

    [Fact]
    public void Printing_never_shows_the_state_value()
    {
        var result = _login.Build(new FacebookLoginRequest(Callback) { Scopes = ["email"] });

        Assert.DoesNotContain(result.State.Value, result.State.ToString(), StringComparison.Ordinal);
        Assert.DoesNotContain(result.State.Value, result.ToString(), StringComparison.Ordinal);
        Assert.Contains("(43 chars)", result.State.ToString(), StringComparison.Ordinal);
    }

    [Fact]
    public void A_matching_fresh_state_validates_and_returns_the_redirect_uri()
    {
        var result = _login.Build(new FacebookLoginRequest(Callback));
        _time.Advance(TimeSpan.FromMinutes(9));

        var redirectUri = _login.ValidateCallback(result.State, result.State.Value);

        Assert.Equal(Callback, redirectUri);
    }

    [Fact]
    public void A_state_kept_in_a_cookie_validates_on_another_instance()
    {
        var result = _login.Build(new FacebookLoginRequest(Callback));
        using var otherProvider = CreateProvider(_time, configure: null);
        var otherInstance = otherProvider.GetRequiredService<IFacebookLoginUrlBuilder>();
        var fromCookie = new FacebookLoginState(result.State.Value, result.State.CreatedAt, result.State.RedirectUri);

        var redirectUri = otherInstance.ValidateCallback(fromCookie, result.State.Value);

        Assert.Equal(Callback, redirectUri);
    }

    [Fact]
    public void Another_state_is_a_mismatch()
    {
        var first = _login.Build(new FacebookLoginRequest(Callback));
        var second = _login.Build(new FacebookLoginRequest(Callback));

        var error = Assert.Throws<FacebookLoginStateException>(() => _login.ValidateCallback(first.State, second.State.Value));

        Assert.Equal(FacebookLoginStateFailure.Mismatch, error.Reason);
        Assert.DoesNotContain(first.State.Value, error.ToString(), StringComparison.Ordinal);
        Assert.DoesNotContain(second.State.Value, error.ToString(), StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("flip-last")]
    [InlineData("truncate")]
    [InlineData("append")]
    [InlineData("case")]
    public void A_tampered_state_is_a_mismatch(string tampering)
    {
        var result = _login.Build(new FacebookLoginRequest(Callback));
        var value = result.State.Value;
        var tampered = tampering switch
        {
            "flip-last" => value[..^1] + (value[^1] == 'A' ? 'B' : 'A'),
            "truncate" => value[..^1],
            "append" => value + "A",
            _ => value.Any(char.IsLower) ? value.ToUpperInvariant() : value.ToLowerInvariant(),
        };

        var error = Assert.Throws<FacebookLoginStateException>(() => _login.ValidateCallback(result.State, tampered));

        Assert.Equal(FacebookLoginStateFailure.Mismatch, error.Reason);
    }

    [Fact]
    public void A_kept_state_with_a_forged_future_creation_time_is_rejected()
    {
        var result = _login.Build(new FacebookLoginRequest(Callback));
        var forged = result.State with { CreatedAt = _time.GetUtcNow().AddDays(1) };

        var error = Assert.Throws<FacebookLoginStateException>(() => _login.ValidateCallback(forged, forged.Value));

        Assert.Equal(FacebookLoginStateFailure.Mismatch, error.Reason);
    }

    [Theory]
    [InlineData(null)]
    [InlineData("")]
    public void A_callback_without_state_is_missing(string? returned)
    {
        var result = _login.Build(new FacebookLoginRequest(Callback));

        var error = Assert.Throws<FacebookLoginStateException>(() => _login.ValidateCallback(result.State, returned));

        Assert.Equal(FacebookLoginStateFailure.Missing, error.Reason);
    }

    [Fact]
    public void No_kept_state_is_missing()
    {
        var result = _login.Build(new FacebookLoginRequest(Callback));

        var error = Assert.Throws<FacebookLoginStateException>(() => _login.ValidateCallback(null, result.State.Value));

        Assert.Equal(FacebookLoginStateFailure.Missing, error.Reason);
    }

    [Fact]
    public void A_state_expires_after_the_lifetime()
    {
        var result = _login.Build(new FacebookLoginRequest(Callback));
        _time.Advance(TimeSpan.FromMinutes(10));

        var error = Assert.Throws<FacebookLoginStateException>(() => _login.ValidateCallback(result.State, result.State.Value));

        Assert.Equal(FacebookLoginStateFailure.Expired, error.Reason);
    }

    [Fact]
    public void The_lifetime_is_configurable()
    {
        using var provider = CreateProvider(_time, o => o.StateLifetime = TimeSpan.FromMinutes(2));
        var login = provider.GetRequiredService<IFacebookLoginUrlBuilder>();
        var kept = login.Build(new FacebookLoginRequest(Callback)).State;
        var stillFresh = login.Build(new FacebookLoginRequest(Callback)).State;

        _time.Advance(TimeSpan.FromSeconds(119));
        login.ValidateCallback(stillFresh, stillFresh.Value);
        _time.Advance(TimeSpan.FromSeconds(1));

        Assert.Equal(FacebookLoginStateFailure.Expired, Assert.Throws<FacebookLoginStateException>(() => login.ValidateCallback(kept, kept.Value)).Reason);
    }

    [Fact]
    public void A_state_is_single_use()
    {
        var result = _login.Build(new FacebookLoginRequest(Callback));
        _login.ValidateCallback(result.State, result.State.Value);

        var error = Assert.Throws<FacebookLoginStateException>(() => _login.ValidateCallback(result.State, result.State.Value));

        Assert.Equal(FacebookLoginStateFailure.Reused, error.Reason);
    }

    [Fact]
    public void A_rejected_attempt_does_not_spend_the_state()
    {
        var result = _login.Build(new FacebookLoginRequest(Callback));
        Assert.Throws<FacebookLoginStateException>(() => _login.ValidateCallback(result.State, "forged"));

        var redirectUri = _login.ValidateCallback(result.State, result.State.Value);

        Assert.Equal(Callback, redirectUri);
    }

    [Theory]
    [InlineData("/facebook/callback")]
    [InlineData("http://app.example.com/callback")]
    [InlineData("ftp://app.example.com/callback")]
    [InlineData("https://app.example.com/callback#fragment")]
    public void Rejects_a_redirect_uri_that_is_relative_not_https_or_has_a_fragment(string redirect)
    {
        var uri = new Uri(redirect, UriKind.RelativeOrAbsolute);

        var error = Assert.Throws<ArgumentException>(() => _login.Build(new FacebookLoginRequest(uri)));

        Assert.Equal("request.RedirectUri", error.ParamName);
        Assert.EndsWith("(Parameter 'request.RedirectUri')", error.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("http://localhost:5000/callback")]
    [InlineData("http://127.0.0.1/callback")]
    [InlineData("http://[::1]:8080/callback")]
    public void Allows_http_on_loopback(string redirect)
    {
        var result = _login.Build(new FacebookLoginRequest(new Uri(redirect)));

        Assert.Equal(new Uri(redirect).AbsoluteUri, Query(result.Url)["redirect_uri"]);
    }

    [Fact]
    public void Rejects_a_null_request_or_redirect_uri()
    {
        Assert.Throws<ArgumentNullException>(() => _login.Build(null!));
        Assert.Throws<ArgumentNullException>(() => _login.Build(new FacebookLoginRequest(null!)));
    }

    [Theory]
    [InlineData("email,pages_show_list")]
    [InlineData("email pages_show_list")]
    [InlineData("")]
    [InlineData("email\n")]
    [InlineData("\u0007")]
    public void Rejects_a_bad_scope(string scope)
    {
        var error = Assert.Throws<ArgumentException>(() => _login.Build(new FacebookLoginRequest(Callback) { Scopes = ["email", scope] }));

        Assert.Equal("request.Scopes", error.ParamName);
    }

    [Theory]
    [InlineData("")]
    [InlineData("12 34")]
    [InlineData("12\r\n34")]
    public void Rejects_a_bad_config_id(string configId)
    {
        Assert.Throws<ArgumentException>(() => _login.Build(new FacebookLoginRequest(Callback) { ConfigId = configId }));
    }

    [Fact]
    public async Task Invalid_login_options_fail_at_start()
    {
        var builder = Host.CreateApplicationBuilder();
        builder.Services.AddFbTokens(o => { o.AppId = AppId; o.AppSecret = "s"; }).AddFacebookLogin(o =>
        {
            o.DialogBaseAddress = new Uri("http://www.facebook.com/");
            o.StateLifetime = TimeSpan.Zero;
        });
        using var host = builder.Build();

        var error = await Assert.ThrowsAsync<OptionsValidationException>(() => host.StartAsync());

        Assert.Contains(error.Failures, f => f.Contains("DialogBaseAddress", StringComparison.Ordinal));
        Assert.Contains(error.Failures, f => f.Contains("StateLifetime", StringComparison.Ordinal));
    }

    [Fact]
    public void Options_bind_from_configuration()
    {
        var configuration = new ConfigurationBuilder()
            .AddInMemoryCollection(new Dictionary<string, string?> { ["DialogBaseAddress"] = "https://m.facebook.com/", ["StateLifetime"] = "00:05:00" })
            .Build();
        var services = new ServiceCollection();
        services.AddFbTokens(o => o.AppId = AppId).AddFacebookLogin(configuration);
        using var provider = services.BuildServiceProvider();

        var options = provider.GetRequiredService<IOptions<FacebookLoginOptions>>().Value;

        Assert.Equal(new Uri("https://m.facebook.com/"), options.DialogBaseAddress);
        Assert.Equal(TimeSpan.FromMinutes(5), options.StateLifetime);
        Assert.StartsWith("https://m.facebook.com/v24.0/dialog/oauth?", provider.GetRequiredService<IFacebookLoginUrlBuilder>().Build(new FacebookLoginRequest(Callback)).Url.AbsoluteUri, StringComparison.Ordinal);
    }

    [Fact]
    public void Login_data_types_are_immutable_sealed_records()
    {
        foreach (var type in new[] { typeof(FacebookLoginRequest), typeof(FacebookLoginUrl), typeof(FacebookLoginState) })
        {
            Assert.True(type.IsSealed, type.Name);
            Assert.NotNull(type.GetMethod("<Clone>$"));
            Assert.All(type.GetProperties(), p => Assert.True(p.SetMethod is null || p.SetMethod.ReturnParameter.GetRequiredCustomModifiers().Any(m => m.Name == "IsExternalInit"), $"{type.Name}.{p.Name}"));
        }
    }

    [GeneratedRegex("^[A-Za-z0-9_-]+$")]
    private static partial Regex Base64Url();
}
