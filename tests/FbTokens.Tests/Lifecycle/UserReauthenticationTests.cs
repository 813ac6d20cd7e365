using FbTokens.Internal;
using FbTokens.Tests.Framework;
using Microsoft.Extensions.DependencyInjection;

namespace FbTokens.Tests.Lifecycle;

/// <summary>Issue 14, problem 1: one re-login notice per person and event, carrying every affected key.</summary>
public sealed class UserReauthenticationTests
{
    private static readonly TokenKey User = TokenKey.ForUser("1001");
    private static readonly TokenKey[] Pages = [TokenKey.ForPage("501"), TokenKey.ForPage("502"), TokenKey.ForPage("503")];

    private static async Task SeedPersonAsync(LifecycleHost host, string userValue = "EAABusertoken0123456789-1001", Func<int, string>? pageValue = null)
    {
        await host.SeedUserAsync("1001", userValue, TimeSpan.FromDays(50));
        for (var i = 0; i < Pages.Length; i++)
        {
            await host.SeedPageAsync(Pages[i].SubjectId, pageValue?.Invoke(i) ?? $"EAABpagetoken{i}0123456789-1001", "1001");
        }

        // Someone else's tokens, which no event of 1001's may touch.
        await host.SeedUserAsync("2002", "EAABotherusertoken0123456789-2002", TimeSpan.FromDays(50));
        await host.SeedPageAsync("601", "EAABotherpagetoken0123456789-2002", "2002");
    }

    private static async Task AssertOthersUntouchedAsync(LifecycleHost host)
    {
        Assert.Equal(TokenStatus.Valid, (await host.Store.GetAsync(TokenKey.ForUser("2002")))!.Status);
        Assert.Equal(TokenStatus.Valid, (await host.Store.GetAsync(TokenKey.ForPage("601")))!.Status);
    }

    private static TokenKey[] AllKeys => [User, .. Pages];

    [Fact]
    public async Task A_password_change_on_the_user_token_raises_one_user_notice_with_four_keys_and_four_token_notices()
    {
        await using var host = new LifecycleHost();
        await SeedPersonAsync(host);

        Assert.True(await host.PublicManager.MarkInvalidAsync(User, TokenErrorReason.PasswordChanged));

        var notice = Assert.Single(host.Observer.UserReauthentication);
        Assert.Equal("1001", notice.UserId);
        Assert.Null(notice.AppId);
        Assert.Equal(TokenErrorReason.PasswordChanged, notice.Reason);
        Assert.Equal(AllKeys.ToHashSet(), notice.AffectedKeys.ToHashSet());
        Assert.Equal(4, notice.AffectedKeys.Count);
        Assert.Equal(["email", "pages_show_list"], notice.Scopes);
        Assert.Equal(host.Now, notice.DetectedAt);
        Assert.Equal(AllKeys.ToHashSet(), host.Observer.Reauthentication.Select(n => n.Key).ToHashSet());
        Assert.Equal(4, host.Observer.Reauthentication.Count);
        Assert.All(host.Observer.Reauthentication, n => Assert.Equal("1001", n.UserId));
        foreach (var key in AllKeys)
        {
            var token = (await host.Store.GetAsync(key))!;
            Assert.Equal(TokenStatus.Invalid, token.Status);
            Assert.Equal(TokenErrorReason.PasswordChanged, token.InvalidReason);
        }

        await AssertOthersUntouchedAsync(host);
    }

    [Fact]
    public async Task Four_tokens_rejected_in_one_sweep_batch_raise_one_user_notice_and_sweeping_again_raises_nothing()
    {
        var graph = new FakeBatchGraphHandler();
        await using var host = new LifecycleHost(build: b => b.AddTokenValidationSweep(), graph: graph);

        // The fake batch answers 190/460 (password changed) for every token whose value starts with INVALID.
        await SeedPersonAsync(host, "INVALIDusertoken0123456789-1001", i => $"INVALIDpagetoken{i}0123456789-1001");
        var sweeper = host.Services.GetRequiredService<TokenSweeper>();

        var first = await sweeper.SweepAsync(CancellationToken.None);
        var second = await sweeper.SweepAsync(CancellationToken.None);

        Assert.Equal(4, first.Invalid);
        Assert.Equal(0, second.Invalid);
        var notice = Assert.Single(host.Observer.UserReauthentication);
        Assert.Equal(TokenErrorReason.PasswordChanged, notice.Reason);
        Assert.Equal(AllKeys.ToHashSet(), notice.AffectedKeys.ToHashSet());
        Assert.Equal(4, notice.AffectedKeys.Count);
        Assert.Equal(4, host.Observer.Reauthentication.Count);
        await AssertOthersUntouchedAsync(host);
    }

