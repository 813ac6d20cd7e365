using System.Net;
using System.Text;
using System.Text.Json;
using FbTokens.AspNetCore.Tests.Framework;
using FbTokens.Testing;
using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.DependencyInjection;

namespace FbTokens.AspNetCore.Tests.Callbacks;

public sealed class FacebookCallbackTests
{
    private static Task<WebTestHost> HostAsync(Action<WebApplicationBuilder, GraphTokenEmulator>? configure = null) =>
        WebTestHost.StartAsync(
            app =>
            {
                app.MapFacebookDeauthorizeCallback("/facebook/deauthorize");
                app.MapFacebookDataDeletionCallback("/facebook/data-deletion", "/facebook/data-deletion/status");
            },
            configure);

    private static async Task<(EmulatedUser User, EmulatedPage Page)> SignedUpUserAsync(WebTestHost host)
    {
        var user = host.Emulator.CreateTestUser();
        var page = host.Emulator.CreatePage(user.Id);
        await host.Manager.SaveUserTokenAsync(host.Emulator.IssueUserToken(user.Id), includePageTokens: true);
        return (user, page);
    }

    private static string Signed(WebTestHost host, string userId, TimeSpan? age = null, string? secret = null, string algorithm = "HMAC-SHA256") =>
        SignedRequests.Create(secret ?? host.Emulator.DefaultApp.AppSecret, userId, host.Time.GetUtcNow() - (age ?? TimeSpan.FromSeconds(5)), algorithm);

    [Fact]
    public async Task Deauthorize_marks_every_token_of_the_user_invalid_with_AppNotInstalled()
    {
        await using var host = await HostAsync();
        var (user, page) = await SignedUpUserAsync(host);
        var other = await SignedUpUserAsync(host);

        var response = await host.Client.PostAsync("/facebook/deauthorize", SignedRequests.Form(Signed(host, user.Id)));

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        foreach (var key in new[] { TokenKey.ForUser(user.Id), TokenKey.ForPage(page.Id) })
        {
            var token = await host.Store.GetAsync(key);
            Assert.Equal(TokenStatus.Invalid, token!.Status);
            Assert.Equal(TokenErrorReason.AppNotInstalled, token.InvalidReason);
        }

        Assert.Equal(TokenStatus.Valid, (await host.Store.GetAsync(TokenKey.ForUser(other.User.Id)))!.Status);
    }

    public enum BadRequest
    {
        WrongSecret,
        TamperedPayload,
        Missing,
        Empty,
        NotAForm,
        TooOld,
        OtherAlgorithm,
        Garbage,
        TooLarge,
    }

    private static HttpContent BadContent(WebTestHost host, string userId, BadRequest bad) => bad switch
    {
        BadRequest.WrongSecret => SignedRequests.Form(Signed(host, userId, secret: "not-the-app-secret")),
        BadRequest.TamperedPayload => SignedRequests.Form(Signed(host, userId).Split('.')[0] + "." + Signed(host, "999999").Split('.')[1]),
        BadRequest.Missing => new FormUrlEncodedContent([new("other", "x")]),
        BadRequest.Empty => SignedRequests.Form(string.Empty),
        BadRequest.NotAForm => new StringContent(JsonSerializer.Serialize(new { signed_request = Signed(host, userId) }), Encoding.UTF8, "application/json"),
        BadRequest.TooOld => SignedRequests.Form(Signed(host, userId, age: TimeSpan.FromHours(2))),
        BadRequest.OtherAlgorithm => SignedRequests.Form(Signed(host, userId, algorithm: "HMAC-SHA1")),
        BadRequest.Garbage => SignedRequests.Form("not.a-signed-request"),
        BadRequest.TooLarge => SignedRequests.Form(new string('a', 100_000) + "." + Signed(host, userId)),
        _ => throw new ArgumentOutOfRangeException(nameof(bad)),
    };

    [Theory]
    [InlineData(BadRequest.WrongSecret)]
    [InlineData(BadRequest.TamperedPayload)]
    [InlineData(BadRequest.Missing)]
    [InlineData(BadRequest.Empty)]
    [InlineData(BadRequest.NotAForm)]
    [InlineData(BadRequest.TooOld)]
    [InlineData(BadRequest.OtherAlgorithm)]
    [InlineData(BadRequest.Garbage)]
    [InlineData(BadRequest.TooLarge)]
    public async Task A_bad_signed_request_gets_400_and_changes_nothing(BadRequest bad)
    {
        await using var host = await HostAsync();
        var (user, page) = await SignedUpUserAsync(host);

        var deauthorize = await host.Client.PostAsync("/facebook/deauthorize", BadContent(host, user.Id, bad));
        var deletion = await host.Client.PostAsync("/facebook/data-deletion", BadContent(host, user.Id, bad));

        Assert.Equal(HttpStatusCode.BadRequest, deauthorize.StatusCode);
        Assert.Equal(HttpStatusCode.BadRequest, deletion.StatusCode);
        Assert.Equal(TokenStatus.Valid, (await host.Store.GetAsync(TokenKey.ForUser(user.Id)))!.Status);
        Assert.Equal(TokenStatus.Valid, (await host.Store.GetAsync(TokenKey.ForPage(page.Id)))!.Status);
    }

