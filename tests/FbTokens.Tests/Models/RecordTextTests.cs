using System.Globalization;
using static FbTokens.Tests.Framework.GraphPayloads;

namespace FbTokens.Tests.Models;

/// <summary>
/// The whole text form of the public response records: what shows up when a caller logs one. Every field is named,
/// in declaration order, with the token masked.
/// </summary>
public sealed class RecordTextTests
{
    private static readonly DateTimeOffset At = new(2026, 12, 1, 12, 0, 0, TimeSpan.Zero);

    private static string Text(DateTimeOffset value) => value.ToString(CultureInfo.CurrentCulture);

    [Fact]
    public void An_access_token_response_prints_every_field()
    {
        var response = new AccessTokenResponse(LongLivedToken, "bearer", TimeSpan.FromHours(2), At);

        Assert.Equal(
            $"AccessTokenResponse {{ AccessToken = EAAG…({LongLivedToken.Length} chars), TokenType = bearer, ExpiresIn = 02:00:00, ExpiresAt = {Text(At)} }}",
            response.ToString());
    }

    [Fact]
    public void A_long_lived_token_response_prints_every_field()
    {
        var response = new LongLivedTokenResponse(LongLivedToken, "bearer", TimeSpan.FromDays(60), At, "machine-1");

        Assert.Equal(
            $"LongLivedTokenResponse {{ AccessToken = EAAG…({LongLivedToken.Length} chars), TokenType = bearer, ExpiresIn = 60.00:00:00, ExpiresAt = {Text(At)}, MachineId = machine-1 }}",
            response.ToString());
    }

    [Fact]
    public void A_debug_token_response_prints_every_field_with_its_scopes_and_error()
    {
        var response = new DebugTokenResponse(
            "138483919580948",
            "USER",
            "Social Cafe",
            false,
            At,
            At.AddDays(90),
            At.AddDays(-1),
            ["email", "pages_show_list"],
            [new GranularScope("pages_show_list", ["1", "2"])],
            "1207059",
            "5",
            new DebugTokenError(190, "Error validating access token", 463));

        Assert.Equal(
            "DebugTokenResponse { AppId = 138483919580948, Type = USER, Application = Social Cafe, IsValid = False, "
            + $"ExpiresAt = {Text(At)}, DataAccessExpiresAt = {Text(At.AddDays(90))}, IssuedAt = {Text(At.AddDays(-1))}, "
            + "Scopes = [email, pages_show_list], GranularScopes = [GranularScope { Scope = pages_show_list, TargetIds = [1, 2] }], "
            + "UserId = 1207059, ProfileId = 5, Error = DebugTokenError { Code = 190, Message = Error validating access token, Subcode = 463, Reason = Expired }, "
            + "Metadata =  }",
            response.ToString());
    }

    [Fact]
    public void A_granular_scope_prints_its_targets()
    {
        Assert.Equal("GranularScope { Scope = ads_management, TargetIds = [] }", new GranularScope("ads_management", []).ToString());
        Assert.Equal("GranularScope { Scope = ads_read, TargetIds = [7] }", new GranularScope("ads_read", ["7"]).ToString());
    }
}
