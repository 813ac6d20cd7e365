namespace FbTokens.Redis.Internal;

/// <summary>
/// The store's key layout. Every key starts with <c>{prefix}</c> so that one token's hash, its kind's index and its lock
/// share a cluster hash slot (Lua scripts may only touch keys of one slot).
/// </summary>
internal sealed class RedisKeys(string prefix)
{
    private readonly string _root = "{" + prefix + "}:";

    public string Token(TokenKey key) => _root + "t:" + key;

    public string Index(TokenKind kind) => _root + "i:" + kind;

    public string Lock(TokenKey key) => _root + "l:" + key;

    public string Token(string member) => _root + "t:" + member;
}
