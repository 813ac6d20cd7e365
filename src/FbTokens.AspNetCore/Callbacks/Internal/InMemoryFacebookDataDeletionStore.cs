using System.Collections.Concurrent;

namespace FbTokens.Internal;

/// <summary>The default confirmation records: in memory, the latest <see cref="Capacity"/> kept.</summary>
internal sealed class InMemoryFacebookDataDeletionStore : IFacebookDataDeletionStore
{
    public const int Capacity = 10_000;

    private readonly ConcurrentDictionary<string, FacebookDataDeletionRecord> _records = new(StringComparer.Ordinal);
    private readonly ConcurrentQueue<string> _order = new();

    public Task SaveAsync(FacebookDataDeletionRecord record, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(record);
        if (_records.TryAdd(record.ConfirmationCode, record))
        {
            _order.Enqueue(record.ConfirmationCode);
            while (_order.Count > Capacity && _order.TryDequeue(out var oldest))
            {
                _records.TryRemove(oldest, out _);
            }
        }

        return Task.CompletedTask;
    }

    public Task<FacebookDataDeletionRecord?> FindAsync(string confirmationCode, CancellationToken cancellationToken = default) =>
        Task.FromResult(_records.TryGetValue(confirmationCode, out var record) ? record : null);
}
