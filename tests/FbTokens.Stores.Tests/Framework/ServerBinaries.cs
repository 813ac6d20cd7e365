using System.Globalization;

namespace FbTokens.Stores.Tests.Framework;

/// <summary>
/// Finds the server programs the store tests start for themselves: <c>redis-server</c> on PATH, and PostgreSQL's
/// <c>initdb</c> and <c>pg_ctl</c> on PATH or in Debian's <c>/usr/lib/postgresql/&lt;version&gt;/bin</c> (newest first).
/// <c>FBTOKENS_TEST_NO_SERVERS=1</c> makes them count as missing, to see what a machine without them does.
/// </summary>
internal static class ServerBinaries
{
    public const string NoServersVariable = "FBTOKENS_TEST_NO_SERVERS";

    public const string InstallCommand = "sudo apt-get install -y redis-server postgresql";

    /// <summary>Whether the binaries are hidden on purpose (<c>FBTOKENS_TEST_NO_SERVERS=1</c>).</summary>
    public static bool Hidden => Environment.GetEnvironmentVariable(NoServersVariable) is "1" or "true" or "True" or "TRUE";

    /// <summary>The path of <c>redis-server</c>, or null.</summary>
    public static string? RedisServer => Hidden ? null : OnPath("redis-server");

    /// <summary>The directory holding <c>initdb</c> and <c>pg_ctl</c>, or null.</summary>
    public static string? PostgresBin
    {
        get
        {
            if (Hidden)
            {
                return null;
            }

            if (OnPath("initdb") is not null && OnPath("pg_ctl") is { } pgCtl)
            {
                var resolved = File.ResolveLinkTarget(pgCtl, returnFinalTarget: true)?.FullName ?? pgCtl;
                var directory = Path.GetDirectoryName(resolved)!;
                if (File.Exists(Path.Combine(directory, "initdb")))
                {
                    return directory;
                }
            }

            const string debian = "/usr/lib/postgresql";
            if (!Directory.Exists(debian))
            {
                return null;
            }

            return Directory.EnumerateDirectories(debian)
                .Select(d => (Directory: Path.Combine(d, "bin"), Version: double.TryParse(Path.GetFileName(d), NumberStyles.Float, CultureInfo.InvariantCulture, out var v) ? v : 0))
                .Where(d => File.Exists(Path.Combine(d.Directory, "pg_ctl")) && File.Exists(Path.Combine(d.Directory, "initdb")))
                .OrderByDescending(d => d.Version)
                .Select(d => d.Directory)
                .FirstOrDefault();
        }
    }

    private static string? OnPath(string name) =>
        (Environment.GetEnvironmentVariable("PATH") ?? "")
            .Split(Path.PathSeparator, StringSplitOptions.RemoveEmptyEntries)
            .Select(dir => Path.Combine(dir, name))
            .FirstOrDefault(File.Exists);
}
