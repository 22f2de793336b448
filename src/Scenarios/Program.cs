using Sim.Scenarios.Cli;

// Ctrl-C: the first press asks the running command to stop (it keeps what was done, prints
// "interrupted after n of N worlds" and exits 130); a second press ends the process at once.
using var interrupt = new CancellationTokenSource();
Console.CancelKeyPress += (_, e) =>
{
    if (interrupt.IsCancellationRequested) return;
    e.Cancel = true;
    interrupt.Cancel();
};
try
{
    return PairsimCli.Run(args, cancel: interrupt.Token);
}
finally
{
    // A progress bar hides the cursor; show it again whatever happened.
    if (!Console.IsOutputRedirected) Console.Out.Write("\u001b[?25h");
}