    [Fact]
    public async Task A_page_token_found_invalid_first_for_a_person_level_reason_takes_its_owner_and_the_other_pages_with_it()
    {
        await using var host = new LifecycleHost();
        await SeedPersonAsync(host);

        Assert.True(await host.PublicManager.MarkInvalidAsync(Pages[1], TokenErrorReason.AppNotInstalled));

        var notice = Assert.Single(host.Observer.UserReauthentication);
        Assert.Equal(TokenErrorReason.AppNotInstalled, notice.Reason);
        Assert.Equal(AllKeys.ToHashSet(), notice.AffectedKeys.ToHashSet());
        Assert.Equal(["email", "pages_show_list"], notice.Scopes);
        Assert.Equal(4, host.Observer.Reauthentication.Count);
        Assert.Equal(TokenStatus.Invalid, (await host.Store.GetAsync(User))!.Status);
        await AssertOthersUntouchedAsync(host);
    }

    [Fact]
    public async Task A_page_only_cause_stays_per_token()
    {
        await using var host = new LifecycleHost();
        await SeedPersonAsync(host);

        Assert.True(await host.PublicManager.MarkInvalidAsync(Pages[0], TokenErrorReason.InvalidSession));

        Assert.Empty(host.Observer.UserReauthentication);
        Assert.Equal(Pages[0], Assert.Single(host.Observer.Reauthentication).Key);
        Assert.Equal(TokenStatus.Valid, (await host.Store.GetAsync(User))!.Status);
        Assert.Equal(TokenStatus.Valid, (await host.Store.GetAsync(Pages[1]))!.Status);
    }

    [Fact]
    public async Task An_expired_user_token_tells_the_person_once_and_leaves_their_non_expiring_page_tokens_valid()
    {
        await using var host = new LifecycleHost();
        await SeedPersonAsync(host);

        Assert.True(await host.PublicManager.MarkInvalidAsync(User, TokenErrorReason.Expired));

        var notice = Assert.Single(host.Observer.UserReauthentication);
        Assert.Equal([User], notice.AffectedKeys);
        Assert.Single(host.Observer.Reauthentication);
        Assert.All(Pages, p => Assert.Equal(TokenStatus.Valid, host.Store.GetAsync(p).AsTask().Result!.Status));
    }

    [Fact]
    public async Task A_page_rejected_after_its_owner_was_already_told_raises_no_second_user_notice()
    {
        await using var host = new LifecycleHost();
        await SeedPersonAsync(host);
        await host.PublicManager.MarkInvalidAsync(User, TokenErrorReason.Expired);

        Assert.True(await host.PublicManager.MarkInvalidAsync(Pages[0], TokenErrorReason.PasswordChanged));

        Assert.Single(host.Observer.UserReauthentication);
        Assert.Equal(4, host.Observer.Reauthentication.Count);
        Assert.All(Pages, p => Assert.Equal(TokenStatus.Invalid, host.Store.GetAsync(p).AsTask().Result!.Status));
    }

    [Fact]
    public async Task Instances_racing_on_different_tokens_of_one_person_raise_one_user_notice()
    {
        for (var round = 0; round < 50; round++)
        {
            await using var host = new LifecycleHost();
            await SeedPersonAsync(host);
            var manager = host.PublicManager;
            using var start = new ManualResetEventSlim();
            var racers = AllKeys.Select(key => Task.Run(async () =>
            {
                start.Wait();
                await manager.MarkInvalidAsync(key, TokenErrorReason.PasswordChanged);
            })).ToArray();
            start.Set();
            await Task.WhenAll(racers);

            var notice = Assert.Single(host.Observer.UserReauthentication);
            Assert.Contains(User, notice.AffectedKeys);
            Assert.Equal(4, host.Observer.Reauthentication.Count);
            Assert.Equal(AllKeys.ToHashSet(), host.Observer.Reauthentication.Select(n => n.Key).ToHashSet());
        }
    }

