using System.Diagnostics;
using Microsoft.Extensions.DependencyInjection;
using FbTokens.Testing.Tests.Framework;
using FbTokens.Tests.Framework;
using Xunit.Abstractions;

namespace FbTokens.Testing.Tests;

/// <summary>The token manager and the validation sweep at scale, through the real client pipeline, against the emulator.</summary>
public sealed class TokenLifecycleEmulatorTests(ITestOutputHelper output)
{
    private const int Tokens = 10_000;
    private const int Callers = 10_000;

    private static readonly (TokenInvalidationReason Emulated, TokenErrorReason Expected)[] Reasons =
    [
        (TokenInvalidationReason.PasswordChanged, TokenErrorReason.PasswordChanged),
        (TokenInvalidationReason.InvalidAccessToken, TokenErrorReason.InvalidAccessToken),
        (TokenInvalidationReason.AppNotInstalled, TokenErrorReason.AppNotInstalled),
        (TokenInvalidationReason.UserCheckpointed, TokenErrorReason.UserCheckpointed),
    ];

    [Fact]
    public async Task One_sweep_validates_ten_thousand_tokens_in_at_most_200_requests_and_marks_and_reports_each_invalid_one_once()
    {
        await using var harness = new LifecycleHarness();
        var expected = new Dictionary<TokenKey, TokenErrorReason>();
        for (var i = 0; i < Tokens; i++)
        {
            var (user, token) = await harness.StoreLongLivedUserAsync();
            if (i % 50 == 7)
            {
                var (emulated, reason) = Reasons[expected.Count % Reasons.Length];
                Assert.Equal(2, harness.Emulator.InvalidateUserTokens(user.Id, emulated)); // the login token and the stored one
                expected[token.Key] = reason;
            }
        }

        harness.Emulator.ResetCallCounts();
        var clock = Stopwatch.StartNew();
        var result = await harness.Sweeper.SweepAsync(CancellationToken.None);
        clock.Stop();

        var batches = harness.Emulator.GetCallCount(GraphEndpoint.Batch);
        output.WriteLine($"{Tokens} tokens, {expected.Count} invalid: {batches} batch requests, {harness.Emulator.GetCallCount(GraphEndpoint.DebugToken)} debug_token operations, {clock.ElapsedMilliseconds} ms.");
        Assert.InRange(batches, 1, Tokens / 50);
        Assert.Equal(batches, result.Requests);
        Assert.Equal(Tokens, harness.Emulator.GetCallCount(GraphEndpoint.DebugToken));
        Assert.Equal(0, harness.Emulator.GetCallCount(GraphEndpoint.AccessToken));
        Assert.Equal(Tokens, result.Checked);
        Assert.Equal(expected.Count, result.Invalid);
        Assert.Equal(0, result.Failed);
        Assert.Equal(0, result.Refreshed);

        var seen = 0;
        await foreach (var token in harness.Store.ListAsync(TokenKind.User))
        {
            seen++;
            if (expected.TryGetValue(token.Key, out var reason))
            {
                // A checkpointed person must act on facebook.com: the token is kept (valid), the reason recorded.
                Assert.Equal(reason == TokenErrorReason.UserCheckpointed ? TokenStatus.Valid : TokenStatus.Invalid, token.Status);
                Assert.Equal(reason, token.InvalidReason);
            }
            else
            {
                Assert.Equal(TokenStatus.Valid, token.Status);
                Assert.Equal(1, token.Version); // nothing changed, so nothing was written
            }
        }

        Assert.Equal(Tokens, seen);
        var notices = harness.Observer.Reauthentication.ToList();
        Assert.Equal(expected.Count, notices.Count);
        Assert.Equal(expected.Count, notices.Select(n => n.Key).Distinct().Count());
        Assert.All(notices, n =>
        {
            Assert.Equal(expected[n.Key], n.Reason);
            Assert.Equal(n.Key.SubjectId, n.UserId);
        });
        Assert.Empty(harness.Observer.Refreshed);

        // The next interval's sweep (each token is checked once per interval) skips the invalid tokens, checks the
        // checkpointed ones again, and reports nothing again.
        var checkpointed = expected.Values.Count(r => r == TokenErrorReason.UserCheckpointed);
        harness.Time.Advance(new TokenManagerOptions().SweepInterval);
        var again = await harness.Sweeper.SweepAsync(CancellationToken.None);
        Assert.Equal(Tokens - expected.Count + checkpointed, again.Checked);
        Assert.Equal(checkpointed, again.Invalid);
        Assert.Equal(expected.Count, harness.Observer.Reauthentication.Count);
    }

    [Fact]
    public async Task Ten_thousand_concurrent_callers_inside_the_refresh_window_cause_one_exchange_at_the_emulator()
    {
        var store = new CountingTokenStore();

        // This test is about single flight, not about what Graph renews: the emulator extends a re-exchanged token.
        // Callers that wait for the refresh (refresh-ahead, where they do not, is tested in FbTokens.Tests).
        await using var harness = new LifecycleHarness(
            store,
            new GraphTokenEmulatorOptions { LongLivedExchangeExtends = true },
            b => b.Services.Configure<TokenManagerOptions>(o => o.RefreshInBackground = false));
        var (_, old) = await harness.StoreLongLivedUserAsync();

        // 55 of the token's ~60 days pass: 5 days left, inside the 7-day refresh window.
        harness.Time.Advance(TimeSpan.FromDays(55));
        harness.Emulator.ResetCallCounts();

        // The exchange waits for the fake clock, so every caller reads the old, due token before the refresh completes.
        harness.Emulator.Faults.SetLatency(TimeSpan.FromSeconds(1), GraphEndpoint.AccessToken);
        store.SignalAtReads = store.Reads + Callers + 1; // every caller, plus the flight's own read
        var manager = harness.Manager;
        var callers = Enumerable.Range(0, Callers).Select(_ => Task.Run(() => manager.GetTokenAsync(old.Key).AsTask())).ToArray();
        await store.ReadsReached.Task.WaitAsync(TimeSpan.FromMinutes(1), TimeProvider.System);
        var all = Task.WhenAll(callers);
        await FakeClock.AdvanceUntilCompletedAsync(harness.Time, all, () => harness.Emulator.GetCallCount(GraphEndpoint.AccessToken) > 0, TimeSpan.FromMilliseconds(250));
        var tokens = await all;

        var exchanges = harness.Emulator.GetCallCount(GraphEndpoint.AccessToken);
        output.WriteLine($"{Callers} callers, {exchanges} exchange request(s) at the emulator, {store.Reads} store reads.");
        Assert.Equal(1, exchanges);
        var stored = (await harness.Store.GetAsync(old.Key))!;
        Assert.NotEqual(old.Value, stored.Value);
        Assert.Equal(old.Version + 1, stored.Version);
        Assert.All(tokens, t => Assert.Same(stored, t));
        Assert.True(harness.Emulator.FindToken(stored.Value)!.IsLongLived);
        Assert.Equal(TokenKey.ForUser(old.Key.SubjectId), Assert.Single(harness.Observer.Refreshed).Key);
    }
}
