using System.Text.Json.Nodes;
using System.Xml.Linq;
using Parquet;
using Parquet.Schema;
using Sim.Scenarios.Cli;
using Sim.Scenarios.Reports;

namespace Sim.Scenarios.Tests.Cli;

/// <summary>check keeps its cases in results/check/&lt;time&gt;/ (JSON Lines and Parquet, one row per case), writes JUnit, and shows plain progress in a log.</summary>
public sealed class ResultsFolderTests
{
    [Fact]
    public async Task CheckAppendsOneRowPerCaseAsJsonLinesAndParquet()
    {
        var root = Path.Combine(Path.GetTempPath(), $"pairsim-res-{Guid.NewGuid():N}");
        var (exit, _, error) = CliRun.Invoke("check", "--seed", "4", "--cases", "3", "--property", "Parity", "--property", "Integrity", "--results", root);
        Assert.Equal(0, exit);
        var latest = Path.Combine(root, "latest");
        Assert.NotNull(new DirectoryInfo(latest).LinkTarget);
        Assert.StartsWith("check/", new DirectoryInfo(latest).LinkTarget, StringComparison.Ordinal);
        var lines = File.ReadAllLines(Path.Combine(latest, "cases.jsonl"));
        Assert.Equal(6, lines.Length);
        var rows = lines.Select(l => JsonNode.Parse(l)!.AsObject()).ToList();
        Assert.All(rows, r => Assert.Equal("held", (string)r["status"]!));
        Assert.All(rows, r => Assert.Contains("--expect-hash " + (string)r["trace_hash"]!, (string)r["replay"]!, StringComparison.Ordinal));

        await using var stream = File.OpenRead(Path.Combine(latest, "cases.parquet"));
        await using var reader = await ParquetReader.CreateAsync(stream);
        var fields = reader.Schema.GetDataFields();
        Assert.Contains(fields, f => f.Name == "scenario");
        long total = 0;
        for (int g = 0; g < reader.RowGroupCount; g++)
        {
            using var group = reader.OpenRowGroupReader(g);
            total += group.RowCount;
            var scenarios = new string?[group.RowCount];
            await group.ReadAsync(fields.Single(f => f.Name == "scenario"), scenarios.AsMemory());
            Assert.All(scenarios, s => Assert.StartsWith("seed=", s, StringComparison.Ordinal));
        }
        Assert.Equal(6, total);
        // A log gets plain progress lines (n of N, failures, elapsed), at most one per 10%.
        Assert.Contains("check: 6 of 6 worlds (100%), 0 failures", error, StringComparison.Ordinal);
    }

    [Fact]
    public void JUnitHasOneCasePerPropertyAndAFailureHoldsTheScenarioAndReplay()
    {
        var path = Path.Combine(Path.GetTempPath(), $"junit-{Guid.NewGuid():N}", "check.xml");
        var (exit, _, _) = CliRun.Invoke("check", "--scenario", "rollback", "--property", "Convergence", "--property", "Parity", "--shrink-budget", "10", "--junit", path);
        Assert.Equal(ExitCodes.Violation, exit);
        var doc = XDocument.Load(path);
        var cases = doc.Descendants("testcase").ToList();
        Assert.Equal(2, cases.Count);
        var failure = Assert.Single(doc.Descendants("failure"));
        Assert.StartsWith("Convergence", (string)failure.Parent!.Attribute("name")!, StringComparison.Ordinal);
        var message = (string)failure.Attribute("message")!;
        Assert.Contains("scenario: seed=", message, StringComparison.Ordinal);
        Assert.Contains("replay: pairsim replay --scenario \"seed=", message, StringComparison.Ordinal);
        Assert.Contains("--expect-hash ", message, StringComparison.Ordinal);
        Assert.Equal("1", (string)doc.Root!.Attribute("failures")!);
    }

    [Fact]
    public void ARowFileRefusesAValueOfTheWrongKind()
    {
        var dir = Directory.CreateTempSubdirectory("pairsim-rows-").FullName;
        using var rows = RowFile.Create(dir, "t", [RowColumn.Integer("n"), RowColumn.Text("s")]);
        rows.Append(1, "a");
        Assert.Throws<ArgumentException>(() => rows.Append("one", "a"));
        Assert.Throws<ArgumentException>(() => rows.Append(1));
        Assert.Equal(1, rows.Count);
    }

    [Fact]
    public void ProgressPrintsAPlainLineAtEveryTenPercent()
    {
        var log = new StringWriter();
        var sink = new ProgressSink("sweep", 20, null, log);
        for (int i = 0; i < 20; i++) sink.Advance(failed: i == 3);
        var lines = log.ToString().Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.Equal(10, lines.Length);
        Assert.StartsWith("sweep: 2 of 20 worlds (10%), 0 failures", lines[0], StringComparison.Ordinal);
        Assert.StartsWith("sweep: 20 of 20 worlds (100%), 1 failure,", lines[^1], StringComparison.Ordinal);
    }
}
