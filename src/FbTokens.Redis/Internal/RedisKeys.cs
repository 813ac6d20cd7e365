using StackExchange.Redis;

namespace FbTokens.Redis.Internal;

/// <summary>
/// The store's key layout. Every key starts with <c>{prefix}</c> so that one token's hash, its kind's index, its person
/// indexes and its lock share a cluster hash slot (Lua scripts may only touch keys of one slot).
/// </summary>
internal sealed class RedisKeys(string prefix)
{
    private readonly string _root = "{" + prefix + "}:";

    public string Token(TokenKey key) => _root + "t:" + key;

    public string Index(TokenKind kind) => _root + "i:" + kind;

    public string Lock(TokenKey key) => _root + "l:" + key;

    public string Token(string member) => _root + "t:" + member;

    /// <summary>The set of token keys (members as in <see cref="Index"/>) of one person: their user token and the tokens
    /// they own. Ids hold no <c>@</c>, so <c>o:{user}</c> and <c>o:{user}@{app}</c> never collide.</summary>
    public string Person(string userId, string? appId) => _root + "o:" + userId + (appId is null ? "" : "@" + appId);

    /// <summary>Set once every token stored before the person index existed has been added to it.</summary>
    public string PersonIndexReady => _root + "o-ready";

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
}
