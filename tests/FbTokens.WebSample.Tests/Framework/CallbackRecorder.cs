namespace FbTokens.WebSample.Tests.Framework;

/// <summary>
/// The emulator's client for the deauthorize and data-deletion callbacks: forwards each POST to the sample (its
/// TestServer in memory, or the loopback socket) and keeps the bodies, so the no-leak check knows every
/// <c>signed_request</c> that was sent. The inner handler may be set after the emulator is built (the TestServer exists
/// only once the sample runs, and the sample needs the emulator's address first).
/// </summary>
internal sealed class CallbackRecorder : DelegatingHandler
{
    private readonly List<string> _bodies = [];

    /// <summary>Every callback body sent so far (form-encoded, <c>signed_request=…</c>).</summary>
    public IReadOnlyList<string> Bodies
    {
        get
        {
            lock (_bodies)
            {
                return [.. _bodies];
            }
        }
    }

    protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
    {
        if (request.Content is { } content)
        {
            var body = await content.ReadAsStringAsync(cancellationToken);
            lock (_bodies)
            {
                _bodies.Add(body);
            }
        }

        return await base.SendAsync(request, cancellationToken);
    }
}
