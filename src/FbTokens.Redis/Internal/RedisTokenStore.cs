using System.Globalization;
using System.Runtime.CompilerServices;
using System.Text.Json;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using StackExchange.Redis;

namespace FbTokens.Redis.Internal;

/// <summary>
/// <see cref="ITokenStore"/> on Redis. Each token is a hash <c>{prefix}:t:{key}</c> with fields <c>v</c> (version) and
/// <c>d</c> (JSON); a sorted set per kind, <c>{prefix}:i:{kind}</c>, indexes the keys so the sweep pages through them by
/// value without <c>KEYS</c>. Writes and removals are Lua scripts that check the version and update the index in one step.
/// </summary>
internal sealed class RedisTokenStore : ITokenStore
{
    // Returns the new version, or -1 - current when the expected version (ARGV[1], '' for any) does not match.
    private const string SetScript = """
        local cur = tonumber(redis.call('HGET', KEYS[1], 'v') or '0')
        if ARGV[1] ~= '' and tonumber(ARGV[1]) ~= cur then return -1 - cur end
        local v = cur + 1
        redis.call('HSET', KEYS[1], 'v', v, 'd', ARGV[2])
        redis.call('ZADD', KEYS[2], 0, ARGV[3])
        return v
        """;

    // Returns 1 when removed, 0 when nothing was stored, or -1 - current when the expected version does not match.
    private const string RemoveScript = """
        local cur = redis.call('HGET', KEYS[1], 'v')
        if not cur then
          redis.call('ZREM', KEYS[2], ARGV[2])
          return 0
        end
        cur = tonumber(cur)
        if ARGV[1] ~= '' and tonumber(ARGV[1]) ~= cur then return -1 - cur end
        redis.call('DEL', KEYS[1])
        redis.call('ZREM', KEYS[2], ARGV[2])
        return 1
        """;

    private static readonly RedisValue[] VersionAndData = ["v", "d"];

    /// <summary>How many index entries one page of <see cref="ListAsync"/> reads (and holds) at a time.</summary>
    internal const int ListPageSize = 200;

    private readonly RedisConnectionSource _connection;
    private readonly RedisKeys _keys;
    private readonly ILogger _logger;

    public RedisTokenStore(RedisConnectionSource connection, IOptions<RedisTokenStoreOptions> options, ILogger<RedisTokenStore> logger)
    {
        _connection = connection;
        _keys = new RedisKeys(options.Value.KeyPrefix);
        _logger = logger;
    }

    internal RedisKeys Keys => _keys;

    public async ValueTask<StoredToken?> GetAsync(TokenKey key, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(key);
        cancellationToken.ThrowIfCancellationRequested();
        try
        {
            var db = await _connection.GetDatabaseAsync().ConfigureAwait(false);
            var values = await db.HashGetAsync(_keys.Token(key), VersionAndData).WaitAsync(cancellationToken).ConfigureAwait(false);
            return Read(values);
        }
        catch (Exception ex) when (IsUnavailable(ex))
        {
            throw Unavailable("read", key.ToString(), ex);
        }
    }

    public async ValueTask<StoredToken> SetAsync(StoredToken token, long? expectedVersion, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(token);
        cancellationToken.ThrowIfCancellationRequested();
        var json = JsonSerializer.Serialize(RedisTokenDocument.From(token), RedisTokenJsonContext.Default.RedisTokenDocument);
        long result;
        try
        {
            var db = await _connection.GetDatabaseAsync().ConfigureAwait(false);
            var reply = await db.ScriptEvaluateAsync(
                SetScript,
                [_keys.Token(token.Key), _keys.Index(token.Key.Kind)],
                [Expected(expectedVersion), json, token.Key.ToString()]).WaitAsync(cancellationToken).ConfigureAwait(false);
            result = (long)reply;
        }
        catch (Exception ex) when (IsUnavailable(ex))
        {
            throw Unavailable("write", token.Key.ToString(), ex);
        }

        if (result < 0)
        {
            var actual = -1 - result;
            throw new TokenStoreConcurrencyException(token.Key, expectedVersion, actual == 0 ? null : actual);
        }

        return token with { Version = result };
    }

    public async ValueTask<bool> RemoveAsync(TokenKey key, long? expectedVersion, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(key);
        cancellationToken.ThrowIfCancellationRequested();
        long result;
        try
        {
            var db = await _connection.GetDatabaseAsync().ConfigureAwait(false);
            var reply = await db.ScriptEvaluateAsync(
                RemoveScript,
                [_keys.Token(key), _keys.Index(key.Kind)],
                [Expected(expectedVersion), key.ToString()]).WaitAsync(cancellationToken).ConfigureAwait(false);
            result = (long)reply;
        }
        catch (Exception ex) when (IsUnavailable(ex))
        {
            throw Unavailable("remove", key.ToString(), ex);
        }

        if (result < 0)
        {
            throw new TokenStoreConcurrencyException(key, expectedVersion, -1 - result);
        }

        return result == 1;
    }

