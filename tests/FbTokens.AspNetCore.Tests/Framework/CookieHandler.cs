using System.Net;
using System.Text.RegularExpressions;

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
                // The app runs on a fake clock, the jar on the real one: an absolute expiry means nothing here except
                // the 1970 date of a deleted cookie (Max-Age is relative and kept).
                var cookie = setCookie.Contains("expires=Thu, 01 Jan 1970", StringComparison.OrdinalIgnoreCase)
                    ? setCookie
                    : Regex.Replace(setCookie, "expires=[^;]*;? ?", string.Empty, RegexOptions.IgnoreCase);
                cookies.SetCookies(uri, cookie);
            }
        }

        return response;
    }
}
