namespace FbTokens.Stores.Tests.Framework;

/// <summary>
/// The real servers the store tests run against, named by environment variables that <c>.ci/run</c> sets after starting
/// them. On a developer machine without them a test is skipped with the reason; in CI (<c>CI=true</c>) a missing server
/// fails the test, so a broken CI set-up can never pass silently.
/// </summary>
internal static class TestServers
{
    public const string RedisVariable = "FBTOKENS_TEST_REDIS";
    public const string PostgresVariable = "FBTOKENS_TEST_POSTGRES";

    public static bool InCi => string.Equals(Environment.GetEnvironmentVariable("CI"), "true", StringComparison.OrdinalIgnoreCase);

    /// <summary>The Redis configuration string (host:port).</summary>
    public static string Redis => Require(RedisVariable, "a Redis server, e.g. 127.0.0.1:6390");

    /// <summary>The Npgsql connection string of a database the tests may create databases from.</summary>
    public static string Postgres => Require(PostgresVariable, "a PostgreSQL connection string, e.g. Host=127.0.0.1;Port=5440;Username=fbtokens;Database=fbtokens");

    /// <summary>The <c>redis-server</c> binary, for tests that stop and restart their own server.</summary>
    public static string RedisServerBinary
    {
        get
        {
            var found = (Environment.GetEnvironmentVariable("PATH") ?? "")
                .Split(Path.PathSeparator, StringSplitOptions.RemoveEmptyEntries)
                .Select(dir => Path.Combine(dir, "redis-server"))
                .FirstOrDefault(File.Exists);
            if (found is not null)
            {
                return found;
            }

            const string reason = "redis-server is not on PATH (apt-get install redis-server).";
            if (InCi)
            {
                throw new InvalidOperationException(reason + " CI must provide it: see .ci/run.");
            }

            Skip.If(true, reason);
            return "";
        }
    }

    private static string Require(string variable, string what)
    {
        var value = Environment.GetEnvironmentVariable(variable);
        if (!string.IsNullOrWhiteSpace(value))
        {
            return value;
        }

        var reason = $"{variable} is not set: it names {what}. .ci/run starts the server and sets it.";
        if (InCi)
        {
            throw new InvalidOperationException(reason + " In CI a missing server is a failure, not a skip.");
        }

        Skip.If(true, reason);
        return "";
    }
}
