using System.Runtime.CompilerServices;
using System.Security.Cryptography;
using Microsoft.AspNetCore.DataProtection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace FbTokens.Internal;

/// <summary>
/// Encrypts <see cref="StoredToken.Value"/> with ASP.NET Core Data Protection before it reaches the inner store, and
/// decrypts it on the way out. Everything else (keys, expiry, status, version) stays readable for queries and sweeps.
/// It does not implement <see cref="ITokenSweepSchedule"/> itself (it would claim a schedule the inner store may not
/// keep): <see cref="Schedule"/> forwards the inner store's, when it has one (<see cref="TokenSweepSchedules.Of"/>).
/// </summary>
internal sealed partial class DataProtectedTokenStore : ITokenStore
{
    public const string Purpose = "FbTokens.TokenStore.v1";

    private readonly ITokenStore _inner;
    private readonly IDataProtector _protector;
    private readonly ILogger _logger;

    public DataProtectedTokenStore(ITokenStore inner, IDataProtectionProvider provider, ILogger<DataProtectedTokenStore>? logger = null)
    {
        _inner = inner;
        _protector = provider.CreateProtector(Purpose);
        _logger = logger ?? NullLogger<DataProtectedTokenStore>.Instance;
        Schedule = TokenSweepSchedules.Of(inner) is { } schedule ? new ProtectedSchedule(this, schedule) : null;
    }

    internal ITokenStore Inner => _inner;

    /// <summary>The inner store's sweep schedule, claimed tokens coming back decrypted; null when the inner store keeps none.</summary>
    internal ITokenSweepSchedule? Schedule { get; }

    public async ValueTask<StoredToken?> GetAsync(TokenKey key, CancellationToken cancellationToken = default)
    {
        var token = await _inner.GetAsync(key, cancellationToken).ConfigureAwait(false);
        return token is null ? null : Unprotect(token);
    }

    public async ValueTask<StoredToken> SetAsync(StoredToken token, long? expectedVersion, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(token);
        var stored = await _inner.SetAsync(token with { Value = _protector.Protect(token.Value) }, expectedVersion, cancellationToken).ConfigureAwait(false);

        // The caller gets the plain value back; no need to decrypt what it just gave us.
        return stored with { Value = token.Value };
    }

    public ValueTask<bool> RemoveAsync(TokenKey key, long? expectedVersion, CancellationToken cancellationToken = default) =>
        _inner.RemoveAsync(key, expectedVersion, cancellationToken);

    public async IAsyncEnumerable<StoredToken> ListAsync(TokenKind? kind, [EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        await foreach (var token in _inner.ListAsync(kind, cancellationToken).ConfigureAwait(false))
        {
            yield return Unprotect(token);
        }
    }

    public async IAsyncEnumerable<StoredToken> ListForUserAsync(string userId, string? appId, [EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        await foreach (var token in _inner.ListForUserAsync(userId, appId, cancellationToken).ConfigureAwait(false))
        {
            yield return Unprotect(token);
        }
    }

    /// <summary>
    /// Forwards the inner store's schedule; claimed tokens come back decrypted, as <see cref="GetAsync"/> returns them. A
    /// claimed token that cannot be decrypted is logged (key only) and left out, keeping its lease, so that it cannot stop
    /// the round or hold back the tokens claimed with it; when a whole claim is unreadable, the next due tokens are claimed.
    /// </summary>
    private sealed class ProtectedSchedule(DataProtectedTokenStore store, ITokenSweepSchedule inner) : ITokenSweepSchedule
    {
        public async ValueTask<IReadOnlyList<StoredToken>> ClaimDueAsync(string? appId, DateTimeOffset dueBy, DateTimeOffset leaseUntil, int maxCount, CancellationToken cancellationToken = default)
        {
            while (true)
            {
                // Ends: every claim leases what it took past dueBy, so the unreadable ones are not due again in this loop.
                var claimed = await inner.ClaimDueAsync(appId, dueBy, leaseUntil, maxCount, cancellationToken).ConfigureAwait(false);
                var plain = new List<StoredToken>(claimed.Count);
                foreach (var token in claimed)
                {
                    try
                    {
                        plain.Add(store.Unprotect(token));
                    }
                    catch (CryptographicException ex)
                    {
                        UndecryptableTokenClaimed(store._logger, token.Key, ex);
                    }
                }

                if (plain.Count > 0 || claimed.Count == 0)
                {
                    return plain;
                }
            }
        }

        public ValueTask ScheduleAsync(IReadOnlyCollection<TokenKey> keys, DateTimeOffset nextCheckAt, CancellationToken cancellationToken = default) =>
            inner.ScheduleAsync(keys, nextCheckAt, cancellationToken);

        public ValueTask<TokenSweepBacklog> GetBacklogAsync(string? appId, DateTimeOffset dueBy, CancellationToken cancellationToken = default) =>
            inner.GetBacklogAsync(appId, dueBy, cancellationToken);
    }

    private StoredToken Unprotect(StoredToken token)
    {
        try
        {
            return token with { Value = _protector.Unprotect(token.Value) };
        }
        catch (CryptographicException ex)
        {
            // Never include the stored value: it may be a plain token written before protection was turned on.
            throw new CryptographicException(
                $"The stored token {token.Key} could not be decrypted: it was written without Data Protection, or with a key that is no longer in the key ring.", ex);
        }
    }

    [LoggerMessage(2193, LogLevel.Warning, "The sweep claimed the stored token {Key}, which cannot be decrypted (written without Data Protection, or with a key no longer in the key ring): it is left out of the sweep until it is written again.")]
    private static partial void UndecryptableTokenClaimed(ILogger logger, TokenKey key, Exception exception);
}
