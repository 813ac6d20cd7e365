using FbTokens.Internal;

namespace FbTokens.Tests.Lifecycle;

/// <summary>
/// The token manager's options at the edge of their ranges: the last allowed value passes, the first refused one fails
/// with one message that starts with its key; and when the app secret is demanded.
/// </summary>
public sealed class TokenManagerOptionsBoundaryTests
{
    private static readonly TimeSpan Tick = TimeSpan.FromTicks(1);
    private const string Key = "FbTokens:TokenManager:";

    private static List<string> Failures(Action<TokenManagerOptions> change)
    {
        var options = new TokenManagerOptions();
        change(options);
        var result = new TokenManagerOptionsValidator().Validate(null, options);
        return result.Failed ? result.Failures!.ToList() : [];
    }

    public static TheoryData<string, Action<TokenManagerOptions>> AllowedEdges => new()
    {
        { "RefreshBeforeExpiry one tick", o => { o.RefreshBeforeExpiry = Tick; o.RefreshJitter = TimeSpan.Zero; } },
        { "RefreshBeforeExpiry just under 59 days", o => o.RefreshBeforeExpiry = TimeSpan.FromDays(59) - Tick },
        { "RefreshJitter zero", o => o.RefreshJitter = TimeSpan.Zero },
        { "RefreshJitter = RefreshBeforeExpiry", o => o.RefreshJitter = o.RefreshBeforeExpiry },
        { "RefreshRetryDelay zero", o => o.RefreshRetryDelay = TimeSpan.Zero },
        { "LongLivedThreshold one tick", o => o.LongLivedThreshold = Tick },
        { "ExpiringNoticeBefore zero", o => o.ExpiringNoticeBefore = TimeSpan.Zero },
        { "DataAccessNoticeBefore zero", o => o.DataAccessNoticeBefore = TimeSpan.Zero },
        { "SweepInterval one minute (with a lease under it)", o => { o.SweepInterval = TimeSpan.FromMinutes(1); o.SweepLeaseDuration = TimeSpan.FromMinutes(1) - Tick; } },
        { "SweepLeaseDuration one tick", o => o.SweepLeaseDuration = Tick },
        { "SweepLeaseDuration just under SweepInterval", o => o.SweepLeaseDuration = o.SweepInterval - Tick },
        { "SweepLeaseDuration over SweepInterval (half the interval is used)", o => o.SweepLeaseDuration = o.SweepInterval * 2 },
        { "SweepInterval 5 minutes with the default 10-minute lease", o => o.SweepInterval = TimeSpan.FromMinutes(5) },
        { "SweepUsageThreshold 1", o => o.SweepUsageThreshold = 1 },
        { "SweepUsageThreshold 100 (pacing off)", o => o.SweepUsageThreshold = 100 },
        { "SweepUsageThreshold infinite (pacing off)", o => o.SweepUsageThreshold = double.PositiveInfinity },
        { "SweepStartDelay zero", o => o.SweepStartDelay = TimeSpan.Zero },
        { "SweepBatchSize 1", o => o.SweepBatchSize = 1 },
        { "SweepBatchSize 50", o => o.SweepBatchSize = TokenManagerOptions.MaxSweepBatchSize },
        { "SweepRetryAttempts 0", o => o.SweepRetryAttempts = 0 },
        { "SweepRetryAttempts 10", o => o.SweepRetryAttempts = 10 },
        { "AppTokenSource ClientCredentials", o => o.AppTokenSource = AppTokenSource.ClientCredentials },
    };

