using FbTokens.Internal;

namespace FbTokens.Tests.Storage;

public sealed class InMemoryTokenStoreTests
{
    private static StoredToken Token(string subject, string value = "EAABsecretvalue0123456789", TokenKind kind = TokenKind.User) =>
        new() { Key = new TokenKey(kind, subject), Value = value };

    [Fact]
    public async Task Set_assigns_versions_from_one_and_get_returns_the_stored_token()
    {
        var store = new InMemoryTokenStore();
        var first = await store.SetAsync(Token("1"), expectedVersion: 0);
        var second = await store.SetAsync(Token("1", "EAABothervalue0123456789") with { Version = 99 }, expectedVersion: 1);

        Assert.Equal(1, first.Version);
        Assert.Equal(2, second.Version);
        var read = await store.GetAsync(TokenKey.ForUser("1"));
        Assert.Equal("EAABothervalue0123456789", read!.Value);
        Assert.Equal(2, read.Version);
        Assert.Null(await store.GetAsync(TokenKey.ForUser("2")));
    }

    [Fact]
    public async Task Set_with_a_stale_version_throws_and_keeps_the_stored_token()
    {
        var store = new InMemoryTokenStore();
        await store.SetAsync(Token("1", "EAABfirst-writer-0123456789"), expectedVersion: 0);
        await store.SetAsync(Token("1", "EAABsecond-writer-0123456789"), expectedVersion: 1);

        var ex = await Assert.ThrowsAsync<TokenStoreConcurrencyException>(() => store.SetAsync(Token("1", "EAABstale-writer-0123456789"), expectedVersion: 1).AsTask());
        Assert.Equal(1, ex.ExpectedVersion);
        Assert.Equal(2, ex.ActualVersion);
        Assert.Equal(TokenKey.ForUser("1"), ex.Key);
        Assert.Equal("EAABsecond-writer-0123456789", (await store.GetAsync(TokenKey.ForUser("1")))!.Value);
    }

    [Fact]
    public async Task Create_only_fails_when_the_key_exists()
    {
        var store = new InMemoryTokenStore();
        await store.SetAsync(Token("1"), expectedVersion: 0);
        var ex = await Assert.ThrowsAsync<TokenStoreConcurrencyException>(() => store.SetAsync(Token("1"), expectedVersion: 0).AsTask());
        Assert.Equal(1, ex.ActualVersion);
    }

    [Fact]
    public async Task Two_concurrent_compare_and_set_writers_never_both_win()
    {
        var store = new InMemoryTokenStore();
        var seed = await store.SetAsync(Token("1"), expectedVersion: 0);
        var writers = Enumerable.Range(0, 64).Select(i => Task.Run(async () =>
        {
            try
            {
                await store.SetAsync(Token("1", $"EAABwriter{i:D2}-0123456789"), seed.Version);
                return true;
            }
            catch (TokenStoreConcurrencyException)
            {
                return false;
            }
        }));

        var wins = (await Task.WhenAll(writers)).Count(w => w);
        Assert.Equal(1, wins);
        Assert.Equal(2, (await store.GetAsync(TokenKey.ForUser("1")))!.Version);
    }

    [Fact]
    public async Task Remove_honours_the_expected_version()
    {
        var store = new InMemoryTokenStore();
        await store.SetAsync(Token("1"), expectedVersion: 0);
        await Assert.ThrowsAsync<TokenStoreConcurrencyException>(() => store.RemoveAsync(TokenKey.ForUser("1"), expectedVersion: 7).AsTask());
        Assert.True(await store.RemoveAsync(TokenKey.ForUser("1"), expectedVersion: 1));
        Assert.False(await store.RemoveAsync(TokenKey.ForUser("1"), expectedVersion: null));
        Assert.Equal(0, store.Count);
    }

    [Fact]
    public async Task List_streams_all_or_one_kind()
    {
        var store = new InMemoryTokenStore();
        await store.SetAsync(Token("1"), null);
        await store.SetAsync(Token("2"), null);
        await store.SetAsync(Token("3", kind: TokenKind.Page), null);

        var all = new List<StoredToken>();
        await foreach (var t in store.ListAsync(null))
        {
            all.Add(t);
        }

        var pages = new List<StoredToken>();
        await foreach (var t in store.ListAsync(TokenKind.Page))
        {
            pages.Add(t);
        }

        Assert.Equal(3, all.Count);
        Assert.Equal("3", Assert.Single(pages).Key.SubjectId);
    }

