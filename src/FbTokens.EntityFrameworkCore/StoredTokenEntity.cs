namespace FbTokens.EntityFrameworkCore;

/// <summary>
/// One stored token as a table row (see <see cref="StoredToken"/> for the meaning of each column). <see cref="Value"/>
/// holds the token itself, encrypted when <c>ProtectTokensWithDataProtection()</c> is on; treat the table as secret
/// either way.
/// </summary>
public sealed class StoredTokenEntity
{
    /// <summary>The longest <see cref="Key"/>: <c>Kind:subject@app</c> with ids of at most <see cref="TokenKey.MaxIdLength"/> characters.</summary>
    public const int MaxKeyLength = 300;

    /// <summary>The primary key: <see cref="TokenKey.ToString"/>.</summary>
    public string Key { get; set; } = "";

    /// <summary>What the token acts for.</summary>
    public TokenKind Kind { get; set; }

    /// <summary>The user, page, app or system-user id.</summary>
    public string SubjectId { get; set; } = "";

    /// <summary>The app, on hosts that serve several; null for the configured app.</summary>
    public string? AppId { get; set; }

    /// <summary>The token, or its Data Protection ciphertext.</summary>
    public string Value { get; set; } = "";

    /// <summary>When the token expires (UTC); null for never.</summary>
    public DateTimeOffset? ExpiresAt { get; set; }

    /// <summary>When the data-access window ends (UTC), if known.</summary>
    public DateTimeOffset? DataAccessExpiresAt { get; set; }

    /// <summary>The granted permissions, separated by spaces.</summary>
    public string Scopes { get; set; } = "";

    /// <summary>Whether the token is usable.</summary>
    public TokenStatus Status { get; set; }

    /// <summary>Why Graph rejected the token, when <see cref="Status"/> is invalid.</summary>
    public TokenErrorReason? InvalidReason { get; set; }

    /// <summary>When the token value was issued (UTC).</summary>
    public DateTimeOffset IssuedAt { get; set; }

    /// <summary>When the row was last written (UTC).</summary>
    public DateTimeOffset UpdatedAt { get; set; }

    /// <summary>The <c>machine_id</c> of a token redeemed from a client code.</summary>
    public string? MachineId { get; set; }

    /// <summary>For a page token: the user whose token it was obtained with.</summary>
    public string? OwnerUserId { get; set; }

    /// <summary>Whether only the person can renew the token (see <see cref="StoredToken.RenewalNeedsPerson"/>).</summary>
    public bool RenewalNeedsPerson { get; set; }

    /// <summary>The expiry the person was last told about (UTC), if any.</summary>
    public DateTimeOffset? ExpiryNoticeSentFor { get; set; }

    /// <summary>The end of the data-access window the person was last told about (UTC), if any.</summary>
    public DateTimeOffset? DataAccessNoticeSentFor { get; set; }

    /// <summary>The missing permissions the person was last told about, separated by spaces.</summary>
    public string MissingPermissionsNoticed { get; set; } = "";

    /// <summary>
    /// When the validation sweep next checks the token, in milliseconds since the Unix epoch (UTC); null for a token of kind
    /// <see cref="TokenKind.App"/>, which the sweep does not check (see <see cref="ITokenSweepSchedule"/>). A number rather
    /// than a <see cref="DateTimeOffset"/> because it is compared and ordered in SQL, and SQLite keeps a
    /// <see cref="DateTimeOffset"/> as text that EF Core does not compare. A new row is due from <see cref="UpdatedAt"/>;
    /// rewriting a row keeps it; a claim moves it to the end of its lease.
    /// </summary>
    public long? NextCheckAtUnixMs { get; set; }

    /// <summary>
    /// The claim that last leased the row on providers without <c>FOR UPDATE SKIP LOCKED</c> (an optimistic claim marks
    /// the rows it wins with its own id, then reads back exactly those); null until then, and unused on PostgreSQL.
    /// </summary>
    public Guid? SweepClaimId { get; set; }

    /// <summary>The compare-and-set version, the optimistic concurrency token: 1 for a new row, one more on every write.</summary>
    public long Version { get; set; }
}
