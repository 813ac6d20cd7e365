using System.Diagnostics;
using System.Globalization;

namespace FbTokens.Stores.Tests.Framework;

/// <summary>
/// The last line of defence for a server the tests started: a small detached shell that waits for this test process to
/// end and then runs a clean-up script, if the server's directory is still there. A normal run has already stopped the
/// server and deleted the directory (the assembly runner's end, or <see cref="AppDomain.ProcessExit"/>), so the watchdog
/// does nothing; after a crash or a kill (the test host killed by the runner, a hang dump, Ctrl+C twice) it stops the
/// server and deletes the directory within about a second.
/// </summary>
internal static class ServerWatchdog
{
    // Polls once a second: a background process watching another process, not a test waiting for time to pass.
    // "setsid -f" detaches it, so killing the test host's process tree does not take the watchdog along.
    private const string Loop = """
        exec </dev/null >/dev/null 2>&1
        parent=$1; directory=$2; shift 2
        while kill -0 "$parent" 2>/dev/null; do sleep 1; done
        [ -d "$directory" ] || exit 0
        sh -c "$@"
        rm -rf "$directory"
        """;

    /// <summary>
    /// After this process ends, while <paramref name="directory"/> still exists: runs <paramref name="cleanup"/> (a shell script
    /// that sees <paramref name="arguments"/> as $1, $2, …), then deletes the directory.
    /// </summary>
    public static void Guard(string directory, string cleanup, params string[] arguments)
    {
        var setsid = File.Exists("/usr/bin/setsid") ? "/usr/bin/setsid" : null;
        var start = new ProcessStartInfo(setsid ?? "/bin/sh")
        {
            RedirectStandardInput = true,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
            WorkingDirectory = "/",
        };
        if (setsid is not null)
        {
            start.ArgumentList.Add("-f");
            start.ArgumentList.Add("/bin/sh");
        }

        foreach (var argument in new[] { "-c", Loop, "fbtokens-test-watchdog", Environment.ProcessId.ToString(CultureInfo.InvariantCulture), directory, cleanup, "cleanup" }.Concat(arguments))
        {
            start.ArgumentList.Add(argument);
        }

        using var process = Process.Start(start) ?? throw new InvalidOperationException("The server watchdog did not start.");
        process.StandardInput.Close();

        // setsid -f returns at once (the shell runs on in its own session); without setsid this is the shell itself,
        // which lives until the test process ends, so do not wait for it.
        if (setsid is not null)
        {
            process.WaitForExit(TimeSpan.FromSeconds(10));
        }
    }
}
