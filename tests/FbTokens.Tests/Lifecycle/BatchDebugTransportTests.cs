using System.Net;
using FbTokens.Internal;
using FbTokens.Tests.Framework;
using Microsoft.Extensions.DependencyInjection;

namespace FbTokens.Tests.Lifecycle;

/// <summary>
/// The sweep's batched <c>debug_token</c> request carries the app token and every token it checks; a transport
/// exception that writes the request into its message (a proxy) leaves the batch client, and so the sweep and its
/// log, scrubbed as the client's own are.
/// </summary>
public sealed class BatchDebugTransportTests
{
    private static readonly string[] Tokens = ["EAABsweeptoken0123456789-one", "EAABsweeptoken0123456789-two"];

    private static LifecycleHost Create() =>
        new(build: b => b.AddTokenValidationSweep(), graph: new DescribingProxy());

    [Fact]
    public async Task A_transport_exception_carrying_the_batch_request_is_rethrown_without_it()
    {
        await using var host = Create();

        var error = await Assert.ThrowsAsync<HttpRequestException>(() => host.Services.GetRequiredService<GraphBatchDebugClient>().DebugAsync(Tokens, CancellationToken.None));

        Assert.Equal(HttpRequestError.ProxyTunnelError, error.HttpRequestError);
        Assert.Equal(HttpStatusCode.BadGateway, error.StatusCode);
        Assert.Contains("proxy: upstream refused POST", error.Message, StringComparison.Ordinal);
        Assert.Null(error.InnerException);
        AssertNoSecret(error.ToString());
    }

    [Fact]
    public async Task The_sweep_fails_with_the_scrubbed_exception()
    {
        await using var host = Create();
        await host.SeedUserAsync("1001", Tokens[0], TimeSpan.FromDays(50));
        await host.SeedUserAsync("1002", Tokens[1], TimeSpan.FromDays(50));

        var error = await Assert.ThrowsAsync<HttpRequestException>(() => host.Services.GetRequiredService<TokenSweeper>().SweepAsync(CancellationToken.None));

        AssertNoSecret(error.ToString());
    }

    private static void AssertNoSecret(string text)
    {
        foreach (var secret in Tokens.Append(LifecycleHost.AppSecret))
        {
            Assert.DoesNotContain(secret, text, StringComparison.Ordinal);
            Assert.DoesNotContain(Uri.EscapeDataString(secret), text, StringComparison.Ordinal);
        }

        // The batch JSON is form-encoded once more: the tokens inside relative_url are escaped twice.
        foreach (var token in Tokens)
        {
            Assert.DoesNotContain(Uri.EscapeDataString(Uri.EscapeDataString(token)), text, StringComparison.Ordinal);
        }
    }

    /// <summary>A proxy that refuses every request and writes it, URI and form body, into the exception.</summary>
    private sealed class DescribingProxy : HttpMessageHandler
    {
        protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
        {
            var body = request.Content is null ? string.Empty : await request.Content.ReadAsStringAsync(cancellationToken);
            var text = "proxy: upstream refused " + request.Method + " " + request.RequestUri!.AbsoluteUri + " " + body;
            throw new HttpRequestException(HttpRequestError.ProxyTunnelError, text, new IOException("inner: " + text), HttpStatusCode.BadGateway);
        }
    }
}
