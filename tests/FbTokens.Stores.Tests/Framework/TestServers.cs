namespace FbTokens.Stores.Tests.Framework;

/// <summary>
/// The real servers the store tests run against. An environment variable names an existing server
/// (<c>FBTOKENS_TEST_REDIS</c>, <c>FBTOKENS_TEST_POSTGRES</c>); without it the tests start their own on loopback
/// (<see cref="LocalServers"/>) from the installed binaries. Without those either, a test is skipped with how to install
/// them; when servers are required (<c>FBTOKENS_TEST_REQUIRE_SERVERS=1</c>, as .ci/run sets, or <c>CI=true</c>) it fails
/// instead, so a broken CI set-up can never pass silently.
/// </summary>
internal static class TestServers
{
    public const string RedisVariable = "FBTOKENS_TEST_REDIS";
    public const string PostgresVariable = "FBTOKENS_TEST_POSTGRES";
    public const string RequireVariable = "FBTOKENS_TEST_REQUIRE_SERVERS";

    /// <summary>Whether a missing server fails the test instead of skipping it.</summary>
    public static bool Required =>
        string.Equals(Environment.GetEnvironmentVariable("CI"), "true", StringComparison.OrdinalIgnoreCase) ||
        Environment.GetEnvironmentVariable(RequireVariable) is "1" or "true" or "True" or "TRUE";

    /// <summary>The Redis configuration string (host:port).</summary>
    public static Task<string> RedisAsync()
    {
        var configured = Environment.GetEnvironmentVariable(RedisVariable);
        return string.IsNullOrWhiteSpace(configured)
            ? LocalServers.RedisAsync(RedisServerBinary)
            : Task.FromResult(configured);
    }

    /// <summary>The Npgsql connection string of a database the tests may create databases from (as a superuser).</summary>
    public static Task<string> PostgresAsync()
    {
        var configured = Environment.GetEnvironmentVariable(PostgresVariable);
        if (!string.IsNullOrWhiteSpace(configured))
        {
            return Task.FromResult(configured);
        }

        var bin = ServerBinaries.PostgresBin;
        if (bin is null)
        {
            Missing(
                "PostgreSQL's initdb and pg_ctl were not found (on PATH or in /usr/lib/postgresql/<version>/bin)",
                $"{PostgresVariable} to a connection string of an existing server (a superuser; e.g. Host=127.0.0.1;Port=5432;Username=postgres;Password=…)");
        }

        if (LocalPostgres.CannotRunReason() is { } reason)
        {
            Missing(reason, $"{PostgresVariable} to a connection string of an existing server");
        }

        return LocalServers.PostgresAsync(bin!);
    }

    /// <summary>The <c>redis-server</c> binary, for the shared server and for tests that stop and restart their own.</summary>
    public static string RedisServerBinary
    {
        get
        {
            var found = ServerBinaries.RedisServer;
            if (found is null)
            {
                Missing("redis-server was not found on PATH", $"{RedisVariable} to an existing server (e.g. 127.0.0.1:6379; the Redis outage test still needs redis-server)");
            }

            return found!;
        }
    }

    private static void Missing(string what, string orSet)
    {
        var hidden = ServerBinaries.Hidden ? $" ({ServerBinaries.NoServersVariable}=1 hides the installed ones.)" : "";
        var reason = $"{what}.{hidden} The store tests start their own Redis and PostgreSQL on loopback: install them with " +
                     $"'{ServerBinaries.InstallCommand}', or set {orSet}.";
        if (Required)
        {
            throw new InvalidOperationException(reason + $" Servers are required here ({RequireVariable}=1 or CI=true): a missing server is a failure, not a skip.");
        }

        Skip.If(true, reason);
    }
}
