using FbTokens.Internal;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Time.Testing;

namespace FbTokens.Tests.Login;

/// <summary>The edges of callback validation: the instant a state expires, the clock skew it tolerates, and what each rejection says.</summary>
public sealed class LoginCallbackRulesTests
{
    private static readonly Uri Callback = new("https://app.example.com/facebook/callback");
    private readonly FakeTimeProvider _time = new(new DateTimeOffset(2026, 11, 2, 9, 30, 0, TimeSpan.Zero));
    private readonly FacebookLoginUrlBuilder _login;

    public LoginCallbackRulesTests()
    {
        _login = new FacebookLoginUrlBuilder(
            Microsoft.Extensions.Options.Options.Create(new FbTokensOptions { AppId = "138483919580948" }),
            Microsoft.Extensions.Options.Options.Create(new FacebookLoginOptions { StateLifetime = TimeSpan.FromMinutes(5) }),
            _time,
            NullLogger<FacebookLoginUrlBuilder>.Instance);
    }

    private FacebookLoginState NewState() => _login.Build(new FacebookLoginRequest(Callback)).State;

    private FacebookLoginStateException Rejected(FacebookLoginState? stored, string? returned) =>
        Assert.Throws<FacebookLoginStateException>(() => _login.ValidateCallback(stored, returned));

    [Fact]
    public void A_state_is_accepted_until_the_instant_its_lifetime_ends()
    {
        var early = NewState();
        var late = NewState();

        _time.Advance(TimeSpan.FromMinutes(5) - TimeSpan.FromTicks(1));
        Assert.Equal(Callback, _login.ValidateCallback(early, early.Value));
        _time.Advance(TimeSpan.FromTicks(1));
        var error = Rejected(late, late.Value);

        Assert.Equal(FacebookLoginStateFailure.Expired, error.Reason);
        Assert.Equal("The login state expired 0 s ago (lifetime 00:05:00).", error.Message);
    }

    [Fact]
    public void An_expired_state_says_how_long_ago_it_expired()
    {
        var state = NewState();
        _time.Advance(TimeSpan.FromMinutes(5) + TimeSpan.FromSeconds(42));

        Assert.Equal("The login state expired 42 s ago (lifetime 00:05:00).", Rejected(state, state.Value).Message);
    }

    [Fact]
    public void A_state_created_up_to_a_minute_ahead_of_this_clock_is_accepted()
    {
        var state = NewState() with { CreatedAt = _time.GetUtcNow().AddMinutes(1) };

        Assert.Equal(Callback, _login.ValidateCallback(state, state.Value));
    }

    [Fact]
    public void A_state_created_more_than_a_minute_ahead_is_refused_as_forged()
    {
        var state = NewState() with { CreatedAt = _time.GetUtcNow().AddMinutes(1).AddTicks(1) };

        var error = Rejected(state, state.Value);

        Assert.Equal(FacebookLoginStateFailure.Mismatch, error.Reason);
        Assert.Equal("The kept login state claims to be created in the future: it was not created by this app.", error.Message);
    }

    [Fact]
    public void A_kept_state_without_a_value_is_missing_on_the_app_side()
    {
        var state = NewState() with { Value = string.Empty };

        var error = Rejected(state, "returned-state");

        Assert.Equal(FacebookLoginStateFailure.Missing, error.Reason);
        Assert.Equal("The app kept no login state for this browser (cookie or session lost, blocked or never set).", error.Message);
        Assert.Equal(error.Message, Rejected(null, "returned-state").Message);
    }

    [Fact]
    public void A_callback_without_state_is_missing_on_the_callback_side()
    {
        var state = NewState();

        var error = Rejected(state, null);

        Assert.Equal(FacebookLoginStateFailure.Missing, error.Reason);
        Assert.Equal("The callback has no 'state' parameter.", error.Message);
        Assert.Equal(error.Message, Rejected(state, string.Empty).Message);
    }

    [Fact]
    public void A_mismatch_and_a_replay_each_say_what_may_be_going_on()
    {
        var state = NewState();

        Assert.Equal("The callback's 'state' does not match the state the app kept: the request may be forged.", Rejected(state, state.Value + "x").Message);
        _login.ValidateCallback(state, state.Value);
        var replay = Rejected(state, state.Value);
        Assert.Equal(FacebookLoginStateFailure.Reused, replay.Reason);
        Assert.Equal("The login state was already used for a callback: the request may be replayed.", replay.Message);
    }

    [Fact]
    public void Printing_a_state_and_a_url_shows_when_and_where_but_neither_the_state_nor_the_query()
    {
        var url = _login.Build(new FacebookLoginRequest(Callback) { Scopes = ["email"] });

        Assert.Equal(
            "FacebookLoginState { Value = " + url.State.Value[..4] + "…(43 chars), CreatedAt = 2026-11-02T09:30:00.0000000+00:00, RedirectUri = https://app.example.com/facebook/callback }",
            url.State.ToString());
        Assert.Equal(
            "FacebookLoginUrl { Url = https://www.facebook.com/v24.0/dialog/oauth?…, State = " + url.State + " }",
            url.ToString());
    }
}
