namespace FbTokens;

/// <summary>A data-deletion request that was carried out, as its status page shows it.</summary>
/// <param name="ConfirmationCode">The code Facebook shows the person (random, 128 bits, URL-safe).</param>
/// <param name="UserId">The app-scoped user whose data was deleted (not shown on the status page).</param>
/// <param name="RequestedAt">When the request arrived.</param>
/// <param name="TokensRemoved">How many stored tokens were removed.</param>
public sealed record FacebookDataDeletionRecord(string ConfirmationCode, string UserId, DateTimeOffset RequestedAt, int TokensRemoved);
