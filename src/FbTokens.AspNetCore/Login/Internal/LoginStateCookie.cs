using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using System.Text.Json.Serialization;
using Microsoft.AspNetCore.DataProtection;
using Microsoft.AspNetCore.Http;

namespace FbTokens.Internal;

/// <summary>
/// Keeps a login's <see cref="FacebookLoginState"/> and return URL in a Data Protection-protected, HttpOnly, SameSite=Lax
/// cookie (Secure on https) that only the callback path receives and that lives no longer than the state. One cookie per
/// login in progress, named after a hash of the state, so two tabs do not overwrite each other.
/// </summary>
internal sealed class LoginStateCookie(string namePrefix, string callbackPath)
{
    public const string Purpose = "FbTokens.AspNetCore.FacebookLogin.State.v1";

    public string NameFor(string state)
    {
        Span<byte> hash = stackalloc byte[32];
        SHA256.HashData(Encoding.UTF8.GetBytes(state), hash);
        return namePrefix + "." + Convert.ToHexString(hash[..8]).ToLowerInvariant();
    }

    public void Write(HttpContext context, IDataProtector protector, FacebookLoginState state, string returnUrl, TimeSpan lifetime)
    {
        var payload = new LoginStatePayload(state.Value, state.CreatedAt.ToUnixTimeMilliseconds(), state.RedirectUri.AbsoluteUri, returnUrl);
        var json = JsonSerializer.SerializeToUtf8Bytes(payload, LoginStateJsonContext.Default.LoginStatePayload);
        var value = Base64UrlEncode(protector.Protect(json));
        context.Response.Cookies.Append(NameFor(state.Value), value, Options(context, lifetime));
    }

    /// <summary>Reads and deletes the cookie kept for <paramref name="state"/>.</summary>
    /// <returns>Found: whether a cookie was there; the payload when it could be read.</returns>
    public (bool Found, FacebookLoginState? State, string? ReturnUrl) ReadAndDelete(HttpContext context, IDataProtector protector, string state)
    {
        var name = NameFor(state);
        if (!context.Request.Cookies.TryGetValue(name, out var value) || string.IsNullOrEmpty(value))
        {
            return (false, null, null);
        }

        context.Response.Cookies.Delete(name, Options(context, null));
        try
        {
            var json = protector.Unprotect(Base64UrlDecode(value));
            var payload = JsonSerializer.Deserialize(json, LoginStateJsonContext.Default.LoginStatePayload);
            if (payload is null || string.IsNullOrEmpty(payload.S) || !Uri.TryCreate(payload.R, UriKind.Absolute, out var redirect))
            {
                return (true, null, null);
            }

            var kept = new FacebookLoginState(payload.S, DateTimeOffset.FromUnixTimeMilliseconds(payload.C), redirect);
            return (true, kept, LocalUrl.IsLocal(payload.U) ? payload.U : null);
        }
        catch (Exception ex) when (ex is CryptographicException or FormatException or JsonException or ArgumentException)
        {
            return (true, null, null);
        }
    }

    private CookieOptions Options(HttpContext context, TimeSpan? lifetime) => new()
    {
        HttpOnly = true,
        Secure = context.Request.IsHttps,
        SameSite = SameSiteMode.Lax,
        Path = callbackPath,
        IsEssential = true,
        MaxAge = lifetime,
    };

    private static string Base64UrlEncode(byte[] bytes) =>
        Convert.ToBase64String(bytes).TrimEnd('=').Replace('+', '-').Replace('/', '_');

    private static byte[] Base64UrlDecode(string text)
    {
        if (text.Length > 8192)
        {
            throw new FormatException("The cookie is too long.");
        }

        var s = text.Replace('-', '+').Replace('_', '/');
        s = s.PadRight(s.Length + ((4 - (s.Length % 4)) % 4), '=');
        return Convert.FromBase64String(s);
    }
}

/// <summary>The kept login: state value, its creation time (Unix ms), the redirect URI and the return URL.</summary>
internal sealed record LoginStatePayload(string S, long C, string R, string U);

/// <summary>Source-generated JSON for <see cref="LoginStatePayload"/>.</summary>
[JsonSerializable(typeof(LoginStatePayload))]
[JsonSourceGenerationOptions(MaxDepth = 4)]
internal sealed partial class LoginStateJsonContext : JsonSerializerContext;
