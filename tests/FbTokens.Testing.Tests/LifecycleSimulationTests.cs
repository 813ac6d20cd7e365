using System.Collections.Concurrent;
using System.Diagnostics;
using FbTokens.Testing.Tests.Framework;
using Xunit.Abstractions;

namespace FbTokens.Testing.Tests;

/// <summary>
/// Issue 15's population run: 120 days in 1-hour steps on a fake clock, 200 users (some with pages, some who come back by
/// a new login at seeded random times) and a few 60-day system users, against the emulator in both of its answers to
/// "does re-exchanging a long-lived token move its expiry". The sweep runs every 6 hours, as by default; every hour some
/// users' tokens are used. What is measured is asserted, and printed.
/// </summary>
public sealed class LifecycleSimulationTests(ITestOutputHelper output)
{
    private const int Users = 200;
    private const int SystemUsers = 5;
    private static readonly TimeSpan Step = TimeSpan.FromHours(1);
    private static readonly TimeSpan Run = TimeSpan.FromDays(120);
    private static readonly TimeSpan SweepEvery = TimeSpan.FromHours(6);

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task A_population_over_120_days_is_renewed_or_told_in_time_and_never_handed_an_expired_token(bool exchangeExtends)
    {
        var clock = Stopwatch.StartNew();
        var cpuBefore = Process.GetCurrentProcess().TotalProcessorTime;
        var random = new Random(15);
        await using var harness = new LifecycleHarness(
            emulatorOptions: new GraphTokenEmulatorOptions { LongLivedExchangeExtends = exchangeExtends },
            build: b => b.AddTokenLifecycleObserver<TimedObserver>());
        var emulator = harness.Emulator;
        var manager = harness.Manager;
        var store = harness.Store;
        var observer = harness.Observers.OfType<TimedObserver>().Single();
        var lead = TimeSpan.FromDays(7);
        var dataAccessLead = TimeSpan.FromDays(14);
        var start = harness.Time.GetUtcNow();

        // The population: who has pages, when each first logs in (within 10 days), when some come back.
        var people = new List<Person>();
        for (var i = 0; i < Users; i++)
        {
            var user = emulator.CreateTestUser();
            var pages = random.NextDouble() < 0.3 ? emulator.CreatePages(user.Id, random.Next(1, 4)).Select(p => p.Id).ToArray() : [];
            var firstLogin = start + TimeSpan.FromHours(random.Next(0, 10 * 24));
            var returns = new List<DateTimeOffset>();
            if (random.NextDouble() < 0.4)
            {
                for (var r = random.Next(1, 3); r > 0; r--)
                {
                    returns.Add(firstLogin + TimeSpan.FromHours(random.Next(24, 110 * 24)));
                }
            }

            people.Add(new Person(user.Id, pages, [firstLogin, .. returns.Order()]));
        }

        var systemUsers = new List<string>();
        for (var i = 0; i < SystemUsers; i++)
        {
            var systemUser = emulator.CreateSystemUser(tokenExpiresIn60Days: true);
            var issued = emulator.FindToken(systemUser.AccessToken!)!;
            await store.SetAsync(new StoredToken
            {
                Key = TokenKey.ForSystemUser(systemUser.Id),
                Value = systemUser.AccessToken!,
                ExpiresAt = issued.ExpiresAt,
                Scopes = issued.Scopes,
                IssuedAt = issued.IssuedAt,
                UpdatedAt = start,
            }, expectedVersion: 0);
            systemUsers.Add(systemUser.Id);
        }

        var counts = new Counts();
        var expected = new HashSet<(string Kind, string UserId, DateTimeOffset Deadline)>();
        for (var now = start; now < start + Run; now = harness.Time.GetUtcNow())
        {
            // Logins due this hour: a short-lived token from Facebook Login, saved as an app would.
            foreach (var person in people)
            {
                while (person.Logins.Count > 0 && person.Logins[0] <= now)
                {
                    person.Logins.RemoveAt(0);
                    await LogInAsync(harness, person, counts);
                }
            }

            // Some traffic: 20 people's tokens (user and pages) are used this hour.
            for (var n = 0; n < 20; n++)
            {
                var person = people[random.Next(people.Count)];
                if (person.LoggedIn)
                {
                    await UseAsync(harness, TokenKey.ForUser(person.UserId), counts);
                    foreach (var page in person.Pages)
                    {
                        await UseAsync(harness, TokenKey.ForPage(page), counts);
                    }
                }
            }

            foreach (var systemUser in systemUsers)
            {
                await UseAsync(harness, TokenKey.ForSystemUser(systemUser), counts);
            }

            if ((now - start).Ticks % SweepEvery.Ticks == 0)
            {
                var sweepStarted = Stopwatch.GetTimestamp();
                await harness.Sweeper.SweepAsync(CancellationToken.None);
                counts.Sweeps++;
                counts.SweepTime += Stopwatch.GetElapsedTime(sweepStarted);

                // Right after a sweep, every valid user token inside a notice window must have had its notice.
                await foreach (var token in store.ListAsync(TokenKind.User))
                {
                    if (!token.IsUsableAt(now))
                    {
                        continue;
                    }

                    if (token.ExpiresAt is { } expiresAt && expiresAt - now <= lead && expected.Add(("expiry", token.Key.SubjectId, expiresAt)))
                    {
                        counts.ExpiryNoticesExpected++;
                    }

                    if (token.DataAccessExpiresAt is { } dataAccess && dataAccess - now <= dataAccessLead && expected.Add(("data", token.Key.SubjectId, dataAccess)))
                    {
                        counts.DataAccessNoticesExpected++;
                    }
                }
            }

            harness.Time.Advance(Step);
        }

        // No "refreshed" without a moved expiry; system users renewed by the server throughout.
        var refreshed = harness.Observer.Refreshed.ToArray();
        Assert.All(refreshed, n => Assert.True(n.ExpiresAt is null || n.ExpiresAt > n.PreviousExpiresAt, $"{n.Key}: refreshed without a moved expiry"));
        var userRefreshes = refreshed.Count(n => n.Key.Kind == TokenKind.User);
        var systemRefreshes = refreshed.Count(n => n.Key.Kind == TokenKind.SystemUser);
        foreach (var systemUser in systemUsers)
        {
            var token = await store.GetAsync(TokenKey.ForSystemUser(systemUser));
            Assert.True(token!.IsUsableAt(harness.Time.GetUtcNow()), $"system user {systemUser} was not renewed");
        }

        Assert.True(systemRefreshes >= SystemUsers, $"{systemRefreshes} system-user renewals");
        if (!exchangeExtends)
        {
            Assert.Equal(0, userRefreshes); // Graph never moved a user token's expiry, so nothing was "refreshed"
        }

        // Every notice: expected, once, and ahead of its deadline (within the lead plus one sweep interval).
        var sent = observer.Notices.ToArray();
        var repeats = sent.GroupBy(n => (n.Kind, n.UserId, n.Deadline)).Where(g => g.Count() > 1).ToArray();
        Assert.Empty(repeats);
        foreach (var notice in sent)
        {
            var window = notice.Kind == "expiry" ? lead : dataAccessLead;
            Assert.True(notice.At < notice.Deadline, $"{notice}: sent after its deadline");
            Assert.True(notice.Deadline - notice.At <= window, $"{notice}: sent before its window");
        }

        var lost = expected.Where(e => !sent.Any(n => n.Kind == e.Kind && n.UserId == e.UserId && n.Deadline == e.Deadline)).ToArray();
        Assert.Empty(lost);
        Assert.Equal(counts.ExpiryNoticesExpected, sent.Count(n => n.Kind == "expiry"));
        Assert.Equal(counts.DataAccessNoticesExpected, sent.Count(n => n.Kind == "data"));
        if (!exchangeExtends)
        {
            Assert.True(counts.ExpiryNoticesExpected > 0, "no user token needed the person: the run proves nothing");
        }
        else
        {
            Assert.Equal(0, counts.ExpiryNoticesExpected); // the server renewed every user token before its notice was due
        }

        Assert.Equal(0, counts.ExpiredHandedOut);
        Assert.True(counts.ReturnsChecked > 0);

        clock.Stop();
        var cpu = Process.GetCurrentProcess().TotalProcessorTime - cpuBefore;
        output.WriteLine(
            $"LongLivedExchangeExtends={exchangeExtends}: {Users} users ({people.Count(p => p.Pages.Length > 0)} with {people.Sum(p => p.Pages.Length)} pages), "
            + $"{SystemUsers} 60-day system users, {Run.TotalDays} days in {Step.TotalHours} h steps, {counts.Sweeps} sweeps ({counts.SweepTime.TotalMilliseconds:F0} ms), {clock.ElapsedMilliseconds} ms in all (process CPU {cpu.TotalMilliseconds:F0} ms).");
        output.WriteLine(
            $"  logins {counts.FirstLogins} first + {counts.ReturnsChecked} returns (renewed with {counts.PagesRenewedOnReturn} page tokens); "
            + $"tokens handed out {counts.HandedOut}, expired handed out {counts.ExpiredHandedOut}, refused (person must log in) {counts.Refused}.");
        output.WriteLine(
            $"  refreshed: user {userRefreshes}, system user {systemRefreshes}, none without a moved expiry; "
            + $"expiry notices {sent.Count(n => n.Kind == "expiry")} of {counts.ExpiryNoticesExpected} due, data-access notices {sent.Count(n => n.Kind == "data")} of {counts.DataAccessNoticesExpected} due, "
            + $"lost {lost.Length}, repeated {repeats.Length}; re-login required {harness.Observer.Reauthentication.Count}.");
    }

