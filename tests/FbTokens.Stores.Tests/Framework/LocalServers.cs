namespace FbTokens.Stores.Tests.Framework;

/// <summary>
/// The Redis server and PostgreSQL cluster the store tests start for themselves when no environment variable names one:
/// each started once, on first use (so a run of other tests starts nothing), shared by every test of the run, and stopped
/// with its directory deleted when the run ends: by <see cref="StoreTestFramework"/> before the assembly reports it has
/// finished, by <see cref="AppDomain.ProcessExit"/> if the process ends first, and by a <see cref="ServerWatchdog"/> if the
/// process is killed or crashes.
/// </summary>
internal static class LocalServers
{
    private static readonly object Gate = new();
    private static Task<ThrowawayRedis>? s_redis;
    private static Task<LocalPostgres>? s_postgres;
    private static bool s_stopped;
    private static bool s_hooked;

    /// <summary>The Redis configuration string (host:port) of the run's own server.</summary>
    public static async Task<string> RedisAsync(string binary) =>
        (await Once(ref s_redis, () => ThrowawayRedis.StartAsync(binary, durable: false))).Configuration;

    /// <summary>The connection string of the run's own PostgreSQL cluster (maintenance database, superuser).</summary>
    public static async Task<string> PostgresAsync(string bin) =>
        (await Once(ref s_postgres, () => LocalPostgres.StartAsync(bin))).ConnectionString;

    /// <summary>Stops whatever was started and deletes its directory. Idempotent.</summary>
    public static void StopAll()
    {
        Task<ThrowawayRedis>? redis;
        Task<LocalPostgres>? postgres;
        lock (Gate)
        {
            s_stopped = true;
            (redis, s_redis) = (s_redis, null);
            (postgres, s_postgres) = (s_postgres, null);
        }

        // A start still under way is waited for (bounded by its own time-outs), so it is not left running.
        if (redis is not null && Completed(redis) is { } r)
        {
            r.Stop();
        }

        if (postgres is not null && Completed(postgres) is { } p)
        {
            p.Stop();
        }
    }

    private static Task<T> Once<T>(ref Task<T>? slot, Func<Task<T>> start)
    {
        lock (Gate)
        {
            if (s_stopped)
            {
                throw new InvalidOperationException("The test run's servers were already stopped.");
            }

            if (!s_hooked)
            {
                AppDomain.CurrentDomain.ProcessExit += (_, _) => StopAll();
                s_hooked = true;
            }

            // Started off the test's synchronization context; every test waiting for the server awaits the same start,
            // and a failed start fails (or skips) each of them with the same reason.
            return slot ??= Task.Run(start);
        }
    }

    private static T? Completed<T>(Task<T> task)
        where T : class
    {
        try
        {
            return task.GetAwaiter().GetResult();
        }
        catch (Exception)
        {
            return null; // a start that failed cleaned up after itself
        }
    }
}
