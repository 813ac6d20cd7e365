using System.Diagnostics;
using System.Text;

namespace FbTokens.Stores.Tests.Framework;

/// <summary>Runs a short command (initdb, pg_ctl, id, chown) to completion within a bound, capturing what it printed.</summary>
internal static class ExternalProcess
{
    public sealed record Result(int ExitCode, string Output);

    /// <summary>
    /// Runs <paramref name="arguments"/>[0] with the rest as its arguments. A real external process needs real time: the wait
    /// is bounded by <paramref name="timeout"/>, after which the process is killed and the call fails with what it printed.
    /// </summary>
    public static Result Run(IReadOnlyList<string> arguments, TimeSpan timeout, string? workingDirectory = null)
    {
        var start = new ProcessStartInfo(arguments[0])
        {
            RedirectStandardInput = true,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
            WorkingDirectory = workingDirectory ?? Path.GetTempPath(),
        };
        foreach (var argument in arguments.Skip(1))
        {
            start.ArgumentList.Add(argument);
        }

        var output = new StringBuilder();
        using var process = new Process { StartInfo = start };
        process.OutputDataReceived += (_, e) => Append(output, e.Data);
        process.ErrorDataReceived += (_, e) => Append(output, e.Data);
        try
        {
            process.Start();
        }
        catch (System.ComponentModel.Win32Exception ex)
        {
            return new Result(127, $"{arguments[0]} could not be started: {ex.Message}");
        }

        process.StandardInput.Close();
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        if (!process.WaitForExit(timeout))
        {
            process.Kill(entireProcessTree: true);
            process.WaitForExit();
            throw new InvalidOperationException(
                $"'{string.Join(' ', arguments)}' did not finish within {timeout.TotalSeconds:F0} s and was killed. It printed:\n{Text(output)}");
        }

        process.WaitForExit(); // drains the redirected output
        return new Result(process.ExitCode, Text(output));
    }

    /// <summary>Runs the command and fails, with its output, unless it exits with 0.</summary>
    public static string RunChecked(IReadOnlyList<string> arguments, TimeSpan timeout, string? workingDirectory = null)
    {
        var result = Run(arguments, timeout, workingDirectory);
        if (result.ExitCode != 0)
        {
            throw new InvalidOperationException($"'{string.Join(' ', arguments)}' exited with {result.ExitCode}:\n{result.Output}");
        }

        return result.Output;
    }

    private static void Append(StringBuilder output, string? line)
    {
        if (line is null)
        {
            return;
        }

        lock (output)
        {
            output.AppendLine(line);
        }
    }

    private static string Text(StringBuilder output)
    {
        lock (output)
        {
            return output.ToString();
        }
    }
}