    [Fact]
    public void StoredToken_ToString_never_prints_the_value()
    {
        const string value = "EAABverysecretvaluethatmustnotleak1234567890";
        var text = new StoredToken { Key = TokenKey.ForUser("42"), Value = value, Scopes = ["email"] }.ToString();
        Assert.DoesNotContain(value, text, StringComparison.Ordinal);
        Assert.DoesNotContain("verysecret", text, StringComparison.Ordinal);
        Assert.Contains("User:42", text, StringComparison.Ordinal);
        Assert.Contains("EAAB…(44 chars)", text, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("")]
    [InlineData(" ")]
    [InlineData("12 3")]
    [InlineData("a:b")]
    [InlineData("a@b")]
    public void TokenKey_rejects_bad_ids(string id) =>
        Assert.ThrowsAny<ArgumentException>(() => TokenKey.ForUser(id));

    [Fact]
    public void TokenKey_has_value_equality_and_a_stable_text_form()
    {
        Assert.Equal(TokenKey.ForPage("5"), new TokenKey(TokenKind.Page, "5"));
        Assert.NotEqual(TokenKey.ForPage("5"), TokenKey.ForUser("5"));
        Assert.Equal("SystemUser:9@77", TokenKey.ForSystemUser("9", "77").ToString());
    }

    [Fact]
    public async Task A_cancelled_call_neither_reads_nor_writes()
    {
        var store = new InMemoryTokenStore();
        await store.SetAsync(Token("1"), expectedVersion: 0);
        using var cancelled = new CancellationTokenSource();
        await cancelled.CancelAsync();

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => store.GetAsync(TokenKey.ForUser("1"), cancelled.Token).AsTask());
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => store.SetAsync(Token("1", "EAABcancelledwrite0123456789"), null, cancelled.Token).AsTask());
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => store.RemoveAsync(TokenKey.ForUser("1"), null, cancelled.Token).AsTask());
        await Assert.ThrowsAnyAsync<OperationCanceledException>(async () =>
        {
            await foreach (var token in store.ListAsync(null, cancelled.Token))
            {
                Assert.Fail("A cancelled listing returned " + token.Key);
            }
        });

        var kept = await store.GetAsync(TokenKey.ForUser("1"));
        Assert.Equal("EAABsecretvalue0123456789", kept!.Value);
        Assert.Equal(1, kept.Version);
    }

    private static StoredToken Owned(TokenKey key, string? owner) =>
        new() { Key = key, Value = "EAABsecretvalue0123456789", OwnerUserId = owner };

    private static async Task<List<TokenKey>> PersonAsync(InMemoryTokenStore store, string userId, string? appId = null)
    {
        var keys = new List<TokenKey>();
        await foreach (var token in store.ListForUserAsync(userId, appId))
        {
            keys.Add(token.Key);
        }

        return keys.OrderBy(k => k.ToString(), StringComparer.Ordinal).ToList();
    }

    [Fact]
    public async Task ListForUser_returns_the_user_token_and_the_tokens_the_user_owns_only()
    {
        var store = new InMemoryTokenStore();
        await store.SetAsync(Owned(TokenKey.ForUser("1"), null), null);
        await store.SetAsync(Owned(TokenKey.ForPage("10"), "1"), null);
        await store.SetAsync(Owned(TokenKey.ForPage("11"), "1"), null);
        await store.SetAsync(Owned(TokenKey.ForUser("2"), null), null);
        await store.SetAsync(Owned(TokenKey.ForPage("20"), "2"), null);
        await store.SetAsync(Owned(TokenKey.ForPage("12"), null), null);

        Assert.Equal([TokenKey.ForPage("10"), TokenKey.ForPage("11"), TokenKey.ForUser("1")], await PersonAsync(store, "1"));
        Assert.Equal([TokenKey.ForPage("20"), TokenKey.ForUser("2")], await PersonAsync(store, "2"));
        Assert.Empty(await PersonAsync(store, "3"));
    }

    [Fact]
    public async Task ListForUser_follows_an_owner_change_and_a_removal()
    {
        var store = new InMemoryTokenStore();
        await store.SetAsync(Owned(TokenKey.ForPage("10"), "1"), null);
        await store.SetAsync(Owned(TokenKey.ForPage("10"), "2"), null);

        Assert.Empty(await PersonAsync(store, "1"));
        Assert.Equal([TokenKey.ForPage("10")], await PersonAsync(store, "2"));

        await store.SetAsync(Owned(TokenKey.ForPage("10"), null), null);
        Assert.Empty(await PersonAsync(store, "2"));

        await store.SetAsync(Owned(TokenKey.ForPage("10"), "2"), null);
        Assert.True(await store.RemoveAsync(TokenKey.ForPage("10"), null));
        Assert.Empty(await PersonAsync(store, "2"));
    }

    [Fact]
    public async Task ListForUser_keeps_app_ids_apart()
    {
        var store = new InMemoryTokenStore();
        await store.SetAsync(Owned(TokenKey.ForUser("1"), null), null);
        await store.SetAsync(Owned(TokenKey.ForUser("1", "77"), null), null);
        await store.SetAsync(Owned(TokenKey.ForPage("10", "77"), "1"), null);

        Assert.Equal([TokenKey.ForUser("1")], await PersonAsync(store, "1"));
        Assert.Equal([TokenKey.ForPage("10", "77"), TokenKey.ForUser("1", "77")], await PersonAsync(store, "1", "77"));
        Assert.Empty(await PersonAsync(store, "1", "78"));
    }
}
