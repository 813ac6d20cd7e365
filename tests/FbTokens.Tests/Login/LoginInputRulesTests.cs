using FbTokens.Internal;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Time.Testing;

namespace FbTokens.Tests.Login;

/// <summary>What a login request and the login options may hold, and the message each refusal gives.</summary>
public sealed class LoginInputRulesTests
{
    private static readonly Uri Callback = new("https://app.example.com/facebook/callback");

    private static readonly FacebookLoginUrlBuilder Login = new(
        Microsoft.Extensions.Options.Options.Create(new FbTokensOptions { AppId = "138483919580948" }),
        Microsoft.Extensions.Options.Options.Create(new FacebookLoginOptions()),
        new FakeTimeProvider(),
        NullLogger<FacebookLoginUrlBuilder>.Instance);

    private static string Refusal(FacebookLoginRequest request, string member)
    {
        var error = Assert.Throws<ArgumentException>(() => Login.Build(request));
        Assert.Equal("request." + member, error.ParamName);
        return error.Message;
    }

    [Theory]
    [InlineData("/facebook/callback", "The redirect URI must be absolute, exactly as registered for the app.")]
    [InlineData("http://app.example.com/callback", "The redirect URI must use https (http is allowed only for localhost and loopback addresses).")]
    [InlineData("https://app.example.com/callback#", "The redirect URI must not have a fragment (#...).")]
    [InlineData("https://app.example.com/callback#top", "The redirect URI must not have a fragment (#...).")]
    [InlineData("https://app.example.com/call\u0001back", "The redirect URI contains control characters.")]
    public void A_bad_redirect_uri_is_refused_saying_why(string redirect, string message)
    {
        Assert.StartsWith(message, Refusal(new FacebookLoginRequest(new Uri(redirect, UriKind.RelativeOrAbsolute)), "RedirectUri"), StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("", "A scope is null or empty.")]
    [InlineData(null, "A scope is null or empty.")]
    [InlineData("email,public_profile", "A scope contains white space, a comma or a control character: give each permission as its own item, e.g. [\"email\", \"pages_show_list\"].")]
    public void A_bad_scope_is_refused_saying_why(string? scope, string message)
    {
        Assert.StartsWith(message, Refusal(new FacebookLoginRequest(Callback) { Scopes = [scope!] }, "Scopes"), StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("")]
    [InlineData("12\t34")]
    public void A_bad_config_id_is_refused_saying_why(string configId)
    {
        Assert.StartsWith(
            "The config id is empty or contains white space or control characters.",
            Refusal(new FacebookLoginRequest(Callback) { ConfigId = configId }, "ConfigId"),
            StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(1.0)]
    [InlineData(86_400.0)]
    public void The_shortest_and_longest_state_lifetimes_pass(double seconds)
    {
        var result = new FacebookLoginOptionsValidator().Validate(null, new FacebookLoginOptions { StateLifetime = TimeSpan.FromSeconds(seconds) });

        Assert.True(result.Succeeded);
    }

    [Theory]
    [InlineData(-1L)]
    [InlineData(1L)]
    public void A_state_lifetime_just_outside_one_second_to_one_day_is_refused(long ticksPastTheEdge)
    {
        var lifetime = ticksPastTheEdge < 0 ? TimeSpan.FromSeconds(1) - TimeSpan.FromTicks(1) : TimeSpan.FromDays(1) + TimeSpan.FromTicks(1);

        var result = new FacebookLoginOptionsValidator().Validate(null, new FacebookLoginOptions { StateLifetime = lifetime });

        Assert.Equal("FbTokens:Login:StateLifetime must be between 1 second and 1 day.", Assert.Single(result.Failures!));
    }

    [Theory]
    [InlineData(null, "FbTokens:Login:DialogBaseAddress must be an absolute URI such as https://www.facebook.com/.")]
    [InlineData("/dialog/", "FbTokens:Login:DialogBaseAddress must be an absolute URI such as https://www.facebook.com/.")]
    [InlineData("http://www.facebook.com/", "FbTokens:Login:DialogBaseAddress must use https (http only on loopback).")]
    public void A_bad_dialog_address_is_refused_naming_its_key(string? address, string message)
    {
        var options = new FacebookLoginOptions { DialogBaseAddress = address is null ? null! : new Uri(address, UriKind.RelativeOrAbsolute) };

        var result = new FacebookLoginOptionsValidator().Validate(null, options);

        Assert.Equal(message, Assert.Single(result.Failures!));
    }

    [Fact]
    public void A_loopback_http_dialog_address_passes()
    {
        var result = new FacebookLoginOptionsValidator().Validate(null, new FacebookLoginOptions { DialogBaseAddress = new Uri("http://127.0.0.1:5100/") });

        Assert.True(result.Succeeded);
    }
}
