using System.Globalization;
using Npgsql;

namespace FbTokens.Stores.Tests.Framework;

/// <summary>
/// A throwaway PostgreSQL cluster of the tests' own: <c>initdb</c> in a temporary directory, <c>pg_ctl start</c> on a free
/// loopback port (TCP only, trust authentication, no fsync), superuser <c>fbtokens</c>. PostgreSQL refuses to run as root,
/// so under root it runs as the <c>postgres</c> system user the Debian package creates (through <c>runuser</c>), in a
/// directory that user owns. Stopped (<c>pg_ctl stop -m immediate</c>) and its directory deleted by <see cref="Stop"/>;
/// after a crash of the test process, by a <see cref="ServerWatchdog"/>.
/// </summary>
internal sealed class LocalPostgres
{
    public const string SystemUser = "postgres";

    // Real external processes need real time: every step is bounded, generously for a busy 2-core machine.
    private static readonly TimeSpan InitTimeout = TimeSpan.FromSeconds(180);
    private static readonly TimeSpan StartTimeout = TimeSpan.FromSeconds(90);
    private static readonly TimeSpan StopTimeout = TimeSpan.FromSeconds(30);

    private readonly string _bin;
    private readonly string? _runAs;
    private readonly string _directory;
    private bool _stopped;

    private LocalPostgres(string bin, string? runAs, string directory)
    {
        _bin = bin;
        _runAs = runAs;
        _directory = directory;
    }

    public int Port { get; private set; }

    /// <summary>An Npgsql connection string to the maintenance database, as the <c>fbtokens</c> superuser.</summary>
    public string ConnectionString => string.Create(CultureInfo.InvariantCulture, $"Host=127.0.0.1;Port={Port};Username=fbtokens;Database=postgres");

    private string DataDirectory => Path.Combine(_directory, "data");

    /// <summary>
    /// Whether this process may start PostgreSQL: not as root, or as root with a <c>postgres</c> user to run it as.
    /// Null when it may, else the reason it may not.
    /// </summary>
    public static string? CannotRunReason()
    {
        if (!IsRoot())
        {
            return null;
        }

        return ExternalProcess.Run(["id", "-u", SystemUser], TimeSpan.FromSeconds(10)).ExitCode == 0
            ? null
            : $"The tests run as root, PostgreSQL refuses to run as root, and there is no '{SystemUser}' system user to run it as " +
              "(Debian's postgresql package creates it)";
    }

    /// <summary>Creates and starts the cluster, and waits until it accepts a connection.</summary>
    public static async Task<LocalPostgres> StartAsync(string bin)
    {
        var runAs = IsRoot() ? SystemUser : null;
        var postgres = new LocalPostgres(bin, runAs, CreateDirectory(runAs));
        try
        {
            ServerWatchdog.Guard(
                postgres._directory,
                """
                if [ -n "$3" ]; then runuser -u "$3" -- "$1/pg_ctl" -D "$2" -m immediate -w -t 20 stop && exit 0
                else "$1/pg_ctl" -D "$2" -m immediate -w -t 20 stop && exit 0; fi
                [ -f "$2/postmaster.pid" ] && kill -9 "$(head -n 1 "$2/postmaster.pid")"
                """,
                bin,
                postgres.DataDirectory,
                runAs ?? "");
            postgres.Initialise();
            postgres.Start();
            await postgres.WaitUntilItAnswersAsync();
            return postgres;
        }
        catch
        {
            postgres.Stop();
            throw;
        }
    }

    /// <summary>Stops the server and deletes its directory; safe to call more than once, and from a process-exit handler.</summary>
    public void Stop()
    {
        if (_stopped)
        {
            return;
        }

        _stopped = true;
        var pidFile = Path.Combine(DataDirectory, "postmaster.pid");
        if (File.Exists(pidFile))
        {
            var stopped = ExternalProcess.Run(
                Command(Path.Combine(_bin, "pg_ctl"), "-D", DataDirectory, "-m", "immediate", "-w", "-t", "20", "stop"), StopTimeout);
            if (stopped.ExitCode != 0 && File.Exists(pidFile) &&
                int.TryParse(File.ReadLines(pidFile).FirstOrDefault(), NumberStyles.None, CultureInfo.InvariantCulture, out var pid))
            {
                ExternalProcess.Run(["kill", "-9", pid.ToString(CultureInfo.InvariantCulture)], StopTimeout);
            }
        }

        if (Directory.Exists(_directory))
        {
            Directory.Delete(_directory, recursive: true);
        }
    }

