using System.Net.Sockets;
using System.Runtime.ExceptionServices;
using System.Security.Authentication;
using Polly.CircuitBreaker;
using Polly.Timeout;

namespace FbTokens.Internal;

/// <summary>
/// Transport exceptions can carry the request: a proxy or a custom handler may write the URI (with its query) or the
/// form body into the message. Before such an exception leaves FbTokens it is replaced by one of the same kind whose
/// message is masked and which drops the tainted inner exception.
/// </summary>
internal static class TransportExceptionScrubber
{
    private const int MaxDepth = 16;

    /// <summary>
    /// <paramref name="exception"/> itself when no message in it or its inner exceptions holds a secret of the request;
    /// otherwise a new exception of the same kind (an <see cref="HttpRequestException"/> keeps its
    /// <see cref="HttpRequestException.HttpRequestError"/> and status), with the masked message, the inner exception
    /// only when that is clean, and the original stack trace. A kind it cannot rebuild becomes an
    /// <see cref="HttpRequestException"/> (<see cref="HttpRequestError.Unknown"/>).
    /// </summary>
    public static Exception Sanitize(Exception exception, SensitiveValues sensitive)
    {
        if (!IsTainted(exception, sensitive, 0))
        {
            return exception;
        }

        var message = sensitive.Scrub(exception.Message) ?? string.Empty;
        var inner = exception.InnerException is { } i && !IsTainted(i, sensitive, 0) ? i : null;
        var clean = Rebuild(exception, message, inner);
        if (exception.StackTrace is { } trace)
        {
            ExceptionDispatchInfo.SetRemoteStackTrace(clean, trace);
        }

        return clean;
    }

    private static Exception Rebuild(Exception exception, string message, Exception? inner)
    {
        var type = exception.GetType();
        return exception switch
        {
            HttpRequestException http => new HttpRequestException(http.HttpRequestError, message, inner, http.StatusCode),
            TaskCanceledException canceled when type == typeof(TaskCanceledException) => new TaskCanceledException(message, inner, canceled.CancellationToken),
            OperationCanceledException canceled when type == typeof(OperationCanceledException) => new OperationCanceledException(message, inner, canceled.CancellationToken),
            TimeoutRejectedException timeout when type == typeof(TimeoutRejectedException) => new TimeoutRejectedException(message, timeout.Timeout, inner ?? new OperationCanceledException()),
            BrokenCircuitException broken when type == typeof(BrokenCircuitException) => broken.RetryAfter is { } retryAfter
                ? new BrokenCircuitException(message, retryAfter, inner ?? new InvalidOperationException(message))
                : new BrokenCircuitException(message, inner ?? new InvalidOperationException(message)),
            // SocketErrorCode, not ErrorCode: ErrorCode is the native error (111 for a refused connection on Linux), which
            // the constructor would read as a SocketError and lose.
            SocketException socket when type == typeof(SocketException) => new SocketException((int)socket.SocketErrorCode, message),
            AuthenticationException when type == typeof(AuthenticationException) => new AuthenticationException(message, inner),
            IOException when type == typeof(IOException) => new IOException(message, inner),
            TimeoutException when type == typeof(TimeoutException) => new TimeoutException(message, inner),
            InvalidOperationException when type == typeof(InvalidOperationException) => new InvalidOperationException(message, inner),
            _ => new HttpRequestException(HttpRequestError.Unknown, message, inner),
        };
    }

    private static bool IsTainted(Exception exception, SensitiveValues sensitive, int depth)
    {
        if (depth > MaxDepth)
        {
            // Deeper than any real chain: treat as tainted rather than walk on.
            return true;
        }

        if (sensitive.Taints(exception.Message))
        {
            return true;
        }

        if (exception is AggregateException aggregate)
        {
            foreach (var inner in aggregate.InnerExceptions)
            {
                if (IsTainted(inner, sensitive, depth + 1))
                {
                    return true;
                }
            }

            return false;
        }

        return exception.InnerException is { } next && IsTainted(next, sensitive, depth + 1);
    }
}
