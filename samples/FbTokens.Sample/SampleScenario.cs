using FbTokens.Testing;

namespace FbTokens.Sample;

/// <summary>What the flow starts from: a login code (emulator) or a user token (real Graph).</summary>
public sealed record SampleScenario
{
    /// <summary>The redirect URI of the login dialog and of client codes.</summary>
    public required Uri RedirectUri { get; init; }

    /// <summary>The login code Facebook sent to <see cref="RedirectUri"/>; null when starting from a user token.</summary>
    public string? LoginCode { get; init; }

    /// <summary>A user token to start from, when there is no login code.</summary>
    public string? UserToken { get; init; }

    /// <summary>Whether to run the client-code flow (it needs a redirect URI registered for the app).</summary>
    public bool RunClientCodeFlow { get; init; } = true;

    /// <summary>Invalidates the user's tokens (the emulator can; real Graph cannot be asked to), or null to skip that step.</summary>
    public Func<string, CancellationToken, Task>? InvalidateUserTokensAsync { get; init; }

    /// <summary>A scenario on the emulator: a user with <paramref name="pageCount"/> pages and a fresh login code.</summary>
    public static SampleScenario ForEmulator(GraphTokenEmulator emulator, int pageCount)
    {
        ArgumentNullException.ThrowIfNull(emulator);
        var redirect = new Uri("https://sample.example.com/auth/callback");
        var user = emulator.CreateTestUser("Sample User");
        emulator.CreatePages(user.Id, pageCount);
        return new SampleScenario
        {
            RedirectUri = redirect,
            LoginCode = emulator.CreateAuthorizationCode(user.Id, redirect),
            InvalidateUserTokensAsync = (userId, _) =>
            {
                emulator.InvalidateUserTokens(userId, TokenInvalidationReason.PasswordChanged);
                return Task.CompletedTask;
            },
        };
    }
}
