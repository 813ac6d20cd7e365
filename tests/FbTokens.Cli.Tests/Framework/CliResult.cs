using System.Text.Json;

namespace FbTokens.Cli.Tests.Framework;

/// <summary>What one run of the tool produced.</summary>
public sealed record CliResult(int ExitCode, string Stdout, string Stderr)
{
    public string Output => Stdout + Stderr;

    /// <summary>The last non-empty stdout line as JSON (--json prints one object per line).</summary>
    public JsonElement Json()
    {
        var line = Stdout.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries).LastOrDefault()
            ?? throw new Xunit.Sdk.XunitException("No output. stderr: " + Stderr);
        using var document = JsonDocument.Parse(line);
        return document.RootElement.Clone();
    }

    public override string ToString() => $"exit {ExitCode}\nstdout:\n{Stdout}\nstderr:\n{Stderr}";
}
