namespace FbTokens.Testing.Tests;

public sealed class EmulatorNamingTests
{
    [Fact]
    public void Every_invalidation_reason_has_the_name_and_subcode_of_the_clients_reason()
    {
        foreach (var reason in Enum.GetValues<TokenInvalidationReason>())
        {
            Assert.True(Enum.TryParse<TokenErrorReason>(reason.ToString(), out var clientReason), $"TokenErrorReason has no member named {reason}.");
            Assert.Equal((int)reason, (int)clientReason);
        }
    }
}