    public static TheoryData<string, Action<TokenManagerOptions>, string> RefusedEdges => new()
    {
        { "RefreshBeforeExpiry zero", o => { o.RefreshBeforeExpiry = TimeSpan.Zero; o.RefreshJitter = TimeSpan.Zero; }, Key + "RefreshBeforeExpiry must be positive and under 59 days (long-lived tokens last about 60)." },
        { "RefreshBeforeExpiry 59 days", o => o.RefreshBeforeExpiry = TimeSpan.FromDays(59), Key + "RefreshBeforeExpiry must be positive and under 59 days (long-lived tokens last about 60)." },
        { "RefreshJitter below zero", o => o.RefreshJitter = -Tick, Key + "RefreshJitter must be zero or positive and not above " + Key + "RefreshBeforeExpiry." },
        { "RefreshJitter above RefreshBeforeExpiry", o => o.RefreshJitter = o.RefreshBeforeExpiry + Tick, Key + "RefreshJitter must be zero or positive and not above " + Key + "RefreshBeforeExpiry." },
        { "RefreshRetryDelay below zero", o => o.RefreshRetryDelay = -Tick, Key + "RefreshRetryDelay must be zero or positive." },
        { "LongLivedThreshold zero", o => o.LongLivedThreshold = TimeSpan.Zero, Key + "LongLivedThreshold must be positive." },
        { "ExpiringNoticeBefore below zero", o => o.ExpiringNoticeBefore = -Tick, Key + "ExpiringNoticeBefore must be zero or positive." },
        { "DataAccessNoticeBefore below zero", o => o.DataAccessNoticeBefore = -Tick, Key + "DataAccessNoticeBefore must be zero or positive." },
        { "SweepInterval under a minute", o => o.SweepInterval = TimeSpan.FromMinutes(1) - Tick, Key + "SweepInterval must be at least 1 minute." },
        { "SweepLeaseDuration zero", o => o.SweepLeaseDuration = TimeSpan.Zero, Key + "SweepLeaseDuration must be positive." },
        { "SweepLeaseDuration negative", o => o.SweepLeaseDuration = -Tick, Key + "SweepLeaseDuration must be positive." },
        { "SweepUsageThreshold under 1", o => o.SweepUsageThreshold = 1 - 1e-9, Key + "SweepUsageThreshold must be a percentage of at least 1 (100 or more turns pacing off)." },
        { "SweepUsageThreshold NaN", o => o.SweepUsageThreshold = double.NaN, Key + "SweepUsageThreshold must be a percentage of at least 1 (100 or more turns pacing off)." },
        { "SweepStartDelay below zero", o => o.SweepStartDelay = -Tick, Key + "SweepStartDelay must be zero or positive." },
        { "SweepBatchSize 0", o => o.SweepBatchSize = 0, Key + "SweepBatchSize must be between 1 and 50 (Graph's batch limit)." },
        { "SweepBatchSize 51", o => o.SweepBatchSize = 51, Key + "SweepBatchSize must be between 1 and 50 (Graph's batch limit)." },
        { "SweepRetryAttempts -1", o => o.SweepRetryAttempts = -1, Key + "SweepRetryAttempts must be between 0 and 10." },
        { "SweepRetryAttempts 11", o => o.SweepRetryAttempts = 11, Key + "SweepRetryAttempts must be between 0 and 10." },
        { "AppTokenSource unknown", o => o.AppTokenSource = (AppTokenSource)2, Key + "AppTokenSource is not a known value." },
    };

    [Theory]
    [MemberData(nameof(AllowedEdges))]
    public void The_last_allowed_value_passes(string edge, Action<TokenManagerOptions> change)
    {
        var failures = Failures(change);

        Assert.True(failures.Count == 0, edge + ": " + string.Join(" | ", failures));
    }

    [Theory]
    [MemberData(nameof(RefusedEdges))]
    public void The_first_refused_value_fails_with_one_message_naming_its_key(string edge, Action<TokenManagerOptions> change, string message)
    {
        var failures = Failures(change);

        Assert.True(failures.Count == 1, edge + ": " + string.Join(" | ", failures));
        Assert.Equal(message, failures[0]);
    }

    [Fact]
    public void A_named_app_is_reported_under_its_own_key()
    {
        var result = new TokenManagerOptionsValidator().Validate("ads", new TokenManagerOptions { SweepBatchSize = 0 });

        Assert.Equal("FbTokens:Apps:ads:TokenManager:SweepBatchSize must be between 1 and 50 (Graph's batch limit).", Assert.Single(result.Failures!));
    }

    private static ValidateOptionsResultView SecretCheck(string? app, string? optionsName, string? secret)
    {
        var validator = new TokenManagerAppSecretValidator([new FbTokensFeatureMarker(FbTokensFeatureMarker.TokenManager, app)]);
        var result = validator.Validate(optionsName, new FbTokensOptions { AppId = "1", AppSecret = secret });
        return new ValidateOptionsResultView(result.Succeeded, result.Failures?.ToList() ?? []);
    }

    [Fact]
    public void The_token_manager_demands_the_secret_of_its_own_app_only()
    {
        var missing = SecretCheck(app: null, optionsName: Microsoft.Extensions.Options.Options.DefaultName, secret: null);
        Assert.False(missing.Succeeded);
        Assert.Equal(
            "FbTokens:AppSecret is required by the token manager and the validation sweep (AddTokenManager, AddTokenValidationSweep, "
            + "or a token store): set it to the app secret from the app dashboard, e.g. in user secrets or an environment variable.",
            Assert.Single(missing.Failures));
        Assert.False(SecretCheck(app: null, optionsName: null, secret: null).Succeeded);
        Assert.True(SecretCheck(app: null, optionsName: null, secret: "s3cr3t").Succeeded);
        Assert.True(SecretCheck(app: null, optionsName: "ads", secret: null).Succeeded);
        Assert.True(SecretCheck(app: "ads", optionsName: null, secret: null).Succeeded);
        Assert.StartsWith("FbTokens:Apps:ads:AppSecret is required", Assert.Single(SecretCheck(app: "ads", optionsName: "ads", secret: null).Failures), StringComparison.Ordinal);
    }

    private sealed record ValidateOptionsResultView(bool Succeeded, List<string> Failures);
}
