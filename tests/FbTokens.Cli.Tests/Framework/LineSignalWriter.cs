using System.Text;

namespace FbTokens.Cli.Tests.Framework;

/// <summary>A writer that lets a test await the first line matching a predicate (for the long-running emulator command).</summary>
public sealed class LineSignalWriter(Func<string, bool> match) : TextWriter
{
    private readonly StringBuilder _text = new();
    private readonly StringBuilder _line = new();
    private readonly TaskCompletionSource<string> _matched = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly Lock _gate = new();

    public override Encoding Encoding => Encoding.UTF8;

    public Task<string> Matched => _matched.Task;

    public override void Write(char value)
    {
        lock (_gate)
        {
            _text.Append(value);
            if (value != '\n')
            {
                _line.Append(value);
                return;
            }

            var line = _line.ToString().TrimEnd('\r');
            _line.Clear();
            if (match(line))
            {
                _matched.TrySetResult(line);
            }
        }
    }

    public override string ToString()
    {
        lock (_gate)
        {
            return _text.ToString();
        }
    }
}
