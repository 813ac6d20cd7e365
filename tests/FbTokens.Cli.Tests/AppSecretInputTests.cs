namespace FbTokens.Cli.Tests;

/// <summary>The line reader of <c>--app-secret-stdin</c>: from a pipe, and key by key from a terminal without echo.</summary>
public sealed class AppSecretInputTests
{
    private static Func<ConsoleKeyInfo> Keys(params ConsoleKeyInfo[] keys)
    {
        var queue = new Queue<ConsoleKeyInfo>(keys);
        return () => queue.Dequeue();
    }

    private static ConsoleKeyInfo Key(char c) => new(c, ConsoleKey.A, shift: false, alt: false, control: false);

    private static ConsoleKeyInfo Key(ConsoleKey key, char c = '\0') => new(c, key, shift: false, alt: false, control: false);

    private static ConsoleKeyInfo[] Typed(string text) => text.Select(Key).ToArray();

    [Theory]
    [InlineData("s3cret", "s3cret")]
    [InlineData("s3cret\n", "s3cret")]
    [InlineData("s3cret\r\n", "s3cret")]
    [InlineData("s3cret\nnext line", "s3cret")]
    [InlineData("\uFEFFs3cret\n", "s3cret")]
    [InlineData(" s3 cret \n", " s3 cret ")]
    [InlineData("", "")]
    [InlineData("\n", "")]
    public void A_line_from_a_pipe_loses_only_its_line_break(string input, string expected)
    {
        Assert.Equal(expected, AppSecretInput.ReadLine(new StringReader(input)));
    }

    [Fact]
    public void A_line_from_a_pipe_is_read_up_to_the_limit_and_no_further()
    {
        var atLimit = new string('x', AppSecretInput.MaxLength);
        var reader = new StringReader(new string('x', 10 * AppSecretInput.MaxLength));

        Assert.Equal(atLimit, AppSecretInput.ReadLine(new StringReader(atLimit + "\n")));
        var error = Assert.Throws<CliUsageException>(() => AppSecretInput.ReadLine(reader));
        Assert.DoesNotContain("xxxx", error.Message, StringComparison.Ordinal);
        Assert.Equal(9 * AppSecretInput.MaxLength - 1, reader.ReadToEnd().Length);
    }

    [Fact]
    public void Typed_keys_end_at_enter_with_backspace_and_control_keys_applied()
    {
        var keys = Typed("s3cx").Append(Key(ConsoleKey.Backspace, '\b')).Concat(Typed("ret"))
            .Append(Key(ConsoleKey.LeftArrow)).Append(Key(ConsoleKey.Enter, '\r')).Concat(Typed("after")).ToArray();

        Assert.Equal("s3cret", AppSecretInput.ReadHidden(Keys(keys)));
    }

    [Fact]
    public void Backspace_on_an_empty_line_and_ctrl_d_on_an_empty_line()
    {
        Assert.Equal("a", AppSecretInput.ReadHidden(Keys(Key(ConsoleKey.Backspace, '\b'), Key('a'), Key(ConsoleKey.Enter, '\r'))));
        Assert.Equal(string.Empty, AppSecretInput.ReadHidden(Keys(Key(ConsoleKey.D, '\u0004'))));
    }

    [Fact]
    public void Typing_past_the_limit_is_refused()
    {
        var keys = Typed(new string('k', AppSecretInput.MaxLength + 1));

        Assert.Throws<CliUsageException>(() => AppSecretInput.ReadHidden(Keys(keys)));
    }

    [Fact]
    public async Task Ctrl_c_stops_waiting_for_input_that_never_comes()
    {
        using var stdin = new BlockingReader();
        using var ctrlC = new CancellationTokenSource();

        var reading = AppSecretInput.ReadAsync(stdin, TextWriter.Null, ctrlC.Token);
        Assert.False(reading.IsCompleted);
        await ctrlC.CancelAsync();

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => reading);
    }

    /// <summary>Standard input that delivers nothing until disposed, like a terminal nobody types in.</summary>
    private sealed class BlockingReader : TextReader
    {
        private readonly TaskCompletionSource _released = new(TaskCreationOptions.RunContinuationsAsynchronously);

        public override int Read()
        {
            _released.Task.GetAwaiter().GetResult();
            return -1;
        }

        protected override void Dispose(bool disposing)
        {
            _released.TrySetResult();
            base.Dispose(disposing);
        }
    }
}