    [Fact]
    public async Task InvalidateUser_marks_every_token_of_the_person_once_and_returns_the_keys()
    {
        await using var host = new LifecycleHost();
        await SeedPersonAsync(host);

        var turned = await host.PublicManager.InvalidateUserAsync("1001", TokenErrorReason.AppNotInstalled);
        var again = await host.PublicManager.InvalidateUserAsync("1001", TokenErrorReason.AppNotInstalled);

        Assert.Equal(AllKeys.ToHashSet(), turned.ToHashSet());
        Assert.Equal(4, turned.Count);
        Assert.Empty(again);
        var notice = Assert.Single(host.Observer.UserReauthentication);
        Assert.Equal(TokenErrorReason.AppNotInstalled, notice.Reason);
        Assert.Equal(AllKeys.ToHashSet(), notice.AffectedKeys.ToHashSet());
        Assert.Equal(4, host.Observer.Reauthentication.Count);
        await AssertOthersUntouchedAsync(host);
    }

    [Fact]
    public async Task InvalidateUser_reports_a_store_failure_while_a_rejection_found_by_the_manager_keeps_its_mark()
    {
        var store = new PersonIndexDownStore();
        await using var host = new LifecycleHost(services: s => s.AddSingleton<ITokenStore>(store));
        await SeedPersonAsync(host);

        // Explicit (a deauthorize callback): the failure reaches the caller, which must not answer success.
        await Assert.ThrowsAsync<TokenStoreUnavailableException>(() => host.PublicManager.InvalidateUserAsync("1001", TokenErrorReason.AppNotInstalled));

        // Found by the manager: the rejected token is marked and the rest waits for the next sweep or request.
        Assert.True(await host.PublicManager.MarkInvalidAsync(User, TokenErrorReason.PasswordChanged));
        Assert.Equal(TokenStatus.Invalid, (await host.Store.GetAsync(User))!.Status);
    }

    /// <summary>An in-memory store whose index by person is down.</summary>
    private sealed class PersonIndexDownStore : ITokenStore
    {
        private readonly InMemoryTokenStore _inner = new();

        public ValueTask<StoredToken?> GetAsync(TokenKey key, CancellationToken cancellationToken = default) => _inner.GetAsync(key, cancellationToken);

        public ValueTask<StoredToken> SetAsync(StoredToken token, long? expectedVersion, CancellationToken cancellationToken = default) =>
            _inner.SetAsync(token, expectedVersion, cancellationToken);

        public ValueTask<bool> RemoveAsync(TokenKey key, long? expectedVersion, CancellationToken cancellationToken = default) =>
            _inner.RemoveAsync(key, expectedVersion, cancellationToken);

        public IAsyncEnumerable<StoredToken> ListAsync(TokenKind? kind, CancellationToken cancellationToken = default) => _inner.ListAsync(kind, cancellationToken);

        public IAsyncEnumerable<StoredToken> ListForUserAsync(string userId, string? appId, CancellationToken cancellationToken = default) =>
            throw new TokenStoreUnavailableException("The person index is down.", null);
    }

    [Fact]
    public async Task InvalidateUser_finds_the_tokens_under_the_app_id_too_and_rejects_reasons_that_keep_tokens_valid()
    {
        await using var host = new LifecycleHost();
        await host.Store.SetAsync(new StoredToken { Key = TokenKey.ForUser("1001", LifecycleHost.AppId), Value = "EAABusertoken0123456789" }, null);

        var turned = await host.PublicManager.InvalidateUserAsync("1001", TokenErrorReason.AppNotInstalled, LifecycleHost.AppId);

        Assert.Equal([TokenKey.ForUser("1001", LifecycleHost.AppId)], turned);
        await Assert.ThrowsAsync<ArgumentException>(() => host.PublicManager.InvalidateUserAsync("1001", TokenErrorReason.UserCheckpointed));
        await Assert.ThrowsAsync<ArgumentException>(() => host.PublicManager.InvalidateUserAsync("1001", TokenErrorReason.AppNotInstalled, "999"));
    }

    [Fact]
    public async Task RemoveUserTokens_removes_the_person_and_their_pages_only()
    {
        await using var host = new LifecycleHost();
        await SeedPersonAsync(host);

        var removed = await host.PublicManager.RemoveUserTokensAsync("1001");
        var again = await host.PublicManager.RemoveUserTokensAsync("1001");

        Assert.Equal(AllKeys.ToHashSet(), removed.ToHashSet());
        Assert.Empty(again);
        foreach (var key in AllKeys)
        {
            Assert.Null(await host.Store.GetAsync(key));
        }

        await AssertOthersUntouchedAsync(host);
        Assert.Empty(host.Observer.UserReauthentication);
        Assert.Empty(host.Observer.Reauthentication);
    }
}
