namespace FbTokens.Tests.Storage;

/// <summary><see cref="StoredToken.IsUsableAt"/> and the text form of a stored token.</summary>
public sealed class StoredTokenTests
{
    private static readonly DateTimeOffset Now = new(2026, 12, 1, 12, 0, 0, TimeSpan.Zero);

    private static StoredToken Token(DateTimeOffset? expiresAt, TokenStatus status = TokenStatus.Valid) =>
        new() { Key = TokenKey.ForUser("42"), Value = "EAABsecretvalue0123456789", ExpiresAt = expiresAt, Status = status };

    [Fact]
    public void A_valid_token_without_an_expiry_is_usable()
    {
        Assert.True(Token(null).IsUsableAt(Now));
    }

    [Fact]
    public void A_valid_token_is_usable_until_the_instant_it_expires()
    {
        Assert.True(Token(Now.AddTicks(1)).IsUsableAt(Now));
        Assert.False(Token(Now).IsUsableAt(Now));
        Assert.False(Token(Now.AddTicks(-1)).IsUsableAt(Now));
    }

    [Fact]
    public void A_token_Graph_rejected_is_never_usable()
    {
        Assert.False(Token(null, TokenStatus.Invalid).IsUsableAt(Now));
        Assert.False(Token(Now.AddDays(30), TokenStatus.Invalid).IsUsableAt(Now));
    }

    [Fact]
    public void ToString_names_every_field_and_masks_the_value()
    {
        var token = new StoredToken
        {
            Key = TokenKey.ForPage("5", "77"),
            Value = "EAABverysecretvaluethatmustnotleak1234567890",
            ExpiresAt = Now,
            DataAccessExpiresAt = Now.AddDays(90),
            Scopes = ["email", "pages_show_list"],
            Status = TokenStatus.Invalid,
            InvalidReason = TokenErrorReason.PasswordChanged,
            IssuedAt = Now.AddDays(-1),
            UpdatedAt = Now.AddHours(-1),
            MachineId = "machine-1",
            OwnerUserId = "9",
            Version = 7,
        };

        var text = token.ToString();

        Assert.StartsWith("StoredToken { Key = Page:5@77, Value = EAAB…(44 chars), ", text, StringComparison.Ordinal);
        Assert.Contains(", ExpiresAt = " + Now + ", DataAccessExpiresAt = " + Now.AddDays(90) + ", ", text, StringComparison.Ordinal);
        Assert.Contains(", Scopes = [email, pages_show_list], Status = Invalid, InvalidReason = PasswordChanged, ", text, StringComparison.Ordinal);
        Assert.Contains(", IssuedAt = " + Now.AddDays(-1) + ", UpdatedAt = " + Now.AddHours(-1) + ", ", text, StringComparison.Ordinal);
        Assert.Contains(", MachineId = machine-1, OwnerUserId = 9, ", text, StringComparison.Ordinal);
        Assert.Contains(", Version = 7", text, StringComparison.Ordinal);
        Assert.EndsWith(" }", text, StringComparison.Ordinal);
    }
}
