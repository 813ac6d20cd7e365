using System.Globalization;
using System.Text;
using System.Text.Json;

namespace FbTokens.Testing.Internal;

/// <summary>
/// <c>{user-id}/accounts</c>: the user's pages with their page tokens, <c>fields</c> selection and cursor paging
/// (<c>limit</c>, <c>after</c>, <c>before</c>; absolute <c>next</c>/<c>previous</c> links on this host).
/// </summary>
internal sealed class AccountsEndpoint(EmulatorStore store, RequestAuthenticator auth, GraphTokenEmulatorOptions options) : IEndpointHandler
{
    private const int MaxPageSize = 100;

    public EmulatorResponse Handle(EmulatorRequest request, RouteInfo route, CallContext context)
    {
        if (auth.CheckAccessToken(request, context, out var token) is { } tokenError)
        {
            return tokenError;
        }

        var objectId = route.ObjectId!;
        var userId = objectId == "me" ? token.UserId : objectId;
        // pages_show_list is one of the permissions that do not expire with the data-access window, so /accounts ignores it.
        if (token.Kind is not (EmulatedTokenKind.User or EmulatedTokenKind.SystemUser) || !string.Equals(userId, token.UserId, StringComparison.Ordinal) || store.FindUser(userId!) is not { } user)
        {
            return GraphErrors.UnsupportedGet(objectId);
        }

        var limit = options.DefaultPageSize;
        if (request.Get("limit") is { Length: > 0 } limitText)
        {
            if (!int.TryParse(limitText, NumberStyles.None, CultureInfo.InvariantCulture, out limit) || limit < 0)
            {
                return GraphErrors.OAuth(100, "(#100) Param limit must be a non-negative integer");
            }

            limit = Math.Clamp(limit, 1, MaxPageSize);
        }

        var pages = user.Pages;
        int start;
        int end;
        if (request.Get("after") is { Length: > 0 } after)
        {
            var index = CursorIndex(after, pages);
            if (index < 0)
            {
                return GraphErrors.OAuth(100, "(#100) The after cursor is not valid");
            }

            start = index + 1;
            end = Math.Min(pages.Count, start + limit);
        }
        else if (request.Get("before") is { Length: > 0 } before)
        {
            var index = CursorIndex(before, pages);
            if (index < 0)
            {
                return GraphErrors.OAuth(100, "(#100) The before cursor is not valid");
            }

            end = index;
            start = Math.Max(0, end - limit);
        }
        else
        {
            start = 0;
            end = Math.Min(pages.Count, limit);
        }

        var fields = request.Get("fields") is { Length: > 0 } fieldText
            ? new HashSet<string>(fieldText.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries), StringComparer.Ordinal)
            : new HashSet<string>(["access_token", "category", "category_list", "name", "id", "tasks"], StringComparer.Ordinal);
        var slice = pages.GetRange(start, Math.Max(0, end - start));
        var pageTokens = slice.Select(p => store.PageTokenLocked(token, p.Id, context.Now)).ToList();

        return EmulatorResponse.Json(200, w =>
        {
            w.WriteStartObject();
            w.WriteStartArray("data");
            for (var i = 0; i < slice.Count; i++)
            {
                WritePage(w, slice[i], pageTokens[i].Value, fields);
            }

            w.WriteEndArray();
            if (slice.Count > 0)
            {
                w.WriteStartObject("paging");
                w.WriteStartObject("cursors");
                w.WriteString("before", Cursor(slice[0].Id));
                w.WriteString("after", Cursor(slice[^1].Id));
                w.WriteEndObject();
                if (start > 0)
                {
                    w.WriteString("previous", PagingLink(request, "before", Cursor(slice[0].Id)));
                }

                if (end < pages.Count)
                {
                    w.WriteString("next", PagingLink(request, "after", Cursor(slice[^1].Id)));
                }

                w.WriteEndObject();
            }

            w.WriteEndObject();
        });
    }

    private static void WritePage(Utf8JsonWriter w, EmulatedPage page, string pageToken, HashSet<string> fields)
    {
        w.WriteStartObject();
        if (fields.Contains("access_token"))
        {
            w.WriteString("access_token", pageToken);
        }

        if (fields.Contains("category"))
        {
            w.WriteString("category", page.Category);
        }

        if (fields.Contains("category_list"))
        {
            w.WriteStartArray("category_list");
            foreach (var (id, name) in page.CategoryList)
            {
                w.WriteStartObject();
                w.WriteString("id", id);
                w.WriteString("name", name);
                w.WriteEndObject();
            }

            w.WriteEndArray();
        }

        if (fields.Contains("name"))
        {
            w.WriteString("name", page.Name);
        }

        // Graph always returns the id.
        w.WriteString("id", page.Id);
        if (fields.Contains("tasks"))
        {
            w.WriteStartArray("tasks");
            foreach (var task in page.Tasks)
            {
                w.WriteStringValue(task);
            }

            w.WriteEndArray();
        }

        w.WriteEndObject();
    }

    /// <summary>The absolute link Graph puts in <c>paging.next</c>/<c>previous</c>: this host, this path, the whole query (token included) with the cursor replaced.</summary>
    private static string PagingLink(EmulatorRequest request, string cursorName, string cursor)
    {
        var parameters = request.AllParameters.Where(p => p.Key is not ("after" or "before")).ToList();
        parameters.Add(new(cursorName, cursor));
        return request.Url.GetLeftPart(UriPartial.Path) + "?" + UrlEncoding.Encode(parameters);
    }

    private static string Cursor(string pageId) => Convert.ToBase64String(Encoding.UTF8.GetBytes("QVFI" + pageId)).TrimEnd('=');

    private static int CursorIndex(string cursor, List<EmulatedPage> pages)
    {
        string decoded;
        try
        {
            var padded = cursor.PadRight(cursor.Length + ((4 - (cursor.Length % 4)) % 4), '=');
            decoded = Encoding.UTF8.GetString(Convert.FromBase64String(padded));
        }
        catch (FormatException)
        {
            return -1;
        }

        return decoded.StartsWith("QVFI", StringComparison.Ordinal) ? pages.FindIndex(p => p.Id == decoded[4..]) : -1;
    }
}
