namespace FbTokens.Testing.Internal;

/// <summary>The JSON success bodies of the token endpoints, field for field as Graph sends them.</summary>
internal static class TokenResponses
{
    /// <summary><c>{"access_token", "token_type": "bearer", "expires_in"?}</c>: a code exchange or <c>fb_exchange_token</c>.</summary>
    public static EmulatorResponse Bearer(TokenState token, DateTimeOffset now) => EmulatorResponse.Json(200, w =>
    {
        w.WriteStartObject();
        w.WriteString("access_token", token.Value);
        w.WriteString("token_type", "bearer");
        if (token.ExpiresAt is { } expiresAt)
        {
            w.WriteNumber("expires_in", Seconds(expiresAt - now));
        }

        w.WriteEndObject();
    });

    /// <summary><c>{"access_token", "expires_in", "machine_id"}</c>: a client code redeemed on the device (no <c>token_type</c>).</summary>
    public static EmulatorResponse Redeemed(TokenState token, string machineId, DateTimeOffset now) => EmulatorResponse.Json(200, w =>
    {
        w.WriteStartObject();
        w.WriteString("access_token", token.Value);
        w.WriteNumber("expires_in", Seconds(token.ExpiresAt!.Value - now));
        w.WriteString("machine_id", machineId);
        w.WriteEndObject();
    });

    /// <summary><c>{"access_token", "token_type": "bearer"}</c>: an app token from <c>client_credentials</c> (no expiry).</summary>
    public static EmulatorResponse AppToken(TokenState token) => EmulatorResponse.Json(200, w =>
    {
        w.WriteStartObject();
        w.WriteString("access_token", token.Value);
        w.WriteString("token_type", "bearer");
        w.WriteEndObject();
    });

    /// <summary><c>{"code"}</c>: <c>oauth/client_code</c>.</summary>
    public static EmulatorResponse ClientCode(CodeState code) => EmulatorResponse.Json(200, w =>
    {
        w.WriteStartObject();
        w.WriteString("code", code.Value);
        w.WriteEndObject();
    });

    private static long Seconds(TimeSpan span) => (long)Math.Round(span.TotalSeconds);
}