    private static async Task LogInAsync(LifecycleHarness harness, Person person, Counts counts)
    {
        var now = harness.Time.GetUtcNow();
        var shortLived = harness.Emulator.IssueUserToken(person.UserId, longLived: false);
        var returning = person.LoggedIn;
        var saved = await harness.Manager.SaveUserTokenAsync(shortLived, includePageTokens: !returning && person.Pages.Length > 0);
        person.LoggedIn = true;

        // Renewed: long-lived, expiry moved to about 60 days out, nothing pending.
        Assert.True(saved.ExpiresAt > now + TimeSpan.FromDays(59), $"{person.UserId}: not renewed on login");
        Assert.False(saved.RenewalNeedsPerson);
        Assert.Null(saved.ExpiryNoticeSentFor);
        if (!returning)
        {
            counts.FirstLogins++;
            return;
        }

        // ... with their pages, fetched again with the new token.
        foreach (var page in person.Pages)
        {
            var stored = await harness.Store.GetAsync(TokenKey.ForPage(page));
            var issued = harness.Emulator.FindToken(stored!.Value);
            Assert.True(issued is not null && issued.IssuedAt == now, $"page {page} of returning {person.UserId} was not fetched again");
            counts.PagesRenewedOnReturn++;
        }

        counts.ReturnsChecked++;
    }

