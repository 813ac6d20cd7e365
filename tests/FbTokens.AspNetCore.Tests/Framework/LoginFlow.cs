using System.Net;
using Microsoft.AspNetCore.WebUtilities;

namespace FbTokens.AspNetCore.Tests.Framework;

/// <summary>Drives a Facebook Login through the app the way a browser would, with the emulator minting the code the dialog would.</summary>
internal static class LoginFlow
{
    public sealed record Started(HttpResponseMessage Response, Uri Dialog, string State, Uri RedirectUri);

    public static async Task<Started> StartAsync(WebTestHost host, string path = "/login/facebook")
    {
        var response = await host.Client.GetAsync(path);
        Assert.Equal(HttpStatusCode.Redirect, response.StatusCode);
        var dialog = response.Headers.Location!;
        var query = QueryHelpers.ParseQuery(dialog.Query);
        return new Started(response, dialog, query["state"].ToString(), new Uri(query["redirect_uri"].ToString()));
    }

    public static Task<HttpResponseMessage> CallbackAsync(WebTestHost host, Started started, string code) =>
        host.Client.GetAsync(started.RedirectUri.PathAndQuery + "?code=" + Uri.EscapeDataString(code) + "&state=" + Uri.EscapeDataString(started.State));
}
