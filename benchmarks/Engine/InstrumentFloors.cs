using System.Text.Json;

namespace Sim.Benchmarks.Engine;

/// <summary>
/// The floors of the independent instrument (../shared/instruments/cryptofloor, its <c>--json</c>
/// output: ns per operation and its derived PairMLS floors, BouncyCastle with parsed keys kept) for the
/// four pair-floor scenarios, suite 1:
/// <list type="bullet">
/// <item>steady = floor_pairmls_steady_send_recv + floor_pairmls_commit (every datagram commits);</item>
/// <item>burst10 = steady_send_recv + commit / 10 (the instrument's README: one commit per k datagrams);</item>
/// <item>burst10-rest = steady_send_recv;</item>
/// <item>mls-app = one Ed25519 sign + one verify (100 B rows) + 2 AEAD seals + 2 opens (cheapest re-keying AES-128-GCM
/// row at 100 B) + 10 HKDF-Expand (cheaper of BC and .NET): the operations pair-floor counts for a bare application message.</item>
/// </list>
/// </summary>
internal sealed class InstrumentFloors
{
    public const double Goal = 1.25;
    private readonly Dictionary<string, double> _rowsNs;

    private InstrumentFloors(Dictionary<string, double> rowsNs) => _rowsNs = rowsNs;

    public static InstrumentFloors Load(string path)
    {
        using var doc = JsonDocument.Parse(File.ReadAllBytes(path));
        var rows = new Dictionary<string, double>();
        foreach (var p in doc.RootElement.EnumerateObject())
            if (p.Value.ValueKind == JsonValueKind.Number) rows[p.Name] = p.Value.GetDouble();
        var floors = new InstrumentFloors(rows);
        _ = floors.FloorUs("steady"); // every row it needs is there (KeyNotFoundException names the missing one)
        _ = floors.FloorUs("mls-app");
        return floors;
    }

    private double Row(string name) => _rowsNs.TryGetValue(name, out var v) ? v : throw new KeyNotFoundException($"instrument output has no row {name}");

    private double Cheapest(params string[] names) => names.Where(_rowsNs.ContainsKey).Select(Row).DefaultIfEmpty(double.NaN).Min() is var m && double.IsNaN(m)
        ? throw new KeyNotFoundException($"instrument output has none of {string.Join(", ", names)}") : m;

    /// <summary>The instrument's floor for a pair-floor scenario, in µs.</summary>
    public double FloorUs(string scenario)
    {
        double sendRecv = Row("floor_pairmls_steady_send_recv_ns"), commit = Row("floor_pairmls_commit_ns");
        double ns = scenario switch
        {
            "steady" => sendRecv + commit,
            "burst10" => sendRecv + commit / 10,
            "burst10-rest" => sendRecv,
            "mls-app" => Row("ed25519_sign_100B_bc") + Row("ed25519_verify_100B_bc")
                + 2 * Cheapest("aes128gcm_seal_100B_bc_aesengine", "aes128gcm_seal_100B_bc_aesx86", "aes128gcm_seal_100B_net_new_instance")
                + 2 * Cheapest("aes128gcm_open_100B_bc_aesengine", "aes128gcm_open_100B_bc_aesx86", "aes128gcm_open_100B_net_new_instance")
                + 10 * Cheapest("hkdf_sha256_expand32_bc", "hkdf_sha256_expand32_net"),
            _ => throw new ArgumentException($"no instrument floor for scenario {scenario}"),
        };
        return ns / 1000;
    }

    /// <summary>Prints measured / instrument floor per scenario against the goal.</summary>
    public void Compare(IReadOnlyList<(string Scenario, double MeasuredUs)> measured)
    {
        Console.WriteLine();
        Console.WriteLine($"against the independent instrument (cryptofloor, BouncyCastle, parsed keys kept), goal ratio <= {Goal:F2}:");
        Console.WriteLine($"{"scenario",-14} {"µs/datagram",12} {"instrument floor µs",20} {"ratio",6}");
        foreach (var (scenario, us) in measured)
        {
            double floor = FloorUs(scenario);
            double ratio = us / floor;
            Console.WriteLine($"{scenario,-14} {us,12:F0} {floor,20:F0} {ratio,6:F2}  {(ratio <= Goal ? "within goal" : "OVER goal")}");
        }
    }
}
