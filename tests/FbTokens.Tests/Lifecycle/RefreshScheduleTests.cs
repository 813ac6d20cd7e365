using FbTokens.Internal;

namespace FbTokens.Tests.Lifecycle;

public sealed class RefreshScheduleTests
{
    private static readonly DateTimeOffset Expiry = new(2027, 1, 1, 0, 0, 0, TimeSpan.Zero);

    private static StoredToken Token(string subject, DateTimeOffset? expiresAt) =>
        new() { Key = TokenKey.ForUser(subject), Value = "EAABvalue0123456789", ExpiresAt = expiresAt };

    [Fact]
    public void Without_jitter_the_refresh_starts_exactly_the_window_before_expiry()
    {
        var options = new TokenManagerOptions { RefreshBeforeExpiry = TimeSpan.FromDays(7), RefreshJitter = TimeSpan.Zero };
        var token = Token("1", Expiry);

        Assert.Equal(Expiry - TimeSpan.FromDays(7), RefreshSchedule.RefreshAt(token, options));
        Assert.False(RefreshSchedule.IsDue(token, Expiry - TimeSpan.FromDays(7) - TimeSpan.FromTicks(1), options));
        Assert.True(RefreshSchedule.IsDue(token, Expiry - TimeSpan.FromDays(7), options));
    }

    [Fact]
    public void Tokens_that_never_expire_are_never_due()
    {
        Assert.Null(RefreshSchedule.RefreshAt(Token("1", null), new TokenManagerOptions()));
        Assert.False(RefreshSchedule.IsDue(Token("1", null), DateTimeOffset.MaxValue, new TokenManagerOptions()));
    }

    [Fact]
    public void Jitter_moves_the_refresh_earlier_within_its_bound_and_spreads_tokens()
    {
        var options = new TokenManagerOptions { RefreshBeforeExpiry = TimeSpan.FromDays(7), RefreshJitter = TimeSpan.FromHours(12) };
        var times = Enumerable.Range(0, 1000).Select(i => RefreshSchedule.RefreshAt(Token(i.ToString(System.Globalization.CultureInfo.InvariantCulture), Expiry), options)!.Value).ToList();

        Assert.All(times, t => Assert.InRange(t, Expiry - TimeSpan.FromDays(7) - TimeSpan.FromHours(12), Expiry - TimeSpan.FromDays(7)));
        Assert.True(times.Distinct().Count() > 990);

        // Spread across the whole range, not bunched: both halves are well used.
        var middle = Expiry - TimeSpan.FromDays(7) - TimeSpan.FromHours(6);
        Assert.InRange(times.Count(t => t < middle), 400, 600);
    }

    [Fact]
    public void Jitter_is_the_same_for_the_same_token_on_every_call()
    {
        var key = TokenKey.ForUser("42");
        Assert.Equal(RefreshSchedule.Jitter(key, Expiry, TimeSpan.FromHours(12)), RefreshSchedule.Jitter(key, Expiry, TimeSpan.FromHours(12)));
        Assert.NotEqual(RefreshSchedule.Jitter(key, Expiry, TimeSpan.FromHours(12)), RefreshSchedule.Jitter(key, Expiry.AddDays(1), TimeSpan.FromHours(12)));
    }
}
