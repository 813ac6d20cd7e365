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

    [Theory]
    [InlineData(TokenKind.User, "42", null)]
    [InlineData(TokenKind.Page, "1353269864728879", null)]
    [InlineData(TokenKind.SystemUser, "61550000000001", "138483919580948")]
    public void Jitter_hashes_the_keys_text_form_so_instances_on_older_versions_agree(TokenKind kind, string subject, string? app)
    {
        var key = new TokenKey(kind, subject, app);
        var max = TimeSpan.FromHours(12);

        Assert.Equal(JitterOverText(key.ToString(), Expiry, max), RefreshSchedule.Jitter(key, Expiry, max));
    }

    [Fact]
    public void IsDue_agrees_with_RefreshAt_at_every_moment_around_the_window()
    {
        var options = new TokenManagerOptions();
        for (var i = 0; i < 200; i++)
        {
            var token = Token(i.ToString(System.Globalization.CultureInfo.InvariantCulture), Expiry);
            var at = RefreshSchedule.RefreshAt(token, options)!.Value;
            foreach (var now in new[] { at - TimeSpan.FromTicks(1), at, at + TimeSpan.FromTicks(1), Expiry - TimeSpan.FromDays(8), Expiry - TimeSpan.FromDays(7), Expiry })
            {
                Assert.Equal(now >= at, RefreshSchedule.IsDue(token, now, options));
            }
        }
    }

    // The original definition: FNV-1a over TokenKey.ToString(), then the expiry's Unix seconds.
    private static TimeSpan JitterOverText(string text, DateTimeOffset expiresAt, TimeSpan maxJitter)
    {
        var hash = 14695981039346656037UL;
        foreach (var c in text)
        {
            hash = (hash ^ c) * 1099511628211UL;
        }

        var seconds = expiresAt.ToUnixTimeSeconds();
        for (var i = 0; i < 8; i++)
        {
            hash = (hash ^ (byte)(seconds >> (8 * i))) * 1099511628211UL;
        }

        return TimeSpan.FromTicks((long)(maxJitter.Ticks * ((hash >> 11) * (1.0 / (1UL << 53)))));
    }
}
