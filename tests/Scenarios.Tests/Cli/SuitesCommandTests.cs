using Sim.Scenarios.Cli;

namespace Sim.Scenarios.Tests.Cli;

public sealed class SuitesCommandTests
{
    [Fact]
    public void SuitesChecksEverySuiteAndWritesTheReport()
    {
        var path = Path.Combine(Path.GetTempPath(), $"suites-{Guid.NewGuid():N}.md");
        try
        {
            int exit = CliRun.Invoke("suites", "--iterations", "2", "--out", path).Exit;
            Assert.Equal(0, exit);
            var rows = File.ReadAllLines(path).Where(l => l.StartsWith("| 0x", StringComparison.Ordinal)).ToList();
            Assert.Equal(7, rows.Count);
            Assert.All(rows, r => Assert.EndsWith("| ok |", r));
        }
        finally { File.Delete(path); }
    }

    [Fact]
    public void UnknownCommandIsAUsageError() =>
        Assert.Equal(ExitCodes.Usage, CliRun.Invoke("no-such-command").Exit);
}