    private static async Task UseAsync(LifecycleHarness harness, TokenKey key, Counts counts)
    {
        var now = harness.Time.GetUtcNow();
        try
        {
            var token = await harness.Manager.GetTokenAsync(key);
            var issued = harness.Emulator.FindToken(token.Value);
            counts.HandedOut++;
            if (issued is null || issued.InvalidatedBecause is not null || issued.ExpiresAt <= now || token.ExpiresAt <= now)
            {
                counts.ExpiredHandedOut++;
            }
        }
        catch (ReauthenticationRequiredException)
        {
            // Refused only when it is true: the stored token has expired or Graph rejected it.
            var stored = await harness.Store.GetAsync(key);
            Assert.True(stored is null || !stored.IsUsableAt(now) || stored.Status == TokenStatus.Invalid, $"{key} refused while usable");
            counts.Refused++;
        }
    }

    private sealed class Person(string userId, string[] pages, List<DateTimeOffset> logins)
    {
        public string UserId { get; } = userId;

        public string[] Pages { get; } = pages;

        public List<DateTimeOffset> Logins { get; } = logins;

        public bool LoggedIn { get; set; }
    }

    private sealed class Counts
    {
        public int FirstLogins;
        public int ReturnsChecked;
        public int PagesRenewedOnReturn;
        public int HandedOut;
        public int ExpiredHandedOut;
        public int Refused;
        public int Sweeps;
        public int ExpiryNoticesExpected;
        public int DataAccessNoticesExpected;
        public TimeSpan SweepTime;
    }

    /// <summary>Records each person notice with the fake clock's time when it arrived.</summary>
    private sealed class TimedObserver : ITokenLifecycleObserver
    {
        private readonly TimeProvider _time;

        public TimedObserver(TimeProvider time) => _time = time;

        public ConcurrentQueue<(string Kind, string? UserId, DateTimeOffset Deadline, DateTimeOffset At)> Notices { get; } = new();

        public ValueTask OnTokenExpiringAsync(TokenExpiringNotice notification, CancellationToken cancellationToken)
        {
            if (notification.Key.Kind == TokenKind.User)
            {
                Notices.Enqueue(("expiry", notification.UserId, notification.ExpiresAt, _time.GetUtcNow()));
            }

            return ValueTask.CompletedTask;
        }

        public ValueTask OnDataAccessExpiringAsync(DataAccessExpiringNotice notification, CancellationToken cancellationToken)
        {
            Notices.Enqueue(("data", notification.UserId, notification.DataAccessExpiresAt, _time.GetUtcNow()));
            return ValueTask.CompletedTask;
        }
    }
}
