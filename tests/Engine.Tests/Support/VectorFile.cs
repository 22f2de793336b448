using System.Text.Json;
using Sim.Engine.Crypto;
using Xunit.Abstractions;

namespace Sim.Engine.Tests.Support;

/// <summary>
/// Loads an IETF MLS interop vector file copied into tests/Engine.Tests/Vectors (see its SOURCE.md)
/// and reports, per file, how many cases passed. Every vector test goes through here so the test
/// output names each file and its count.
/// </summary>
public static class VectorFile
{
    public static string PathOf(string fileName) => Path.Combine(AppContext.BaseDirectory, "Vectors", fileName);

    public static JsonElement[] Load(string fileName)
    {
        using var doc = JsonDocument.Parse(File.ReadAllBytes(PathOf(fileName)));
        return doc.RootElement.EnumerateArray().Select(e => e.Clone()).ToArray();
    }

    /// <summary>
    /// Runs <paramref name="check"/> on every case (optionally only those <paramref name="include"/>
    /// accepts), prints "file: N/M cases passed" and fails with every failing case's index and reason.
    /// </summary>
    public static void RunAll(ITestOutputHelper output, string provider, string fileName, Action<JsonElement, int> check,
        Func<JsonElement, bool>? include = null)
    {
        // Every vector runs once per crypto provider (CipherSuite.Get answers with the provider's suites in this scope).
        using var scope = CryptoProvider.Use(CryptoProvider.Parse(provider));
        var cases = Load(fileName);
        int passed = 0, run = 0;
        var failures = new List<string>();
        for (int i = 0; i < cases.Length; i++)
        {
            if (include is not null && !include(cases[i])) continue;
            run++;
            try { check(cases[i], i); passed++; }
            catch (Exception e) { failures.Add($"case {i}{Suite(cases[i])}: {e.GetType().Name}: {e.Message}"); }
        }
        var line = $"VECTORS {fileName} [{provider}]: {passed}/{run} cases passed";
        output.WriteLine(line);
        Console.WriteLine(line);
        Assert.True(run > 0, $"{fileName}: no case ran");
        Assert.True(failures.Count == 0, $"{fileName}: {failures.Count} of {run} failed:\n" + string.Join("\n", failures.Take(20)));
    }

    private static string Suite(JsonElement c) =>
        c.ValueKind == JsonValueKind.Object && c.TryGetProperty("cipher_suite", out var s) ? $" (suite {s.GetUInt16()})" : "";

    public static byte[] Hex(this JsonElement e, string property) => Convert.FromHexString(e.GetProperty(property).GetString()!);
    public static byte[]? HexOrNull(this JsonElement e, string property) =>
        e.TryGetProperty(property, out var p) && p.ValueKind == JsonValueKind.String ? Convert.FromHexString(p.GetString()!) : null;
    public static string Str(this JsonElement e, string property) => e.GetProperty(property).GetString()!;
    public static uint U32(this JsonElement e, string property) => e.GetProperty(property).GetUInt32();
    public static ulong U64(this JsonElement e, string property) => e.GetProperty(property).GetUInt64();
}
