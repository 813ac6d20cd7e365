using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using System.Text.Json.Serialization;

namespace FbTokens.Benchmarks;

/// <summary>
/// The baseline: what a careful developer writes by hand with HttpClient and System.Text.Json source generation —
/// the same requests (form POST, GET with appsecret_proof) and the same records out, with no retries, no
/// telemetry and no error model beyond EnsureSuccessStatusCode. Whatever resilience it has comes from the
/// <see cref="HttpClient"/> it is given.
/// </summary>
internal sealed class HandWrittenGraphClient(HttpClient http, Uri graphBase, string appId, string appSecret)
{
    private readonly byte[] _secretKey = Encoding.UTF8.GetBytes(appSecret);
    private readonly Uri _versioned = new(graphBase, FbTokensOptions.DefaultGraphApiVersion + "/");

    /// <summary>A client for <see cref="CannedGraph"/>'s app, on <paramref name="http"/>.</summary>
    public static HandWrittenGraphClient Canned(HttpClient http) => new(http, CannedGraph.Base, CannedGraph.AppId, CannedGraph.AppSecret);

    public async Task<LongLivedTokenResponse> ExchangeAsync(string shortLived)
    {
        using var content = new FormUrlEncodedContent(
        [
            new("grant_type", "fb_exchange_token"),
            new("client_id", appId),
            new("client_secret", appSecret),
            new("fb_exchange_token", shortLived),
        ]);
        using var response = await http.PostAsync(new Uri(_versioned, "oauth/access_token"), content);
        response.EnsureSuccessStatusCode();
        await using var stream = await response.Content.ReadAsStreamAsync();
        var token = (await JsonSerializer.DeserializeAsync(stream, BaselineJson.Default.BaselineToken))!;
        var expiresIn = TimeSpan.FromSeconds(token.ExpiresIn);
        return new LongLivedTokenResponse(token.AccessToken, token.TokenType ?? "bearer", expiresIn, DateTimeOffset.UtcNow + expiresIn, token.MachineId);
    }

    public async Task<DebugTokenResponse> DebugAsync(string input)
    {
        var url = new Uri(_versioned, "debug_token?input_token=" + Uri.EscapeDataString(input) + "&access_token=" + Uri.EscapeDataString(appId + "|" + appSecret));
        using var response = await http.GetAsync(url);
        response.EnsureSuccessStatusCode();
        await using var stream = await response.Content.ReadAsStreamAsync();
        var d = (await JsonSerializer.DeserializeAsync(stream, BaselineJson.Default.BaselineDebugEnvelope))!.Data;
        return new DebugTokenResponse(
            d.AppId ?? string.Empty, d.Type, d.Application, d.IsValid,
            d.ExpiresAt > 0 ? DateTimeOffset.FromUnixTimeSeconds(d.ExpiresAt) : null,
            d.DataAccessExpiresAt > 0 ? DateTimeOffset.FromUnixTimeSeconds(d.DataAccessExpiresAt) : null,
            d.IssuedAt > 0 ? DateTimeOffset.FromUnixTimeSeconds(d.IssuedAt) : null,
            d.Scopes ?? [],
            d.GranularScopes?.ConvertAll(g => new GranularScope(g.Scope, g.TargetIds ?? [])) ?? [],
            d.UserId, d.ProfileId, null);
    }

    public async Task<List<PageTokenResponse>> AccountsPageAsync(string userId, string token)
    {
        var proof = Convert.ToHexStringLower(HMACSHA256.HashData(_secretKey, Encoding.UTF8.GetBytes(token)));
        var url = new Uri(_versioned, string.Create(CultureInfo.InvariantCulture,
            $"{userId}/accounts?fields=id,name,access_token,category,category_list,tasks&limit=100&access_token={Uri.EscapeDataString(token)}&appsecret_proof={proof}"));
        using var response = await http.GetAsync(url);
        response.EnsureSuccessStatusCode();
        await using var stream = await response.Content.ReadAsStreamAsync();
        var page = (await JsonSerializer.DeserializeAsync(stream, BaselineJson.Default.BaselineAccounts))!;
        return page.Data.ConvertAll(p => new PageTokenResponse(
            p.Id, p.Name, p.AccessToken, p.Category,
            p.CategoryList?.ConvertAll(c => new PageCategory(c.Id, c.Name)) ?? [],
            p.Tasks ?? []));
    }
}

internal sealed class BaselineToken
{
    [JsonPropertyName("access_token")] public string AccessToken { get; set; } = "";
    [JsonPropertyName("token_type")] public string? TokenType { get; set; }
    [JsonPropertyName("expires_in")] public long ExpiresIn { get; set; }
    [JsonPropertyName("machine_id")] public string? MachineId { get; set; }
}

internal sealed class BaselineDebugEnvelope
{
    [JsonPropertyName("data")] public BaselineDebug Data { get; set; } = new();
}

internal sealed class BaselineDebug
{
    [JsonPropertyName("app_id")] public string? AppId { get; set; }
    [JsonPropertyName("type")] public string? Type { get; set; }
    [JsonPropertyName("application")] public string? Application { get; set; }
    [JsonPropertyName("is_valid")] public bool IsValid { get; set; }
    [JsonPropertyName("expires_at")] public long ExpiresAt { get; set; }
    [JsonPropertyName("data_access_expires_at")] public long DataAccessExpiresAt { get; set; }
    [JsonPropertyName("issued_at")] public long IssuedAt { get; set; }
    [JsonPropertyName("scopes")] public List<string>? Scopes { get; set; }
    [JsonPropertyName("granular_scopes")] public List<BaselineGranular>? GranularScopes { get; set; }
    [JsonPropertyName("user_id")] public string? UserId { get; set; }
    [JsonPropertyName("profile_id")] public string? ProfileId { get; set; }
}

internal sealed class BaselineGranular
{
    [JsonPropertyName("scope")] public string Scope { get; set; } = "";
    [JsonPropertyName("target_ids")] public List<string>? TargetIds { get; set; }
}

internal sealed class BaselineAccounts
{
    [JsonPropertyName("data")] public List<BaselinePage> Data { get; set; } = [];
}

internal sealed class BaselinePage
{
    [JsonPropertyName("id")] public string Id { get; set; } = "";
    [JsonPropertyName("name")] public string Name { get; set; } = "";
    [JsonPropertyName("access_token")] public string AccessToken { get; set; } = "";
    [JsonPropertyName("category")] public string? Category { get; set; }
    [JsonPropertyName("category_list")] public List<BaselineCategory>? CategoryList { get; set; }
    [JsonPropertyName("tasks")] public List<string>? Tasks { get; set; }
}

internal sealed class BaselineCategory
{
    [JsonPropertyName("id")] public string Id { get; set; } = "";
    [JsonPropertyName("name")] public string Name { get; set; } = "";
}

[JsonSerializable(typeof(BaselineToken))]
[JsonSerializable(typeof(BaselineDebugEnvelope))]
[JsonSerializable(typeof(BaselineAccounts))]
internal sealed partial class BaselineJson : JsonSerializerContext;