    public async IAsyncEnumerable<StoredToken> ListAsync(TokenKind? kind, [EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        IEnumerable<TokenKind> kinds = kind is { } k ? [k] : Enum.GetValues<TokenKind>();
        foreach (var each in kinds)
        {
            // Keyset paging by value over a sorted set whose scores are all 0: each member is returned at most once, in
            // order, whatever is written meanwhile; memory holds one page.
            var after = RedisValue.Null;
            while (true)
            {
                cancellationToken.ThrowIfCancellationRequested();
                var page = await ReadPageAsync(each, after, cancellationToken).ConfigureAwait(false);
                foreach (var token in page.Tokens)
                {
                    yield return token;
                }

                if (page.Count < ListPageSize)
                {
                    break;
                }

                after = page.Last;
            }
        }
    }

    public async IAsyncEnumerable<StoredToken> ListForUserAsync(string userId, string? appId, [EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrEmpty(userId);
        await foreach (var token in ListAsync(null, cancellationToken).ConfigureAwait(false))
        {
            if (token.Key.AppId == appId && ((token.Key.Kind == TokenKind.User && token.Key.SubjectId == userId) || token.OwnerUserId == userId))
            {
                yield return token;
            }
        }
    }

    private async Task<(List<StoredToken> Tokens, int Count, RedisValue Last)> ReadPageAsync(TokenKind kind, RedisValue after, CancellationToken cancellationToken)
    {
        try
        {
            var db = await _connection.GetDatabaseAsync().ConfigureAwait(false);
            var members = await db.SortedSetRangeByValueAsync(
                _keys.Index(kind), min: after, max: RedisValue.Null, exclude: after.IsNull ? Exclude.None : Exclude.Start, order: Order.Ascending, skip: 0, take: ListPageSize)
                .WaitAsync(cancellationToken).ConfigureAwait(false);
            if (members.Length == 0)
            {
                return ([], 0, RedisValue.Null);
            }

            // One pipelined round trip for the page.
            var reads = new Task<RedisValue[]>[members.Length];
            for (var i = 0; i < members.Length; i++)
            {
                reads[i] = db.HashGetAsync(_keys.Token(members[i].ToString()), VersionAndData);
            }

            await Task.WhenAll(reads).WaitAsync(cancellationToken).ConfigureAwait(false);
            var tokens = new List<StoredToken>(members.Length);
            for (var i = 0; i < members.Length; i++)
            {
                try
                {
                    if (Read(reads[i].Result) is { } token)
                    {
                        tokens.Add(token);
                    }
                }
                catch (JsonException ex)
                {
                    RedisLog.UnreadableEntry(_logger, members[i].ToString(), ex);
                }
            }

            return (tokens, members.Length, members[^1]);
        }
        catch (Exception ex) when (IsUnavailable(ex))
        {
            throw Unavailable("list", kind.ToString(), ex);
        }
    }

    private static StoredToken? Read(RedisValue[] values)
    {
        if (values.Length < 2 || values[0].IsNull || values[1].IsNull)
        {
            return null;
        }

        var version = (long)values[0];
        var document = JsonSerializer.Deserialize((string)values[1]!, RedisTokenJsonContext.Default.RedisTokenDocument)
            ?? throw new JsonException("The stored token is null.");
        return document.ToStoredToken(version);
    }

    private static RedisValue Expected(long? expectedVersion) =>
        expectedVersion is { } v ? v.ToString(CultureInfo.InvariantCulture) : RedisValue.EmptyString;

    internal static bool IsUnavailable(Exception ex) =>
        ex is RedisConnectionException or RedisTimeoutException
        || (ex is RedisServerException server && IsTransientServerError(server.Message));

    private static bool IsTransientServerError(string message) =>
        message.StartsWith("LOADING", StringComparison.Ordinal)
        || message.StartsWith("MASTERDOWN", StringComparison.Ordinal)
        || message.StartsWith("READONLY", StringComparison.Ordinal)
        || message.StartsWith("TRYAGAIN", StringComparison.Ordinal)
        || message.StartsWith("CLUSTERDOWN", StringComparison.Ordinal);

    internal TokenStoreUnavailableException Unavailable(string operation, string target, Exception ex)
    {
        RedisLog.Unavailable(_logger, operation, target, ex);
        return new TokenStoreUnavailableException(
            $"Redis could not be reached to {operation} {target} ({ex.GetType().Name}). Stored tokens are kept; try again once Redis is back (a write may or may not have been applied).", ex);
    }
}
