using System.Net;
using System.Text;
using System.Text.Json;
using FbTokens.Internal;
using FbTokens.Tests.Framework;
using Microsoft.Extensions.DependencyInjection;
using RichardSzalay.MockHttp;

namespace FbTokens.Tests.Lifecycle;

/// <summary>The sweep's batch parser is as total as the client: odd bodies give "no verdict", never a crash.</summary>
public sealed class BatchDebugParsingTests
{
    private static readonly string[] Tokens = ["EAABbatchtoken0123456789-1", "EAABbatchtoken0123456789-2", "EAABbatchtoken0123456789-3", "EAABbatchtoken0123456789-4", "EAABbatchtoken0123456789-5", "EAABbatchtoken0123456789-6"];

    [Fact]
    public async Task Odd_bodies_in_a_batch_are_normalised_or_reported_without_a_verdict()
    {
        var items = new[]
        {
            Item("""{"data":{"app_id":1234567890,"type":"USER","is_valid":true,"expires_at":1800000000,"scopes":[null,"email"],"granular_scopes":[null,{"scope":null},{"scope":"pages_show_list","target_ids":[null,"2001"]}],"user_id":1001}}"""),
            "null",
            Item("""{"data":{"app_id":"1234567890","is_valid":true,"expires_at":253402300800,"issued_at":9223372036854775807,"data_access_expires_at":1e300}}"""),
            Item("""{"data":{"app_id":"1234567890","is_valid":true,"expires_at":-1}}"""),
            Item("""{"data":null}"""),
            Item("""{"data":{"app_id":1.5,"is_valid":true}}"""),
        };
        await using var host = Create("[" + string.Join(",", items) + "]");

        var results = await host.Services.GetRequiredService<GraphBatchDebugClient>().DebugAsync(Tokens, CancellationToken.None);

        var first = results[0].Response!;
        Assert.Equal("1234567890", first.AppId);
        Assert.Equal("1001", first.UserId);
        Assert.Equal(["email"], first.Scopes);
        var granular = Assert.Single(first.GranularScopes);
        Assert.Equal(["2001"], granular.TargetIds);
        Assert.Equal(new BatchDebugResult(null, Retry: true), results[1]);
        var far = results[2].Response!;
        Assert.True(far.IsValid);
        Assert.Null(far.ExpiresAt);
        Assert.Null(far.IssuedAt);
        Assert.Null(far.DataAccessExpiresAt);
        Assert.Equal(new BatchDebugResult(null, Retry: false), results[3]);
        Assert.Equal(new BatchDebugResult(null, Retry: false), results[4]);
        Assert.Equal(new BatchDebugResult(null, Retry: false), results[5]);
    }

    private static string Item(string body) => "{\"code\":200,\"body\":\"" + JsonEncodedText.Encode(body).ToString() + "\"}";

    private static LifecycleHost Create(string batchAnswer)
    {
        var api = new MockHttpMessageHandler();
        api.When(HttpMethod.Post, LifecycleHost.GraphBase.AbsoluteUri)
            .Respond(_ => new HttpResponseMessage(HttpStatusCode.OK) { Content = new StringContent(batchAnswer, Encoding.UTF8, "application/json") });
        return new LifecycleHost(build: b => b.AddTokenValidationSweep(), graph: api);
    }
}
