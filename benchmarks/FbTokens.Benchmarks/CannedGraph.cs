using System.Net;
using System.Text;

namespace FbTokens.Benchmarks;

/// <summary>Graph's responses as bytes, and a handler that answers every request with them: no I/O.</summary>
internal static class CannedGraph
{
    public const string AppId = "138483919580948";
    public const string AppSecret = "s3cr3t-app-secret-0123456789abcdef";
    public const string UserToken = "EAAGm0PX4ZCpsBALongLivedUserToken0123456789abcdefghijkXYZEAAGm0PX4ZCpsBALongLivedUserToken0123456789abcdefghijkXYZ";
    public static readonly Uri Base = new("https://graph.facebook.com/");

    public static readonly byte[] LongLived = Encoding.UTF8.GetBytes(
        """{"access_token":"EAAGm0PX4ZCpsBALongLivedUserToken0123456789abcdefghijkXYZEAAGm0PX4ZCpsBALongLivedUserToken0123456789abcdefghijkXYZ","token_type":"bearer","expires_in":5183944}""");

    public static readonly byte[] DebugToken = Encoding.UTF8.GetBytes(
        """{"data":{"app_id":"138483919580948","type":"USER","application":"Social Cafe","data_access_expires_at":1544242134,"expires_at":1352419328,"is_valid":true,"issued_at":1347235328,"metadata":{"sso":"iphone-safari"},"scopes":["email","pages_show_list","pages_read_engagement","pages_manage_posts"],"granular_scopes":[{"scope":"pages_show_list","target_ids":["1353269864728879","1353269864728880"]}],"user_id":"1207059"}}""");

    public static readonly byte[] AccountsPage = Encoding.UTF8.GetBytes(BuildAccounts(100));

    private static string BuildAccounts(int count)
    {
        var builder = new StringBuilder("{\"data\":[");
        for (var i = 0; i < count; i++)
        {
            if (i > 0)
            {
                builder.Append(',');
            }

            builder.Append("{\"access_token\":\"EAAGm0PX4ZCpsBAPageToken").Append(i).Append("abcdefghijklmnopqrstuvwxyz0123456789abcdefghijklmnopqrstuvwxyz\",")
                .Append("\"category\":\"Brand\",\"category_list\":[{\"id\":\"1605186416478696\",\"name\":\"Brand\"}],")
                .Append("\"name\":\"Page ").Append(i).Append("\",\"id\":\"").Append(1353269864728879L + i).Append("\",")
                .Append("\"tasks\":[\"ANALYZE\",\"ADVERTISE\",\"MODERATE\",\"CREATE_CONTENT\",\"MANAGE\"]}");
        }

        return builder.Append("],\"paging\":{\"cursors\":{\"before\":\"QVFIUbefore\",\"after\":\"QVFIUafter\"}}}").ToString();
    }
}

/// <summary>Answers every request with the same canned bytes (picked by path), as fast as a handler can.</summary>
internal sealed class CannedHandler : HttpMessageHandler
{
    protected override Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
    {
        var path = request.RequestUri!.AbsolutePath;
        var body = path.EndsWith("/debug_token", StringComparison.Ordinal) ? CannedGraph.DebugToken
            : path.EndsWith("/accounts", StringComparison.Ordinal) ? CannedGraph.AccountsPage
            : CannedGraph.LongLived;
        var content = new ByteArrayContent(body);
        content.Headers.ContentType = new System.Net.Http.Headers.MediaTypeHeaderValue("application/json");
        return Task.FromResult(new HttpResponseMessage(HttpStatusCode.OK) { Content = content, RequestMessage = request });
    }
}
