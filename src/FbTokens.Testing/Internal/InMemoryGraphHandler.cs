using System.Net;

namespace FbTokens.Testing.Internal;

/// <summary>The in-memory host: hands each request to the engine without any socket.</summary>
internal sealed class InMemoryGraphHandler(EmulatorEngine engine) : HttpMessageHandler
{
    protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(request);
        if (request.RequestUri is not { IsAbsoluteUri: true } url)
        {
            throw new InvalidOperationException("The emulator needs an absolute request URI: set HttpClient.BaseAddress or FbTokensOptions.GraphBaseAddress.");
        }

        var body = request.Content is null ? null : await request.Content.ReadAsStringAsync(cancellationToken).ConfigureAwait(false);
        var form = HostAdapter.ParseForm(request.Content?.Headers.ContentType?.MediaType, body);
        var authorization = request.Headers.TryGetValues("Authorization", out var values) ? values.FirstOrDefault() : null;
        var emulatorRequest = new EmulatorRequest(request.Method.Method, url, form, authorization);
        var result = await engine.HandleAsync(emulatorRequest, cancellationToken).ConfigureAwait(false);
        if (result.ResetConnection)
        {
            // What SocketsHttpHandler reports when the server resets the connection before answering.
            throw new HttpRequestException(HttpRequestError.ResponseEnded, "The response ended prematurely (the emulator reset the connection).", new IOException("Connection reset by peer."));
        }

        var response = new HttpResponseMessage((HttpStatusCode)result.StatusCode)
        {
            RequestMessage = request,
            Content = new ByteArrayContent(result.Body),
        };
        response.Content.Headers.TryAddWithoutValidation("Content-Type", result.ContentType);
        foreach (var (name, value) in result.Headers)
        {
            response.Headers.TryAddWithoutValidation(name, value);
        }

        return response;
    }
}

/// <summary>What both hosts share when turning their request into an <see cref="EmulatorRequest"/>.</summary>
internal static class HostAdapter
{
    /// <summary>The form parameters of a body, when it is <c>application/x-www-form-urlencoded</c> (as Graph reads it); otherwise none.</summary>
    public static IReadOnlyList<KeyValuePair<string, string>> ParseForm(string? mediaType, string? body) =>
        string.Equals(mediaType, "application/x-www-form-urlencoded", StringComparison.OrdinalIgnoreCase) && !string.IsNullOrEmpty(body)
            ? UrlEncoding.Parse(body)
            : [];
}