    [Fact]
    public async Task Data_deletion_removes_the_users_tokens_and_answers_a_status_url_and_confirmation_code()
    {
        await using var host = await HostAsync();
        var (user, page) = await SignedUpUserAsync(host);

        var response = await host.Client.PostAsync("/facebook/data-deletion", SignedRequests.Form(Signed(host, user.Id)));

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("application/json", response.Content.Headers.ContentType!.MediaType);
        using var json = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
        var code = json.RootElement.GetProperty("confirmation_code").GetString()!;
        var url = new Uri(json.RootElement.GetProperty("url").GetString()!);
        Assert.Equal($"https://localhost/facebook/data-deletion/status?code={code}", url.AbsoluteUri);
        Assert.Null(await host.Store.GetAsync(TokenKey.ForUser(user.Id)));
        Assert.Null(await host.Store.GetAsync(TokenKey.ForPage(page.Id)));

        var status = await host.Client.GetAsync(url.PathAndQuery);
        Assert.Equal(HttpStatusCode.OK, status.StatusCode);
        var html = await status.Content.ReadAsStringAsync();
        Assert.Contains(code, html, StringComparison.Ordinal);
        Assert.Contains("completed", html, StringComparison.Ordinal);
        Assert.DoesNotContain(user.Id, html, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Two_deletion_requests_get_different_confirmation_codes()
    {
        await using var host = await HostAsync();
        var (user, _) = await SignedUpUserAsync(host);

        var first = await host.Client.PostAsync("/facebook/data-deletion", SignedRequests.Form(Signed(host, user.Id)));
        var second = await host.Client.PostAsync("/facebook/data-deletion", SignedRequests.Form(Signed(host, user.Id)));

        Assert.NotEqual(
            JsonDocument.Parse(await first.Content.ReadAsStringAsync()).RootElement.GetProperty("confirmation_code").GetString(),
            JsonDocument.Parse(await second.Content.ReadAsStringAsync()).RootElement.GetProperty("confirmation_code").GetString());
    }

    [Theory]
    [InlineData("?code=0123456789abcdef0123456789abcdef")]
    [InlineData("?code=<script>")]
    [InlineData("")]
    public async Task An_unknown_confirmation_code_is_404(string query)
    {
        await using var host = await HostAsync();

        var status = await host.Client.GetAsync("/facebook/data-deletion/status" + query);

        Assert.Equal(HttpStatusCode.NotFound, status.StatusCode);
        Assert.DoesNotContain("<script>", await status.Content.ReadAsStringAsync(), StringComparison.Ordinal);
    }

    private sealed class RecordingStore : IFacebookDataDeletionStore
    {
        public List<FacebookDataDeletionRecord> Saved { get; } = [];

        public Task SaveAsync(FacebookDataDeletionRecord record, CancellationToken cancellationToken = default)
        {
            Saved.Add(record);
            return Task.CompletedTask;
        }

        public Task<FacebookDataDeletionRecord?> FindAsync(string confirmationCode, CancellationToken cancellationToken = default) =>
            Task.FromResult(Saved.FirstOrDefault(r => r.ConfirmationCode == confirmationCode));
    }

    [Fact]
    public async Task A_store_failure_during_deauthorize_answers_503_not_a_success_that_changed_nothing()
    {
        await using var host = await HostAsync((b, _) => b.Services.AddSingleton(BrokenTokenStore.Create(() => new TokenStoreUnavailableException("down", null))));

        var response = await host.Client.PostAsync("/facebook/deauthorize", SignedRequests.Form(Signed(host, "1234")));

        Assert.Equal(HttpStatusCode.ServiceUnavailable, response.StatusCode);
    }

    [Fact]
    public async Task A_store_failure_during_data_deletion_answers_503_so_Facebook_tries_again()
    {
        await using var host = await HostAsync((b, _) => b.Services.AddSingleton(BrokenTokenStore.Create(() => new TokenStoreUnavailableException("down", null))));

        var deletion = await host.Client.PostAsync("/facebook/data-deletion", SignedRequests.Form(Signed(host, "1234")));

        Assert.Equal(HttpStatusCode.ServiceUnavailable, deletion.StatusCode);
        Assert.Equal("{}", "{}" + await deletion.Content.ReadAsStringAsync());
    }

    [Fact]
    public async Task A_registered_deletion_store_keeps_the_records()
    {
        var store = new RecordingStore();
        await using var host = await HostAsync((b, _) => b.Services.AddSingleton<IFacebookDataDeletionStore>(store));
        var (user, _) = await SignedUpUserAsync(host);

        await host.Client.PostAsync("/facebook/data-deletion", SignedRequests.Form(Signed(host, user.Id)));

        var record = Assert.Single(store.Saved);
        Assert.Equal(user.Id, record.UserId);
        Assert.Equal(2, record.TokensRemoved);
        Assert.Equal(host.Time.GetUtcNow(), record.RequestedAt);
    }
}