    private static string CreateDirectory(string? runAs)
    {
        var directory = Directory.CreateTempSubdirectory("fbtokens-postgres-").FullName;
        if (runAs is null)
        {
            return directory;
        }

        // The postgres user must own the directory and reach it: the temporary folder (TMPDIR) of root may be closed to it.
        ExternalProcess.RunChecked(["chown", runAs, directory], TimeSpan.FromSeconds(10));
        if (ExternalProcess.Run(["runuser", "-u", runAs, "--", "test", "-w", directory], TimeSpan.FromSeconds(10)).ExitCode == 0)
        {
            return directory;
        }

        Directory.Delete(directory);
        directory = Path.Combine("/tmp", "fbtokens-postgres-" + Guid.NewGuid().ToString("N")[..12]);
        Directory.CreateDirectory(directory);
        ExternalProcess.RunChecked(["chown", runAs, directory], TimeSpan.FromSeconds(10));
        if (ExternalProcess.Run(["runuser", "-u", runAs, "--", "test", "-w", directory], TimeSpan.FromSeconds(10)).ExitCode != 0)
        {
            Directory.Delete(directory);
            throw new InvalidOperationException(
                $"The '{runAs}' user cannot write to a temporary directory (tried {Path.GetTempPath()} and /tmp), so PostgreSQL cannot be started for the tests.");
        }

        return directory;
    }

    private void Initialise()
    {
        ExternalProcess.RunChecked(
            Command(Path.Combine(_bin, "initdb"), "-D", DataDirectory, "-U", "fbtokens", "--auth=trust", "-E", "UTF8", "--locale=C", "--no-sync"),
            InitTimeout,
            _directory);

        // Appended to the file initdb wrote (it keeps its owner): loopback TCP only, no Unix socket (no path-length or
        // permission trouble), and no durability work, which a throwaway cluster does not need.
        File.AppendAllText(Path.Combine(DataDirectory, "postgresql.conf"), """

            # FbTokens store tests (tests/FbTokens.Stores.Tests/Framework/LocalPostgres.cs)
            listen_addresses = '127.0.0.1'
            unix_socket_directories = ''
            max_connections = 200
            fsync = off
            synchronous_commit = off
            full_page_writes = off

            """);
    }

    private void Start()
    {
        // A free port can be taken by someone else before the server binds it: try another one.
        for (var attempt = 1; ; attempt++)
        {
            Port = ThrowawayRedis.FreePort();
            var log = Path.Combine(_directory, string.Create(CultureInfo.InvariantCulture, $"postgres-{attempt}.log"));
            var started = ExternalProcess.Run(
                Command(Path.Combine(_bin, "pg_ctl"), "-D", DataDirectory, "-l", log, "-w", "-t", "60",
                    "-o", string.Create(CultureInfo.InvariantCulture, $"-p {Port}"), "start"),
                StartTimeout,
                _directory);
            if (started.ExitCode == 0)
            {
                return;
            }

            var printed = File.Exists(log) ? File.ReadAllText(log) : "";
            if (attempt < 3 && printed.Contains("could not bind", StringComparison.OrdinalIgnoreCase))
            {
                continue;
            }

            throw new InvalidOperationException($"PostgreSQL did not start on port {Port} (pg_ctl exited with {started.ExitCode}):\n{started.Output}\n{printed}");
        }
    }

    private async Task WaitUntilItAnswersAsync()
    {
        // pg_ctl -w has already waited until the server accepts connections; one real connection proves the set-up.
        var builder = new NpgsqlConnectionStringBuilder(ConnectionString) { Pooling = false, Timeout = 30 };
        await using var connection = new NpgsqlConnection(builder.ToString());
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand("SELECT 1", connection);
        await command.ExecuteScalarAsync();
    }

    private string[] Command(params string[] arguments) =>
        _runAs is null ? arguments : ["runuser", "-u", _runAs, "--", .. arguments];

    private static bool IsRoot() =>
        ExternalProcess.Run(["id", "-u"], TimeSpan.FromSeconds(10)).Output.Trim() == "0";
}
