using System.Net;
using System.Text.Json;

namespace FbTokens.Testing.Internal;

/// <summary>
/// Removing the app and asking for data deletion, as Facebook does them: the store change, then a form POST of
/// <c>signed_request</c> to the app's registered callback, through <see cref="GraphTokenEmulatorOptions.CallbackHttpClient"/>
/// or a client of its own (which it disposes).
/// </summary>
internal sealed class AppCallbacks(EmulatorStore store, TimeProvider time, GraphTokenEmulatorOptions options) : IDisposable
{
    private const int MaxAnswerBytes = 64 * 1024;
    private HttpClient? _ownClient;

    private HttpClient Client => options.CallbackHttpClient
        ?? LazyInitializer.EnsureInitialized(ref _ownClient, () => new HttpClient(new SocketsHttpHandler { AllowAutoRedirect = false }) { Timeout = TimeSpan.FromSeconds(30) });

    /// <summary>Invalidates the user's tokens (<see cref="TokenInvalidationReason.AppNotInstalled"/>) and posts to the deauthorize callback, if one is registered.</summary>
    /// <returns>How many tokens were invalidated, and the callback's status (null without a callback).</returns>
    public async Task<(int Invalidated, HttpStatusCode? Status)> RemoveAppAsync(string userId, string? appId, CancellationToken cancellationToken)
    {
        var (app, user, invalidated) = store.RemoveApp(userId, appId);
        if (app.DeauthorizeCallbackUri is not { } callback)
        {
            return (invalidated, null);
        }

        using var response = await PostAsync(callback, app, user.Id, cancellationToken).ConfigureAwait(false);
        return (invalidated, response.StatusCode);
    }

    /// <summary>Posts to the data-deletion callback and reads Meta's required answer.</summary>
    public async Task<EmulatedDataDeletionAnswer> RequestDataDeletionAsync(string userId, string? appId, CancellationToken cancellationToken)
    {
        var (app, user) = store.AppOfUser(userId, appId);
        var callback = app.DataDeletionCallbackUri
            ?? throw new InvalidOperationException($"The app {app.AppId} has no DataDeletionCallbackUri.");
        using var response = await PostAsync(callback, app, user.Id, cancellationToken).ConfigureAwait(false);
        if (!response.IsSuccessStatusCode)
        {
            throw new InvalidOperationException($"The data-deletion callback answered HTTP {(int)response.StatusCode}; Meta requires 200 with {{ \"url\", \"confirmation_code\" }}.");
        }

        var body = await response.Content.ReadAsByteArrayAsync(cancellationToken).ConfigureAwait(false);
        return ParseAnswer(body)
            ?? throw new InvalidOperationException("The data-deletion callback's answer is not the JSON object { \"url\": absolute URL, \"confirmation_code\": string } Meta requires.");
    }

    public void Dispose() => _ownClient?.Dispose();

    internal static EmulatedDataDeletionAnswer? ParseAnswer(byte[] body)
    {
        if (body.Length is 0 or > MaxAnswerBytes)
        {
            return null;
        }

        try
        {
            using var document = JsonDocument.Parse(body);
            var root = document.RootElement;
            return root.ValueKind == JsonValueKind.Object
                && root.TryGetProperty("url", out var url) && url.ValueKind == JsonValueKind.String
                && Uri.TryCreate(url.GetString(), UriKind.Absolute, out var uri) && uri.Scheme is "http" or "https"
                && root.TryGetProperty("confirmation_code", out var code) && code.ValueKind == JsonValueKind.String
                && code.GetString() is { Length: > 0 } confirmation
                ? new EmulatedDataDeletionAnswer(uri, confirmation)
                : null;
        }
        catch (JsonException)
        {
            return null;
        }
    }

    private async Task<HttpResponseMessage> PostAsync(Uri callback, EmulatedApp app, string userId, CancellationToken cancellationToken)
    {
        var signedRequest = SignedRequestSigner.Sign(app.AppSecret, userId, time.GetUtcNow());
        using var content = new FormUrlEncodedContent([new("signed_request", signedRequest)]);
        return await Client.PostAsync(callback, content, cancellationToken).ConfigureAwait(false);
    }
}
