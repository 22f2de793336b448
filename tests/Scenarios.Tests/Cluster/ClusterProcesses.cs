using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using System.Text.RegularExpressions;

namespace Sim.Scenarios.Tests.Cluster;

/// <summary>
/// Real `pairsim node` processes on 127.0.0.1 (the built pairsim.dll under `dotnet`), for the
/// cluster tests. Ports are chosen at run time; every process started here is killed (with its
/// process tree) on <see cref="Dispose"/>, whatever the test did.
/// </summary>
internal sealed partial class ClusterProcesses : IDisposable
{
    private readonly List<Process> _started = [];

    public sealed record Node(Process Process, string Address)
    {
        public int Pid => Process.Id;
    }

    /// <summary>A TCP port that was free a moment ago.</summary>
    public static int FreePort()
    {
        var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        try { return ((IPEndPoint)listener.LocalEndpoint).Port; }
        finally { listener.Stop(); }
    }

    /// <summary>Starts `pairsim node` with <paramref name="args"/> and waits for its "up" line (its address).</summary>
    public Node Start(params string[] args)
    {
        var start = new ProcessStartInfo("dotnet") { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        start.ArgumentList.Add(PairsimDll());
        start.ArgumentList.Add("node");
        foreach (var a in args) start.ArgumentList.Add(a);
        start.Environment["DOTNET_CLI_TELEMETRY_OPTOUT"] = "1";
        var process = Process.Start(start) ?? throw new InvalidOperationException("dotnet did not start");
        lock (_started) _started.Add(process);
        var up = new TaskCompletionSource<string>(TaskCreationOptions.RunContinuationsAsynchronously);
        var log = new System.Text.StringBuilder();
        process.OutputDataReceived += (_, e) =>
        {
            if (e.Data is null) { up.TrySetException(new InvalidOperationException($"node exited before it was up:\n{log}")); return; }
            lock (log) log.AppendLine(e.Data);
            if (UpLine().Match(e.Data) is { Success: true } m) up.TrySetResult(m.Groups[1].Value);
        };
        process.ErrorDataReceived += (_, e) => { if (e.Data is not null) lock (log) log.AppendLine(e.Data); };
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        if (!up.Task.Wait(TimeSpan.FromSeconds(60))) throw new TimeoutException($"node not up after 60 s:\n{log}");
        return new Node(process, up.Task.Result);
    }

    /// <summary>Kills a node by its process id (as the operating system would when a machine dies).</summary>
    public static void Kill(Node node)
    {
        ArgumentNullException.ThrowIfNull(node);
        using var byId = Process.GetProcessById(node.Pid);
        byId.Kill(entireProcessTree: true);
        byId.WaitForExit(10_000);
    }

    public void Dispose()
    {
        lock (_started)
        {
            foreach (var p in _started)
            {
                try { if (!p.HasExited) { p.Kill(entireProcessTree: true); p.WaitForExit(10_000); } }
                catch (InvalidOperationException) { } // already gone
                p.Dispose();
            }
            _started.Clear();
        }
    }

    /// <summary>The pairsim.dll of this build (next to the tests when its runtimeconfig was copied, else the CLI project's output).</summary>
    private static string PairsimDll()
    {
        var here = Path.Combine(AppContext.BaseDirectory, "pairsim.dll");
        if (File.Exists(Path.ChangeExtension(here, ".runtimeconfig.json"))) return here;
        var config = AppContext.BaseDirectory.Contains($"{Path.DirectorySeparatorChar}Debug{Path.DirectorySeparatorChar}", StringComparison.Ordinal) ? "Debug" : "Release";
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
            if (File.Exists(Path.Combine(dir.FullName, "Sim.sln")))
                return Path.Combine(dir.FullName, "src", "Scenarios", "bin", config, "net10.0", "pairsim.dll");
        throw new FileNotFoundException("no pairsim.dll: build src/Scenarios first");
    }

    [GeneratedRegex(@"^node (\S+) up:")]
    private static partial Regex UpLine();
}
