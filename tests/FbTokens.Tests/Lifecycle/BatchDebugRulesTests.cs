using System.Net;
using System.Text;
using System.Text.Json;
using FbTokens.Internal;
using FbTokens.Tests.Framework;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging.Abstractions;
using RichardSzalay.MockHttp;

namespace FbTokens.Tests.Lifecycle;

/// <summary>The batched debug_token call's rules: batch size, the app secret, which failed operations are retried, and a short answer.</summary>
public sealed class BatchDebugRulesTests
{
    private static string[] TokensOf(int count) =>
        Enumerable.Range(0, count).Select(i => "EAABbatchtoken0123456789-" + i.ToString(System.Globalization.CultureInfo.InvariantCulture)).ToArray();

    private static LifecycleHost Create(string batchAnswer)
    {
        var api = new MockHttpMessageHandler();
        api.When(HttpMethod.Post, LifecycleHost.GraphBase.AbsoluteUri)
            .Respond(_ => new HttpResponseMessage(HttpStatusCode.OK) { Content = new StringContent(batchAnswer, Encoding.UTF8, "application/json") });
        return new LifecycleHost(build: b => b.AddTokenValidationSweep(), graph: api);
    }

    private static string Item(int code, string? body) =>
        "{\"code\":" + code.ToString(System.Globalization.CultureInfo.InvariantCulture) + ",\"body\":" + (body is null ? "null" : "\"" + JsonEncodedText.Encode(body) + "\"") + "}";

    private static string Valid => LifecyclePayloads.DebugData(true, "1001", LifecycleHost.Start.AddDays(50));

    [Theory]
    [InlineData(0)]
    [InlineData(51)]
    public async Task A_batch_of_none_or_more_than_50_tokens_is_refused(int count)
    {
        await using var host = Create("[]");

        var error = await Assert.ThrowsAsync<ArgumentOutOfRangeException>(() => host.Services.GetRequiredService<GraphBatchDebugClient>().DebugAsync(TokensOf(count), CancellationToken.None));

        Assert.Equal("inputTokens", error.ParamName);
        Assert.StartsWith("A batch holds 1 to 50 operations.", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_batch_of_50_tokens_is_sent_once()
    {
        await using var host = Create("[" + string.Join(",", Enumerable.Repeat(Item(200, Valid), 50)) + "]");
        var client = host.Services.GetRequiredService<GraphBatchDebugClient>();

        var results = await client.DebugAsync(TokensOf(50), CancellationToken.None);

        Assert.Equal(50, results.Length);
        Assert.All(results, r => Assert.True(r.Response!.IsValid));
        Assert.Equal(1, client.RequestCount);
    }

    [Fact]
    public async Task A_token_with_white_space_is_refused_before_anything_is_sent()
    {
        await using var host = Create("[]");
        var client = host.Services.GetRequiredService<GraphBatchDebugClient>();

        await Assert.ThrowsAnyAsync<ArgumentException>(() => client.DebugAsync(["EAABbatchtoken0123456789-1", "EAAB two"], CancellationToken.None));
        Assert.Equal(0, client.RequestCount);
    }

    [Fact]
    public async Task Without_an_app_secret_the_batch_is_refused_saying_which_key_to_set()
    {
        var client = new GraphBatchDebugClient(
            null!,
            Microsoft.Extensions.Options.Options.Create(new FbTokensOptions { AppId = "1234567890" }),
            TimeProvider.System,
            NullLogger<GraphBatchDebugClient>.Instance);

        var error = await Assert.ThrowsAsync<InvalidOperationException>(() => client.DebugAsync(TokensOf(1), CancellationToken.None));

        Assert.Equal("Batched debug_token needs the app secret: set FbTokens:AppSecret.", error.Message);
    }

    [Fact]
    public async Task Only_operations_Graph_calls_temporary_are_retried()
    {
        var items = new[]
        {
            Item(500, LifecyclePayloads.Error(1)),
            Item(429, null),
            Item(400, LifecyclePayloads.Error(100, transient: true)),
            Item(400, LifecyclePayloads.Error(2)),
            Item(400, LifecyclePayloads.Error(341)),
            Item(400, LifecyclePayloads.Error(190, 460)),
            Item(400, LifecyclePayloads.Error(1)),
            Item(404, null),
            Item(299, Valid),
            Item(300, Valid),
            Item(200, null),
        };
        await using var host = Create("[" + string.Join(",", items) + "]");

        var results = await host.Services.GetRequiredService<GraphBatchDebugClient>().DebugAsync(TokensOf(items.Length), CancellationToken.None);

        Assert.Equal([true, true, true, true, true, false, false, false, false, false, false], results.Select(r => r.Retry));
        Assert.True(results[8].Response!.IsValid);
        Assert.All(results.Where((_, i) => i != 8), r => Assert.Null(r.Response));
    }

    [Fact]
    public async Task A_batch_answered_with_fewer_results_is_a_protocol_error()
    {
        await using var host = Create("[" + Item(200, Valid) + "]");

        var error = await Assert.ThrowsAsync<GraphProtocolException>(() => host.Services.GetRequiredService<GraphBatchDebugClient>().DebugAsync(TokensOf(2), CancellationToken.None));

        Assert.StartsWith("Graph answered a batch of 2 operations with 1 results.", error.Message, StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.OK, error.StatusCode);
    }

    [Theory]
    [InlineData("https://graph.facebook.com/", "https://graph.facebook.com/")]
    [InlineData("https://proxy.example.com/graph", "https://proxy.example.com/graph/")]
    [InlineData("https://proxy.example.com/graph/", "https://proxy.example.com/graph/")]
    public void The_batch_goes_to_the_base_address_as_a_folder(string graphBase, string endpoint)
    {
        Assert.Equal(endpoint, GraphBatchDebugClient.BatchEndpoint(new Uri(graphBase)).AbsoluteUri);
    }
}
