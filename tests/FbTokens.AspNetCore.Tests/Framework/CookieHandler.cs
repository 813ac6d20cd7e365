using System.Net;

namespace FbTokens.AspNetCore.Tests.Framework;

/// <summary>A browser's cookie jar in front of the test server (TestServer's own client keeps no cookies).</summary>
internal sealed class CookieHandler(HttpMessageHandler inner, CookieContainer cookies) : DelegatingHandler(inner)
{
    protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
    {
        var uri = request.RequestUri!;
        var header = cookies.GetCookieHeader(uri);
        if (header.Length > 0)
        {
            request.Headers.Add("Cookie", header);
        }

        var response = await base.SendAsync(request, cancellationToken);
        if (response.Headers.TryGetValues("Set-Cookie", out var setCookies))
        {
            foreach (var setCookie in setCookies)
            {
                cookies.SetCookies(uri, setCookie);
            }
        }

        return response;
    }
}
