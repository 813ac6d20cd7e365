using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Sockets;
using System.Text;

namespace FbTokens.Stores.Tests.Framework;

/// <summary>
/// A redis-server process of the tests' own, on a free loopback port, in a temporary directory. Durable (an append-only
/// file synced on every write, so a killed server comes back with its data) for a test that stops and restarts it; not
/// durable for the shared server the store tests use. Stopped and its directory deleted on dispose; after a crash of the
/// test process, by a <see cref="ServerWatchdog"/> (the pid file says what to kill).
/// </summary>
internal sealed class ThrowawayRedis : IAsyncDisposable
{
    // A server start needs real time; bounded, with a clear failure.
    private static readonly TimeSpan StartTimeout = TimeSpan.FromSeconds(30);
    private readonly string _binary;
    private readonly bool _durable;
    private readonly string _directory;
    private Process? _process;

    private ThrowawayRedis(string binary, bool durable)
    {
        _binary = binary;
        _durable = durable;
        _directory = Directory.CreateTempSubdirectory("fbtokens-redis-").FullName;
        ServerWatchdog.Guard(_directory, """[ -f "$1" ] && kill -9 "$(cat "$1")" 2>/dev/null""", PidFile);
    }

    public int Port { get; private set; }

    public string Configuration => string.Create(CultureInfo.InvariantCulture, $"127.0.0.1:{Port}");

    private string PidFile => Path.Combine(_directory, "redis.pid");

    public static async Task<ThrowawayRedis> StartAsync(string binary, bool durable = true)
    {
        var redis = new ThrowawayRedis(binary, durable);
        try
        {
            // A free port can be taken by someone else before the server binds it: try another one.
            for (var attempt = 1; ; attempt++)
            {
                redis.Port = FreePort();
                try
                {
                    await redis.StartAsync();
                    return redis;
                }
                catch (InvalidOperationException) when (attempt < 3)
                {
                    await redis.KillAsync();
                }
            }
        }
        catch
        {
            await redis.DisposeAsync();
            throw;
        }
    }

    /// <summary>Starts (or restarts, on the same port and data) the server and waits until it answers PING.</summary>
    public async Task StartAsync()
    {
        var start = new ProcessStartInfo(_binary)
        {
            RedirectStandardInput = true,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
            WorkingDirectory = _directory,
        };
        foreach (var argument in new[]
        {
            "--port", Port.ToString(CultureInfo.InvariantCulture), "--bind", "127.0.0.1", "--save", "",
            "--appendonly", _durable ? "yes" : "no", "--appendfsync", "always", "--dir", _directory, "--pidfile", PidFile,
            "--daemonize", "no", "--protected-mode", "yes",
        })
        {
            start.ArgumentList.Add(argument);
        }

        var log = new StringBuilder();
        _process = Process.Start(start) ?? throw new InvalidOperationException("redis-server did not start.");
        _process.StandardInput.Close();
        _process.OutputDataReceived += (_, e) => Append(log, e.Data);
        _process.ErrorDataReceived += (_, e) => Append(log, e.Data);
        _process.BeginOutputReadLine();
        _process.BeginErrorReadLine();

        var watch = Stopwatch.StartNew();
        while (!await PingsAsync())
        {
            if (watch.Elapsed > StartTimeout || _process.HasExited)
            {
                string printed;
                lock (log)
                {
                    printed = log.ToString();
                }

                throw new InvalidOperationException($"redis-server on port {Port} did not answer PING within {StartTimeout.TotalSeconds:F0} s. It printed:\n{printed}");
            }

            await Task.Delay(50);
        }

        if (_process.HasExited)
        {
            throw new InvalidOperationException($"redis-server exited at once (port {Port} taken?); something else answered PING there.");
        }
    }

    /// <summary>Kills the server outright (SIGKILL), as a crash or a lost host would.</summary>
    public async Task KillAsync()
    {
        if (_process is { HasExited: false } process)
        {
            process.Kill(entireProcessTree: true);
            await process.WaitForExitAsync();
        }

        _process?.Dispose();
        _process = null;
    }

    /// <summary>Kills the server and deletes its directory; safe to call more than once, and from a process-exit handler.</summary>
    public void Stop()
    {
        if (_process is { HasExited: false } process)
        {
            process.Kill(entireProcessTree: true);
            process.WaitForExit(TimeSpan.FromSeconds(10));
        }

        _process?.Dispose();
        _process = null;
        if (Directory.Exists(_directory))
        {
            Directory.Delete(_directory, recursive: true);
        }
    }

    public async ValueTask DisposeAsync()
    {
        await KillAsync();
        Stop();
    }

    private static void Append(StringBuilder log, string? line)
    {
        if (line is not null)
        {
            lock (log)
            {
                log.AppendLine(line);
            }
        }
    }

    private async Task<bool> PingsAsync()
    {
        try
        {
            using var client = new TcpClient();
            await client.ConnectAsync(IPAddress.Loopback, Port);
            var stream = client.GetStream();
            await stream.WriteAsync("PING\r\n"u8.ToArray());
            var buffer = new byte[64];
            var read = await stream.ReadAsync(buffer);
            return Encoding.ASCII.GetString(buffer, 0, read).StartsWith("+PONG", StringComparison.Ordinal);
        }
        catch (SocketException)
        {
            return false;
        }
        catch (IOException)
        {
            return false;
        }
    }

    internal static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }
}
