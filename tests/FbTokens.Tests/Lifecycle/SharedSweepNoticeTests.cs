using System.Globalization;
using FbTokens.Tests.Framework;
using Microsoft.Extensions.DependencyInjection;

namespace FbTokens.Tests.Lifecycle;

/// <summary>
/// Notices across instances (issue 16): three managers share one store and race their sweeps; the person's re-login
/// notice goes out once per event, and "expiring" and "data-access expiring" once per token per deadline, not on every
/// sweep and not once per instance.
/// </summary>
public sealed class SharedSweepNoticeTests
{
    private static readonly TimeSpan Interval = new TokenManagerOptions().SweepInterval;

    private static string Id(int i) => (3_000_000 + i).ToString(CultureInfo.InvariantCulture);

    /// <summary>Every instance sweeps now, scheduled rounds and on-demand sweeps all at once.</summary>
    private static async Task RaceAsync(SharedSweepInstances app)
    {
        var rounds = app.RoundAsync();
        var now = Task.WhenAll(app.Hosts.Select(h => Task.Run(() => h.Services.GetRequiredService<ITokenValidationSweep>().SweepNowAsync())));
        await Task.WhenAll(rounds, now);
    }

    [Fact]
    public async Task The_persons_relogin_notice_fires_once_per_person_when_instances_race_over_their_tokens()
    {
        const int persons = 12;
        var graph = new FakeBatchGraphHandler();

        // Two tokens a batch: a person's user and page tokens are spread over chunks, and so over instances.
        await using var app = new SharedSweepInstances(3, graph, o => o.SweepBatchSize = 2);
        for (var p = 0; p < persons; p++)
        {
            var user = Id(p);
            await app.Store.SetAsync(new StoredToken { Key = TokenKey.ForUser(user), Value = "INVALIDuser" + p + "-" + user, ExpiresAt = app.Now + TimeSpan.FromDays(50), UpdatedAt = app.Now }, 0);
            for (var page = 0; page < 3; page++)
            {
                await app.Store.SetAsync(new StoredToken
                {
                    Key = TokenKey.ForPage(Id(1000 + (p * 3) + page)),
                    Value = "INVALIDpage" + p + "x" + page + "-" + user,
                    OwnerUserId = user,
                    UpdatedAt = app.Now,
                }, 0);
            }
        }

        await RaceAsync(app);
        app.Time.Advance(Interval);
        await RaceAsync(app);

        var perPerson = app.Notices(o => o.UserReauthentication).GroupBy(n => n.UserId).ToList();
        Assert.Equal(persons, perPerson.Count);
        Assert.All(perPerson, g => Assert.Single(g));
        Assert.All(perPerson, g => Assert.Equal(TokenErrorReason.PasswordChanged, g.Single().Reason));
        var perToken = app.Notices(o => o.Reauthentication).GroupBy(n => n.Key).ToList();
        Assert.Equal(persons * 4, perToken.Count);
        Assert.All(perToken, g => Assert.Single(g));
    }

    [Fact]
    public async Task Expiring_and_data_access_notices_fire_once_per_token_and_deadline_across_instances_and_sweeps()
    {
        const int tokens = 30;
        var start = LifecycleHost.Start;
        var graph = new FakeBatchGraphHandler
        {
            ExpiresAt = _ => start + TimeSpan.FromDays(3),
            DataAccessExpiresAt = _ => start + TimeSpan.FromDays(10),
        };
        await using var app = new SharedSweepInstances(3, graph, o => o.SweepBatchSize = 4);
        for (var i = 0; i < tokens; i++)
        {
            // Only the person can renew these (a re-exchange already showed the expiry does not move).
            await app.Store.SetAsync(new StoredToken
            {
                Key = TokenKey.ForUser(Id(i)),
                Value = FakeBatchGraphHandler.TokenFor(i, invalid: false),
                ExpiresAt = start + TimeSpan.FromDays(3),
                DataAccessExpiresAt = start + TimeSpan.FromDays(10),
                Scopes = ["email", "pages_show_list"],
                RenewalNeedsPerson = true,
                UpdatedAt = app.Now,
            }, 0);
        }

        for (var sweep = 0; sweep < 4; sweep++)
        {
            await RaceAsync(app);
            app.Time.Advance(TimeSpan.FromHours(6));
        }

        var expiring = app.Notices(o => o.Expiring).GroupBy(n => n.Key).ToList();
        var dataAccess = app.Notices(o => o.DataAccess).GroupBy(n => n.Key).ToList();
        Assert.Equal(tokens, expiring.Count);
        Assert.All(expiring, g => Assert.Single(g));
        Assert.Equal(tokens, dataAccess.Count);
        Assert.All(dataAccess, g => Assert.Single(g));

        // A new deadline (the person renewed data access) is a new window: told once more, once.
        graph.DataAccessExpiresAt = _ => start + TimeSpan.FromDays(12);
        await RaceAsync(app);
        await RaceAsync(app);
        Assert.Equal(2 * tokens, app.Notices(o => o.DataAccess).Count());
        Assert.Equal(tokens, app.Notices(o => o.Expiring).Count());
    }
}
