using System.Globalization;
using System.IO.Hashing;
using System.Text;
using StackExchange.Redis;

namespace FbTokens.Redis.Internal;

/// <summary>
/// The store's key layout. Keys are grouped in shards, each under one cluster hash tag: with one shard (the default) the
/// tag is <c>{prefix}</c>, so every key is <c>{prefix}:…</c> as before shards existed; with
/// <see cref="RedisTokenStoreOptions.ShardCount"/> N &gt; 1 it is <c>{prefix:n}</c>, n = 0 … N-1. A token's hash
/// (<c>t:</c>), its kind's index shard (<c>i:</c>), its app's due set shard (<c>d:</c>) and its refresh lock (<c>l:</c>)
/// share the shard of the token key, so every script about one token touches one slot. A person's set (<c>o:</c>) lives in
/// the shard of the person. Shards are chosen by XxHash32 of the key text, stable across processes and versions.
/// </summary>
internal sealed class RedisKeys
{
    private readonly string[] _tags;

    public RedisKeys(RedisTokenStoreOptions options)
    {
        ShardCount = options.ShardCount;
        _tags = ShardCount == 1
            ? ["{" + options.KeyPrefix + "}:"]
            : [.. Enumerable.Range(0, ShardCount).Select(n => "{" + options.KeyPrefix + ":" + n.ToString(CultureInfo.InvariantCulture) + "}:")];
    }

    public int ShardCount { get; }

    /// <summary>Whether person sets share the token's slot (one shard), so the token scripts can keep them.</summary>
    public bool PersonsInTokenSlot => ShardCount == 1;

    /// <summary>The shard of a token key, from its text (the member the indexes hold).</summary>
    public int ShardOf(string member) => ShardCount == 1 ? 0 : (int)(Hash(member) % (uint)ShardCount);

    public int ShardOf(TokenKey key) => ShardOf(key.ToString());

    /// <summary>The <c>{tag}:</c> every key of <paramref name="shard"/> starts with.</summary>
    public string Tag(int shard) => _tags[shard];

    public string Token(TokenKey key) => Token(key.ToString());

    public string Token(string member) => _tags[ShardOf(member)] + "t:" + member;

    /// <summary>The prefix of the token hashes of <paramref name="shard"/>, for the scripts that read claimed tokens.</summary>
    public string TokenPrefix(int shard) => _tags[shard] + "t:";

    /// <summary>The index of one kind's keys within one shard: a sorted set, all scores 0, paged by value.</summary>
    public string Index(TokenKind kind, int shard) => _tags[shard] + "i:" + kind;

    public string Index(TokenKey key) => Index(key.Kind, ShardOf(key));

    /// <summary>The sweep's due set of one app within one shard: members are token keys, scores their next check (unix ms).</summary>
    public string Due(string? appId, int shard) => _tags[shard] + "d:" + (appId ?? "-");

    public string Due(TokenKey key) => Due(key.AppId, ShardOf(key));

    public string Lock(TokenKey key) => _tags[ShardOf(key)] + "l:" + key;

    /// <summary>The set of token keys (members as in <see cref="Index(TokenKind, int)"/>) of one person: their user token and
    /// the tokens they own. Ids hold no <c>@</c>, so <c>o:{user}</c> and <c>o:{user}@{app}</c> never collide.</summary>
    public string Person(string userId, string? appId)
    {
        var person = "o:" + userId + (appId is null ? "" : "@" + appId);
        return _tags[ShardOf(person)] + person;
    }

    /// <summary>Set once every token stored before the person index existed has been added to it.</summary>
    public string PersonIndexReady => _tags[0] + "o-ready";

    /// <summary>The short lock that makes a claim over several shards one step for an app's claimers (sharded layout only).</summary>
    public string ClaimLock(string? appId) => _tags[0] + "c:" + (appId ?? "-");

    /// <summary>Set once every token stored before the due sets existed has been added to them.</summary>
    public string DueIndexReady => _tags[0] + "d-ready";

    /// <summary>Held by the one instance filling the due sets with the tokens stored before they existed.</summary>
    public string DueIndexFilling => _tags[0] + "d-filling";

    /// <summary>The person sets <paramref name="token"/> belongs in (none, one or two).</summary>
    public RedisKey[] PersonsOf(StoredToken token)
    {
        var persons = new List<RedisKey>(2);
        if (token.Key.Kind == TokenKind.User)
        {
            persons.Add(Person(token.Key.SubjectId, token.Key.AppId));
        }

        if (token.OwnerUserId is { } owner && !(token.Key.Kind == TokenKind.User && owner == token.Key.SubjectId))
        {
            persons.Add(Person(owner, token.Key.AppId));
        }

        return [.. persons];
    }

    private static uint Hash(string text)
    {
        Span<byte> buffer = stackalloc byte[256];
        var bytes = Encoding.UTF8.GetMaxByteCount(text.Length) <= buffer.Length ? buffer : new byte[Encoding.UTF8.GetByteCount(text)];
        var length = Encoding.UTF8.GetBytes(text, bytes);
        return XxHash32.HashToUInt32(bytes[..length]);
    }
}
