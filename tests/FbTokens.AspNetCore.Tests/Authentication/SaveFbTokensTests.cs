using System.Net;
using System.Security.Claims;
using System.Text.Encodings.Web;
using System.Text.Json;
using FbTokens.AspNetCore.Tests.Framework;
using FbTokens.Testing;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Authentication.Cookies;
using Microsoft.AspNetCore.Authentication.OAuth;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.WebUtilities;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace FbTokens.AspNetCore.Tests.Authentication;

/// <summary>The bridge on ASP.NET Core's generic OAuth handler pointed at the emulator (the Facebook handler shares its options and events).</summary>
public sealed class SaveFbTokensTests
{
    private const string Scheme = "facebook";

    private sealed class Probe
    {
        public List<string> HostEvents { get; } = [];

        /// <summary>When set, the handler maps a user-info "id" like the Facebook handler does, before the events run.</summary>
        public string? UserInfoId { get; set; }
    }

    /// <summary>Like ASP.NET Core's Facebook handler: runs the claim actions on the user info, then the events.</summary>
    private sealed class UserInfoOAuthHandler(IOptionsMonitor<OAuthOptions> options, ILoggerFactory logger, UrlEncoder encoder, Probe probe)
        : OAuthHandler<OAuthOptions>(options, logger, encoder)
    {
        protected override async Task<AuthenticationTicket> CreateTicketAsync(ClaimsIdentity identity, AuthenticationProperties properties, OAuthTokenResponse tokens)
        {
            using var user = JsonDocument.Parse(JsonSerializer.Serialize(new { id = probe.UserInfoId }));
            var context = new OAuthCreatingTicketContext(new ClaimsPrincipal(identity), properties, Context, Scheme, Options, Backchannel, tokens, user.RootElement);
            context.RunClaimActions();
            await Events.CreatingTicket(context);
            return new AuthenticationTicket(context.Principal!, context.Properties, Scheme.Name);
        }
    }

    private static Task<WebTestHost> HostAsync(Action<OAuthOptions, Probe> configure, Probe probe) =>
        WebTestHost.StartAsync(
            app =>
            {
                app.UseAuthentication();
                app.MapGet("/challenge", () => Results.Challenge(new AuthenticationProperties { RedirectUri = "/done" }, [Scheme]));
                app.MapGet("/me", async (HttpContext http) =>
                {
                    var result = await http.GetFacebookUserTokenAsync();
                    return $"{result.Status}:{string.Join(',', http.User.FindAll(ClaimTypes.NameIdentifier).Select(c => c.Value))}";
                });
            },
            (builder, emulator) => builder.Services
                .AddSingleton(probe)
                .AddAuthentication(CookieAuthenticationDefaults.AuthenticationScheme)
                .AddCookie()
                .AddOAuth<OAuthOptions, UserInfoOAuthHandler>(Scheme, o =>
                {
                    o.ClaimActions.MapJsonKey(ClaimTypes.NameIdentifier, "id");
                    o.ClientId = emulator.DefaultApp.AppId;
                    o.ClientSecret = emulator.DefaultApp.AppSecret;
                    o.AuthorizationEndpoint = $"https://www.facebook.com/{FbTokensOptions.DefaultGraphApiVersion}/dialog/oauth";
                    o.TokenEndpoint = new Uri(GraphTokenEmulator.InMemoryBaseAddress, $"{FbTokensOptions.DefaultGraphApiVersion}/oauth/access_token").AbsoluteUri;
                    o.CallbackPath = "/signin-facebook";
                    o.BackchannelHttpHandler = emulator.CreateHttpMessageHandler();
                    configure(o, probe);
                }));

    /// <summary>Challenge, then the callback with the code the dialog would have given; returns the callback's answer.</summary>
    private static async Task<HttpResponseMessage> SignInAsync(WebTestHost host, EmulatedUser user)
    {
        var challenge = await host.Client.GetAsync("/challenge");
        Assert.Equal(HttpStatusCode.Redirect, challenge.StatusCode);
        var query = QueryHelpers.ParseQuery(challenge.Headers.Location!.Query);
        var redirect = new Uri(query["redirect_uri"].ToString());
        var code = host.Emulator.CreateAuthorizationCode(user.Id, redirect);
        return await host.Client.GetAsync($"{redirect.AbsolutePath}?code={Uri.EscapeDataString(code)}&state={Uri.EscapeDataString(query["state"].ToString())}");
    }

    [Fact]
    public async Task Sign_in_saves_the_long_lived_user_token_and_page_tokens_and_adds_the_user_id_claim()
    {
        var probe = new Probe();
        await using var host = await HostAsync((o, _) => o.SaveFbTokens(includePageTokens: true), probe);
        var user = host.Emulator.CreateTestUser();
        var page = host.Emulator.CreatePage(user.Id);

        var response = await SignInAsync(host, user);

        Assert.Equal(HttpStatusCode.Redirect, response.StatusCode);
        Assert.Equal("/done", response.Headers.Location!.OriginalString);
        Assert.Equal($"Found:{user.Id}", await host.Client.GetStringAsync("/me"));
        var stored = await host.Manager.GetTokenAsync(TokenKey.ForUser(user.Id));
        Assert.True(host.Emulator.FindToken(stored.Value)!.IsLongLived);
        Assert.Equal(user.Id, (await host.Manager.GetTokenAsync(TokenKey.ForPage(page.Id))).OwnerUserId);
    }

