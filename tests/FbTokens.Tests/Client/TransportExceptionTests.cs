using System.Net;
using System.Net.Sockets;
using FbTokens.Tests.Framework;
using static FbTokens.Tests.Framework.GraphPayloads;

namespace FbTokens.Tests.Client;

/// <summary>
/// A transport exception whose message carries the request (a proxy writing the URI into it) reaches the caller
/// sanitized: same kind, same <see cref="HttpRequestError"/> and status, no secret in any form, no tainted inner.
/// </summary>
public sealed class TransportExceptionTests
{
    private static GraphTestHost Host(bool resilience) => new(o =>
    {
        o.Resilience.Enabled = resilience;
        o.Resilience.MaxRetryAttempts = 1;
    });

    private static async Task<string> Describe(HttpRequestMessage request)
    {
        var body = request.Content is null ? string.Empty : await request.Content.ReadAsStringAsync();
        return "proxy: upstream refused " + request.Method + " " + request.RequestUri!.AbsoluteUri + " " + body;
    }

    [Theory]
    [InlineData(true, "DebugToken")]
    [InlineData(false, "DebugToken")]
    [InlineData(true, "GetPageTokens")]
    [InlineData(false, "ExchangeCode")]
    [InlineData(true, "GetAppAccessToken")]
    public async Task A_transport_exception_that_carries_the_request_is_rethrown_without_it(bool resilience, string operation)
    {
        using var host = Host(resilience);
        host.Intercept = async (request, _) =>
        {
            var text = await Describe(request);
            throw new HttpRequestException(HttpRequestError.ProxyTunnelError, text, new IOException("inner: " + text), HttpStatusCode.BadGateway);
        };

        var error = await Assert.ThrowsAsync<HttpRequestException>(() => ErrorEnvelopeTestsRun(host, operation));

        Assert.Equal(HttpRequestError.ProxyTunnelError, error.HttpRequestError);
        Assert.Equal(HttpStatusCode.BadGateway, error.StatusCode);
        Assert.Null(error.InnerException);
        Assert.Contains("proxy: upstream refused", error.Message, StringComparison.Ordinal);
        AssertNoSecret(error.ToString());
    }

    [Fact]
    public async Task A_tainted_inner_exception_alone_is_dropped()
    {
        using var host = Host(resilience: false);
        host.Intercept = async (request, _) => throw new HttpRequestException("An error occurred while sending the request.", new IOException(await Describe(request)));

        var error = await Assert.ThrowsAsync<HttpRequestException>(() => host.Client.DebugTokenAsync(LongLivedToken));

        Assert.Equal("An error occurred while sending the request.", error.Message);
        Assert.Null(error.InnerException);
        AssertNoSecret(error.ToString());
    }

    [Fact]
    public async Task A_clean_transport_exception_is_rethrown_as_it_is()
    {
        using var host = Host(resilience: false);
        var thrown = new HttpRequestException(HttpRequestError.ConnectionError, "refused", new SocketException((int)SocketError.ConnectionRefused));
        host.Intercept = (_, _) => throw thrown;

        var error = await Assert.ThrowsAsync<HttpRequestException>(() => host.Client.DebugTokenAsync(LongLivedToken));

        Assert.Same(thrown, error);
    }

    [Fact]
    public async Task Other_transport_exception_kinds_keep_their_kind()
    {
        using var host = Host(resilience: false);
        host.Intercept = async (request, _) => throw new IOException(await Describe(request));

        var error = await Assert.ThrowsAsync<IOException>(() => host.Client.DebugTokenAsync(LongLivedToken));

        Assert.Null(error.InnerException);
        AssertNoSecret(error.ToString());
    }

    private static Task ErrorEnvelopeTestsRun(GraphTestHost host, string operation) => Errors.ErrorEnvelopeTests.Run(host.Client, operation);

    private static void AssertNoSecret(string text)
    {
        foreach (var secret in new[] { GraphTestHost.AppSecret, LongLivedToken, Code, TokenOperationTests.Proof(LongLivedToken) })
        {
            foreach (var form in SensitiveValuesTests.Forms(secret))
            {
                Assert.DoesNotContain(form, text, StringComparison.Ordinal);
            }
        }
    }
}
