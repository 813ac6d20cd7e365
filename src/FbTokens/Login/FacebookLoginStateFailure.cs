namespace FbTokens;

/// <summary>Why a Login callback's state was rejected.</summary>
public enum FacebookLoginStateFailure
{
    /// <summary>The callback has no <c>state</c>, or the app kept none (cookie lost, blocked or never set).</summary>
    Missing,

    /// <summary>The returned state is not the one the app kept: a forged or tampered request.</summary>
    Mismatch,

    /// <summary>The state is older than <see cref="FacebookLoginOptions.StateLifetime"/>.</summary>
    Expired,

    /// <summary>The state was already accepted once by this builder: a replayed callback.</summary>
    Reused,
}