    [Fact]
    public async Task Without_the_opt_in_nothing_is_stored()
    {
        var probe = new Probe();
        await using var host = await HostAsync((_, _) => { }, probe);
        var user = host.Emulator.CreateTestUser();

        await SignInAsync(host, user);

        Assert.Null(await host.Store.GetAsync(TokenKey.ForUser(user.Id)));
    }

    [Fact]
    public async Task The_hosts_OnCreatingTicket_runs_after_the_save_when_set_after_the_opt_in()
    {
        var probe = new Probe();
        await using var host = await HostAsync(
            (o, p) =>
            {
                o.SaveFbTokens();
                o.Events.OnCreatingTicket = ctx =>
                {
                    p.HostEvents.Add("creating:" + ctx.Identity!.FindFirst(ClaimTypes.NameIdentifier)?.Value);
                    return Task.CompletedTask;
                };
            },
            probe);
        var user = host.Emulator.CreateTestUser();

        await SignInAsync(host, user);

        Assert.Equal(["creating:" + user.Id], probe.HostEvents);
    }

    [Fact]
    public async Task The_hosts_events_set_before_the_opt_in_keep_running()
    {
        var probe = new Probe();
        await using var host = await HostAsync(
            (o, p) =>
            {
                o.Events.OnCreatingTicket = _ =>
                {
                    p.HostEvents.Add("creating");
                    return Task.CompletedTask;
                };
                o.Events.OnTicketReceived = _ =>
                {
                    p.HostEvents.Add("received");
                    return Task.CompletedTask;
                };
                o.SaveFbTokens();
            },
            probe);
        var user = host.Emulator.CreateTestUser();

        await SignInAsync(host, user);

        Assert.Equal(["creating", "received"], probe.HostEvents);
        Assert.NotNull(await host.Store.GetAsync(TokenKey.ForUser(user.Id)));
    }

    private sealed class HostEvents(Probe probe) : OAuthEvents
    {
        public override Task CreatingTicket(OAuthCreatingTicketContext context)
        {
            probe.HostEvents.Add("subclass:" + context.Identity!.FindFirst(ClaimTypes.NameIdentifier)?.Value);
            return Task.CompletedTask;
        }
    }

    [Fact]
    public async Task A_hosts_events_subclass_set_before_the_opt_in_keeps_running()
    {
        var probe = new Probe();
        await using var host = await HostAsync(
            (o, p) =>
            {
                o.Events = new HostEvents(p);
                o.SaveFbTokens();
            },
            probe);
        var user = host.Emulator.CreateTestUser();

        await SignInAsync(host, user);

        Assert.Equal(["subclass:" + user.Id], probe.HostEvents);
    }

    [Fact]
    public async Task A_user_id_claim_that_names_another_user_fails_the_sign_in_through_OnRemoteFailure()
    {
        var probe = new Probe();
        await using var host = await HostAsync(
            (o, p) =>
            {
                p.UserInfoId = "999999";
                o.SaveFbTokens();
                o.Events.OnRemoteFailure = ctx =>
                {
                    p.HostEvents.Add("failure");
                    ctx.Response.StatusCode = 403;
                    ctx.HandleResponse();
                    return Task.CompletedTask;
                };
            },
            probe);
        var user = host.Emulator.CreateTestUser();

        var response = await SignInAsync(host, user);

        Assert.Equal(HttpStatusCode.Forbidden, response.StatusCode);
        Assert.Equal(["failure"], probe.HostEvents);
        Assert.Equal("NotSignedIn:", await host.Client.GetStringAsync("/me"));
    }

    [Fact]
    public async Task A_user_id_claim_the_handler_mapped_for_the_same_user_is_kept_as_the_only_one()
    {
        var probe = new Probe();
        await using var host = await HostAsync((o, _) => o.SaveFbTokens(), probe);
        var user = host.Emulator.CreateTestUser();
        probe.UserInfoId = user.Id;

        await SignInAsync(host, user);

        Assert.Equal($"Found:{user.Id}", await host.Client.GetStringAsync("/me"));
    }

    [Fact]
    public void Calling_it_twice_keeps_one_wrapper_and_the_wider_page_choice()
    {
        var options = new OAuthOptions();
        options.SaveFbTokens();
        var events = options.Events;
        options.SaveFbTokens(includePageTokens: true);

        Assert.Same(events, options.Events);
        Assert.True(((FbTokens.Internal.FbTokensOAuthEvents)options.Events).IncludePageTokens);
    }
}
