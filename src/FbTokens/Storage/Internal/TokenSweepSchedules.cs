namespace FbTokens.Internal;

/// <summary>Finds the sweep schedule of the store a host registered, through FbTokens' own decorator.</summary>
internal static class TokenSweepSchedules
{
    /// <summary>
    /// The schedule <paramref name="store"/> keeps: the store itself when it implements <see cref="ITokenSweepSchedule"/>,
    /// the inner store's (forwarded, values decrypted) behind <c>ProtectTokensWithDataProtection()</c>; null when it keeps
    /// none, and every instance then sweeps the whole store.
    /// </summary>
    public static ITokenSweepSchedule? Of(ITokenStore store) => store switch
    {
        DataProtectedTokenStore protectedStore => protectedStore.Schedule,
        ITokenSweepSchedule schedule => schedule,
        _ => null,
    };
}
