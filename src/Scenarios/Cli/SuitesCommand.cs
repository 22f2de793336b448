using System.CommandLine;
using System.Diagnostics;
using System.Text;
using Sim.Engine.Crypto;
using Spectre.Console;

namespace Sim.Scenarios.Cli;

/// <summary>
/// `pairsim suites`: exercises every RFC 9420 cipher suite end to end (key derivation, HPKE seal and
/// open, sign and verify, AEAD) from a seed and prints a table; with --out FILE it also writes the table
/// as markdown there (nothing is written unless asked).
/// </summary>
public static class SuitesCommand
{
    public static Command Build()
    {
        var seed = new Option<ulong>("--seed") { Description = "Seed for every key generated", DefaultValueFactory = _ => 1 };
        var iterations = new Option<int>("--iterations") { Description = "Operations per measurement", DefaultValueFactory = _ => 200 }.AtLeast(1);
        var output = new Option<string?>("--out") { Description = "Also write the table as markdown to FILE", HelpName = "FILE" };
        var command = new Command("suites", "Check and time every cipher suite (0x0001-0x0007) and print a table (--out FILE: as markdown too).")
        {
            seed, iterations, output,
        };
        command.SetAction(parse =>
        {
            var path = parse.GetValue(output);
            if (path is not null) OutputCheck.File(path, "--out");
            return Run(CliIo.For(parse, json: false), parse.GetValue(seed), parse.GetValue(iterations), path);
        });
        return command;
    }

    private static int Run(CliIo io, ulong seed, int iterations, string? outputPath)
    {
        io.Output.WriteLine($"suites: seed {seed}, {iterations} iterations per measurement");
        var table = new Table().AddColumns("suite", "name", "HPKE seal+open µs", "sign+verify µs", "AEAD 100 B µs", "check");
        var md = new StringBuilder("# Cipher suites\n\n")
            .AppendLine($"`pairsim suites --seed {seed} --iterations {iterations}`\n")
            .AppendLine("| suite | name | HPKE seal+open µs | sign+verify µs | AEAD 100 B seal+open µs | check |")
            .AppendLine("|---|---|---:|---:|---:|---|");
        bool allOk = true;
        foreach (var suite in CipherSuite.All)
        {
            var random = new DeterministicRandomSource(seed, suite.Name);
            var kem = suite.GenerateKemKeyPair(random);
            var sig = suite.Signature.GenerateKeyPair(random);
            var payload = random.NextBytes(100);
            bool ok = true;

            double hpke = Time(iterations, () =>
            {
                var (enc, ct) = suite.EncryptWithLabel(kem.PublicKey, "check", payload, payload, random);
                ok &= suite.DecryptWithLabel(kem.PrivateKey, "check", payload, enc, ct).AsSpan().SequenceEqual(payload);
            });
            double sign = Time(iterations, () =>
            {
                var s = suite.SignWithLabel(sig.PrivateKey, "check", payload);
                ok &= suite.VerifyWithLabel(sig.PublicKey, "check", payload, s);
            });
            var key = random.NextBytes(suite.AeadLengths.KeyLength);
            var nonce = random.NextBytes(suite.AeadLengths.NonceLength);
            double aead = Time(iterations, () =>
            {
                var ct = suite.AeadSeal(key, nonce, default, payload);
                ok &= suite.AeadOpen(key, nonce, default, ct).AsSpan().SequenceEqual(payload);
            });
            allOk &= ok;
            string verdict = ok ? "ok" : "FAILED";
            table.AddRow($"0x{suite.Id:x4}", suite.Name, $"{hpke:F1}", $"{sign:F1}", $"{aead:F2}", ok ? "[green]ok[/]" : "[red]FAILED[/]");
            md.AppendLine($"| 0x{suite.Id:x4} | {suite.Name} | {hpke:F1} | {sign:F1} | {aead:F2} | {verdict} |");
        }
        io.Console.Write(table);
        if (outputPath is not null)
        {
            File.WriteAllText(outputPath, md.ToString());
            io.Output.WriteLine($"table written to {outputPath}");
        }
        return allOk ? ExitCodes.Held : ExitCodes.Violation;
    }

    private static double Time(int iterations, Action action)
    {
        for (int i = 0; i < Math.Max(20, iterations / 2); i++) action(); // warm-up past tiered JIT
        var sw = Stopwatch.StartNew();
        for (int i = 0; i < iterations; i++) action();
        return sw.Elapsed.TotalMicroseconds / iterations;
    }
}
