using System.Runtime.InteropServices;
using FbTokens.Cli;

using var cancellation = new CancellationTokenSource();
Console.CancelKeyPress += (_, e) =>
{
    // The first Ctrl+C stops the command gracefully; a second one ends the process.
    e.Cancel = !cancellation.IsCancellationRequested;
    cancellation.Cancel();
};

// SIGTERM (docker stop, systemd, timeout) stops the command as gracefully as Ctrl+C does.
using var sigterm = PosixSignalRegistration.Create(PosixSignal.SIGTERM, context =>
{
    context.Cancel = true;
    cancellation.Cancel();
});

return await CliApp.RunAsync(args, Console.Out, Console.Error, CliHost.Default, cancellation.Token).ConfigureAwait(false);
