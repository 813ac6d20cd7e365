using System.Text.Json;

namespace FbTokens.Benchmarks;

/// <summary>The parsing baseline: hand-rolled <see cref="Utf8JsonReader"/> loops producing the same records.</summary>
internal static class RawReaders
{
    public static LongLivedTokenResponse Token(ReadOnlySpan<byte> json)
    {
        var reader = new Utf8JsonReader(json);
        string? token = null, type = null, machine = null;
        long expires = 0;
        reader.Read();
        while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
        {
            if (reader.ValueTextEquals("access_token"u8)) { reader.Read(); token = reader.GetString(); }
            else if (reader.ValueTextEquals("token_type"u8)) { reader.Read(); type = reader.GetString(); }
            else if (reader.ValueTextEquals("expires_in"u8)) { reader.Read(); expires = reader.GetInt64(); }
            else if (reader.ValueTextEquals("machine_id"u8)) { reader.Read(); machine = reader.GetString(); }
            else { reader.Read(); reader.Skip(); }
        }

        var expiresIn = TimeSpan.FromSeconds(expires);
        return new LongLivedTokenResponse(token!, type ?? "bearer", expiresIn, DateTimeOffset.UnixEpoch + expiresIn, machine);
    }

    public static DebugTokenResponse DebugToken(ReadOnlySpan<byte> json)
    {
        var reader = new Utf8JsonReader(json);
        string appId = string.Empty;
        string? type = null, application = null, userId = null, profileId = null;
        bool valid = false;
        long expires = 0, dataAccess = 0, issued = 0;
        var scopes = new List<string>();
        var granular = new List<GranularScope>();
        reader.Read(); // {
        reader.Read(); // "data"
        reader.Read(); // {
        while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
        {
            if (reader.ValueTextEquals("app_id"u8)) { reader.Read(); appId = reader.GetString()!; }
            else if (reader.ValueTextEquals("type"u8)) { reader.Read(); type = reader.GetString(); }
            else if (reader.ValueTextEquals("application"u8)) { reader.Read(); application = reader.GetString(); }
            else if (reader.ValueTextEquals("is_valid"u8)) { reader.Read(); valid = reader.GetBoolean(); }
            else if (reader.ValueTextEquals("expires_at"u8)) { reader.Read(); expires = reader.GetInt64(); }
            else if (reader.ValueTextEquals("data_access_expires_at"u8)) { reader.Read(); dataAccess = reader.GetInt64(); }
            else if (reader.ValueTextEquals("issued_at"u8)) { reader.Read(); issued = reader.GetInt64(); }
            else if (reader.ValueTextEquals("user_id"u8)) { reader.Read(); userId = reader.GetString(); }
            else if (reader.ValueTextEquals("profile_id"u8)) { reader.Read(); profileId = reader.GetString(); }
            else if (reader.ValueTextEquals("scopes"u8))
            {
                reader.Read();
                while (reader.Read() && reader.TokenType == JsonTokenType.String)
                {
                    scopes.Add(reader.GetString()!);
                }
            }
            else if (reader.ValueTextEquals("granular_scopes"u8))
            {
                reader.Read();
                while (reader.Read() && reader.TokenType == JsonTokenType.StartObject)
                {
                    string scope = string.Empty;
                    var targets = new List<string>();
                    while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
                    {
                        if (reader.ValueTextEquals("scope"u8)) { reader.Read(); scope = reader.GetString()!; }
                        else if (reader.ValueTextEquals("target_ids"u8))
                        {
                            reader.Read();
                            while (reader.Read() && reader.TokenType == JsonTokenType.String)
                            {
                                targets.Add(reader.GetString()!);
                            }
                        }
                        else { reader.Read(); reader.Skip(); }
                    }

                    granular.Add(new GranularScope(scope, targets));
                }
            }
            else { reader.Read(); reader.Skip(); }
        }

        return new DebugTokenResponse(appId, type, application, valid,
            expires > 0 ? DateTimeOffset.FromUnixTimeSeconds(expires) : null,
            dataAccess > 0 ? DateTimeOffset.FromUnixTimeSeconds(dataAccess) : null,
            issued > 0 ? DateTimeOffset.FromUnixTimeSeconds(issued) : null,
            scopes, granular, userId, profileId, null);
    }

    public static List<PageTokenResponse> Pages(ReadOnlySpan<byte> json)
    {
        var reader = new Utf8JsonReader(json);
        var pages = new List<PageTokenResponse>();
        reader.Read(); // {
        while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
        {
            if (!reader.ValueTextEquals("data"u8))
            {
                reader.Read();
                reader.Skip();
                continue;
            }

            reader.Read(); // [
            while (reader.Read() && reader.TokenType == JsonTokenType.StartObject)
            {
                string id = "", name = "", token = "";
                string? category = null;
                var categories = new List<PageCategory>();
                var tasks = new List<string>();
                while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
                {
                    if (reader.ValueTextEquals("id"u8)) { reader.Read(); id = reader.GetString()!; }
                    else if (reader.ValueTextEquals("name"u8)) { reader.Read(); name = reader.GetString()!; }
                    else if (reader.ValueTextEquals("access_token"u8)) { reader.Read(); token = reader.GetString()!; }
                    else if (reader.ValueTextEquals("category"u8)) { reader.Read(); category = reader.GetString(); }
                    else if (reader.ValueTextEquals("tasks"u8))
                    {
                        reader.Read();
                        while (reader.Read() && reader.TokenType == JsonTokenType.String)
                        {
                            tasks.Add(reader.GetString()!);
                        }
                    }
                    else if (reader.ValueTextEquals("category_list"u8))
                    {
                        reader.Read();
                        while (reader.Read() && reader.TokenType == JsonTokenType.StartObject)
                        {
                            string cid = "", cname = "";
                            while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
                            {
                                if (reader.ValueTextEquals("id"u8)) { reader.Read(); cid = reader.GetString()!; }
                                else if (reader.ValueTextEquals("name"u8)) { reader.Read(); cname = reader.GetString()!; }
                                else { reader.Read(); reader.Skip(); }
                            }

                            categories.Add(new PageCategory(cid, cname));
                        }
                    }
                    else { reader.Read(); reader.Skip(); }
                }

                pages.Add(new PageTokenResponse(id, name, token, category, categories, tasks));
            }
        }

        return pages;
    }
}
