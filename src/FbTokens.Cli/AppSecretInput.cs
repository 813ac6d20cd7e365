using System.Text;

namespace FbTokens.Cli;

/// <summary>
/// Reads the app secret for <c>--app-secret-stdin</c>: one line from standard input, without its line break. From a
/// terminal, the keys typed are not echoed; from a pipe (<c>printf %s "$SECRET" | fbtokens ...</c>) nothing is shown.
/// </summary>
internal static class AppSecretInput
{
    /// <summary>The longest line accepted; Facebook's app secrets are 32 characters, and a pipe could be endless.</summary>
    internal const int MaxLength = 1024;

    /// <summary>Reads the secret from <paramref name="input"/>, or the console when it is null.</summary>
    /// <param name="input">The standard input of a test; null reads the console.</param>
    /// <param name="prompt">Where the terminal prompt goes (stderr, so that stdout stays clean for <c>--json</c>).</param>
    /// <param name="cancellationToken">Ctrl+C: stops waiting for input.</param>
    /// <returns>The secret, never empty.</returns>
    /// <exception cref="CliUsageException">The input is empty or longer than <see cref="MaxLength"/>.</exception>
    public static async Task<string> ReadAsync(TextReader? input, TextWriter prompt, CancellationToken cancellationToken)
    {
        // A blocking read on a pipe or terminal cannot be cancelled; waiting on it lets Ctrl+C end the command anyway.
        var read = Task.Run(
            () => input is not null ? ReadLine(input) : Console.IsInputRedirected ? ReadLine(Console.In) : ReadFromTerminal(prompt),
            CancellationToken.None);
        var secret = await read.WaitAsync(cancellationToken).ConfigureAwait(false);
        if (secret.Length == 0)
        {
            throw new CliUsageException("--app-secret-stdin: standard input held no app secret; pipe it in, e.g. printf %s \"$SECRET\" | fbtokens ... --app-secret-stdin.");
        }

        return secret;
    }

    /// <summary>Reads up to the first line break or the end of input; a trailing <c>\r</c> and a leading BOM are dropped.</summary>
    /// <exception cref="CliUsageException">The line is longer than <see cref="MaxLength"/>.</exception>
    internal static string ReadLine(TextReader input)
    {
        var line = new StringBuilder();
        for (var c = input.Read(); c is not -1 and not '\n'; c = input.Read())
        {
            if (line.Length == MaxLength)
            {
                throw TooLong();
            }

            line.Append((char)c);
        }

        if (line.Length > 0 && line[^1] == '\r')
        {
            line.Length--;
        }

        if (line.Length > 0 && line[0] == '\uFEFF')
        {
            line.Remove(0, 1);
        }

        return line.ToString();
    }

    /// <summary>Reads keys until Enter without echoing them; Backspace deletes, Ctrl+D on an empty line ends.</summary>
    /// <exception cref="CliUsageException">The line is longer than <see cref="MaxLength"/>.</exception>
    internal static string ReadHidden(Func<ConsoleKeyInfo> readKey)
    {
        var line = new StringBuilder();
        while (true)
        {
            var key = readKey();
            if (key.Key == ConsoleKey.Enter || key.KeyChar is '\r' or '\n' || (key.KeyChar == '\u0004' && line.Length == 0))
            {
                return line.ToString();
            }

            if (key.Key == ConsoleKey.Backspace || key.KeyChar == '\b')
            {
                if (line.Length > 0)
                {
                    line.Length--;
                }

                continue;
            }

            // Arrows, function keys and other control keys have no character to keep.
            if (char.IsControl(key.KeyChar))
            {
                continue;
            }

            if (line.Length == MaxLength)
            {
                throw TooLong();
            }

            line.Append(key.KeyChar);
        }
    }

    private static string ReadFromTerminal(TextWriter prompt)
    {
        prompt.Write("App secret (not shown as you type): ");
        prompt.Flush();
        try
        {
            return ReadHidden(() => Console.ReadKey(intercept: true));
        }
        finally
        {
            prompt.WriteLine();
        }
    }

    private static CliUsageException TooLong() =>
        new(FormattableString.Invariant($"--app-secret-stdin: the first line of standard input is longer than {MaxLength} characters; that is not an app secret."));
}
