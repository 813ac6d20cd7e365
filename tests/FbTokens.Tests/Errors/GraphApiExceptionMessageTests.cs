using System.Net;

namespace FbTokens.Tests.Errors;

/// <summary>
/// The message of a <see cref="GraphApiException"/> is what lands in a log or a bug report: it names the code, the
/// subcode when there is one, the type (or says it is unknown), the HTTP status, Graph's message and the trace id to
/// quote to Meta, when there is one.
/// </summary>
public sealed class GraphApiExceptionMessageTests
{
    [Fact]
    public void The_message_names_code_subcode_type_status_message_and_trace_id()
    {
        var error = new GraphApiException(HttpStatusCode.BadRequest, new GraphError(190, "Session has expired.", 463, "OAuthException", "AWx1b2C3d4E"));

        Assert.Equal("Graph error 190/463 (OAuthException, HTTP 400): Session has expired. (fbtrace_id AWx1b2C3d4E)", error.Message);
    }

    [Fact]
    public void Without_subcode_type_or_trace_id_the_message_says_so_and_adds_nothing()
    {
        var error = new GraphApiException(HttpStatusCode.InternalServerError, new GraphError(1, "An unknown error occurred"));

        Assert.Equal("Graph error 1 (unknown type, HTTP 500): An unknown error occurred", error.Message);
    }

    [Fact]
    public void Subclasses_share_the_message()
    {
        var error = new GraphRateLimitException(HttpStatusCode.Forbidden, new GraphError(4, "Application request limit reached", Type: "OAuthException"), TimeSpan.FromSeconds(5), null);

        Assert.Equal("Graph error 4 (OAuthException, HTTP 403): Application request limit reached", error.Message);
    }
}
