using System.Net;
using System.Net.Sockets;
using System.Runtime.CompilerServices;
using System.Security.Authentication;
using FbTokens.Internal;
using Polly.CircuitBreaker;
using Polly.Timeout;
using static FbTokens.Tests.Framework.GraphPayloads;

namespace FbTokens.Tests.Client;

/// <summary>
/// <see cref="TransportExceptionScrubber"/>: an exception that carries a secret is rebuilt as the same kind, with what
/// callers and resilience code read from it (cancellation token, timeout, retry-after, socket error) kept, the message
/// masked and the original stack trace; a clean one is left alone.
/// </summary>
public sealed class TransportExceptionKindTests
{
    private const string Prefix = "proxy refused https://graph.facebook.com/v24.0/me?access_token=";
    private static readonly string Tainted = Prefix + Uri.EscapeDataString(LongLivedToken);
    private static readonly CancellationToken Canceled = new(canceled: true);

    private static SensitiveValues Sensitive()
    {
        var sensitive = new SensitiveValues();
        sensitive.Add(LongLivedToken);
        return sensitive;
    }

    public static TheoryData<int> Kinds() => [.. Enumerable.Range(0, Every(Tainted).Count)];

    /// <summary>Every kind the scrubber rebuilds as itself, with the message given.</summary>
    private static List<Exception> Every(string message) =>
    [
        new TaskCanceledException(message, null, Canceled),
        new OperationCanceledException(message, Canceled),
        new TimeoutRejectedException(message, TimeSpan.FromSeconds(3)),
        new BrokenCircuitException(message),
        new BrokenCircuitException(message, TimeSpan.FromSeconds(7)),
        new SocketException((int)SocketError.ConnectionRefused, message),
        new AuthenticationException(message),
        new IOException(message),
        new TimeoutException(message),
        new InvalidOperationException(message),
        new HttpRequestException(HttpRequestError.ProxyTunnelError, message, null, HttpStatusCode.BadGateway),
    ];

    [Theory]
    [MemberData(nameof(Kinds))]
    public void A_tainted_exception_is_rebuilt_as_its_own_kind_with_what_callers_read_from_it(int kind)
    {
        var original = Every(Tainted)[kind];

        var clean = TransportExceptionScrubber.Sanitize(original, Sensitive());

        Assert.NotSame(original, clean);
        Assert.IsType(original.GetType(), clean);
        Assert.Equal(Prefix + "***", clean.Message);
        switch (original)
        {
            case OperationCanceledException canceled:
                Assert.Equal(canceled.CancellationToken, ((OperationCanceledException)clean).CancellationToken);
                break;
            case TimeoutRejectedException timeout:
                Assert.Equal(timeout.Timeout, ((TimeoutRejectedException)clean).Timeout);
                break;
            case BrokenCircuitException broken:
                Assert.Equal(broken.RetryAfter, ((BrokenCircuitException)clean).RetryAfter);
                break;
            case SocketException socket:
                Assert.Equal(socket.SocketErrorCode, ((SocketException)clean).SocketErrorCode);
                break;
            case HttpRequestException http:
                Assert.Equal(http.HttpRequestError, ((HttpRequestException)clean).HttpRequestError);
                Assert.Equal(http.StatusCode, ((HttpRequestException)clean).StatusCode);
                break;
        }
    }

    [Theory]
    [MemberData(nameof(Kinds))]
    public void A_clean_exception_is_left_as_it_is(int kind)
    {
        var original = Every("proxy refused the connection")[kind];

        Assert.Same(original, TransportExceptionScrubber.Sanitize(original, Sensitive()));
    }

    [Fact]
    public void A_kind_it_cannot_rebuild_becomes_an_HttpRequestException_and_a_clean_inner_exception_is_kept()
    {
        var inner = new SocketException((int)SocketError.ConnectionReset);

        var clean = TransportExceptionScrubber.Sanitize(new EndOfStreamException(Tainted, inner), Sensitive());

        var http = Assert.IsType<HttpRequestException>(clean);
        Assert.Equal(HttpRequestError.Unknown, http.HttpRequestError);
        Assert.Equal(Prefix + "***", http.Message);
        Assert.Same(inner, http.InnerException);
    }

    [Fact]
    public void Polly_exceptions_keep_a_clean_inner_exception()
    {
        var inner = new OperationCanceledException("attempt canceled");

        var timeout = TransportExceptionScrubber.Sanitize(new TimeoutRejectedException(Tainted, TimeSpan.FromSeconds(3), inner), Sensitive());
        var broken = TransportExceptionScrubber.Sanitize(new BrokenCircuitException(Tainted, TimeSpan.FromSeconds(7), inner), Sensitive());
        var brokenWithoutRetryAfter = TransportExceptionScrubber.Sanitize(new BrokenCircuitException(Tainted, inner), Sensitive());

        Assert.Same(inner, timeout.InnerException);
        Assert.Same(inner, broken.InnerException);
        Assert.Same(inner, brokenWithoutRetryAfter.InnerException);
    }

    [Fact]
    public void A_secret_in_any_inner_exception_of_an_aggregate_taints_it()
    {
        var clean = new AggregateException("several failures", new IOException("reset"), new IOException(Tainted));
        var cleanOnly = new AggregateException("several failures", new IOException("reset"), new IOException("refused"));

        var sanitized = TransportExceptionScrubber.Sanitize(new HttpRequestException("failed", clean), Sensitive());

        Assert.Null(sanitized.InnerException);
        Assert.DoesNotContain(LongLivedToken, sanitized.ToString(), StringComparison.Ordinal);
        Assert.Same(cleanOnly, TransportExceptionScrubber.Sanitize(cleanOnly, Sensitive()));
    }

    [Fact]
    public void A_chain_deeper_than_any_real_one_is_treated_as_tainted_and_a_short_clean_one_is_not()
    {
        Exception deep = new IOException("bottom");
        Exception deepAggregate = new IOException("bottom");
        for (var i = 0; i < 100; i++)
        {
            deep = new IOException("level " + i, deep);
            deepAggregate = new AggregateException("level " + i, deepAggregate);
        }

        var shallow = new HttpRequestException("failed", new IOException("reset", new SocketException((int)SocketError.ConnectionReset)));

        Assert.NotSame(deep, TransportExceptionScrubber.Sanitize(deep, Sensitive()));
        Assert.NotSame(deepAggregate, TransportExceptionScrubber.Sanitize(deepAggregate, Sensitive()));
        Assert.Same(shallow, TransportExceptionScrubber.Sanitize(shallow, Sensitive()));
    }

    [Fact]
    public void The_rebuilt_exception_keeps_the_original_stack_trace()
    {
        var thrown = Assert.Throws<IOException>(ThrowFromTransport);

        var clean = TransportExceptionScrubber.Sanitize(thrown, Sensitive());

        Assert.Contains(nameof(ThrowFromTransport), clean.StackTrace, StringComparison.Ordinal);
    }

    [MethodImpl(MethodImplOptions.NoInlining)]
    private static void ThrowFromTransport() => throw new IOException(Tainted);
}
