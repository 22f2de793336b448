using System.Globalization;
using Sim.Simulator;
using Sim.Simulator.Agents;
using Sim.Simulator.Network;

namespace Sim.Scenarios.Generators;

/// <summary>
/// The one-line text of a <see cref="Scenario"/>: tokens separated by spaces, settings first, then the
/// script's ops in order. Only what differs from the defaults is written, doubles in round-trip form,
/// so <c>Parse(Format(s)) == s</c> exactly.
/// <code>
/// seed=42 r=2 suite=1 settle=500 capture=alice@1200
///   ab=drop:0.1,dup:0.2,copies:2 ba=none win=0..500:both:delay:20,mean:80 part=200..900 part=1200..1500:ba
///   send(bob,32) wait(100) edit(alice,32) rollover(bob,32) offline(alice,300) crash(bob,200) restore(alice,-1)
/// </code>
/// Link faults (ab: alice to bob, ba: bob to alice, win: a time window) are comma-separated key:value
/// pairs: drop, dup, copies, delay (min ms), mean (ms), reorder, extra (ms), corrupt, bits, replay,
/// inject; "none" when all are defaults. settle is the quiet time (ms) after the script before the faults
/// stop (written only when it is not the world's default). Directions: both, ab, ba. Times are virtual milliseconds.
/// </summary>
public static class ScenarioText
{
    private static readonly CultureInfo Inv = CultureInfo.InvariantCulture;

    public static string Format(Scenario s)
    {
        ArgumentNullException.ThrowIfNull(s);
        var parts = new List<string> { $"seed={I(s.Seed)}", $"r={I(s.RetentionWindow)}", $"suite={I(s.Suite)}" };
        if (s.SettleMs != Scenario.DefaultSettleMs) parts.Add($"settle={I(s.SettleMs)}");
        if (s.Capture is { } c) parts.Add($"capture={c.Party.Name()}@{I(c.AtMs)}");
        if (s.Faults.AliceToBob != LinkFaults.None) parts.Add("ab=" + Faults(s.Faults.AliceToBob));
        if (s.Faults.BobToAlice != LinkFaults.None) parts.Add("ba=" + Faults(s.Faults.BobToAlice));
        foreach (var w in s.Faults.Windows) parts.Add($"win={I(w.FromMs)}..{I(w.ToMs)}:{Direction(w.Direction)}:{Faults(w.Faults)}");
        foreach (var p in s.Faults.Partitions)
            parts.Add($"part={I(p.StartMs)}..{I(p.HealMs)}" + (p.Direction == LinkDirection.Both ? "" : ":" + Direction(p.Direction)));
        parts.AddRange(s.Script.Select(o => o.Describe()));
        return string.Join(" ", parts);
    }

    public static string Faults(LinkFaults f)
    {
        var d = LinkFaults.None;
        var kv = new List<string>();
        if (f.DropProbability != d.DropProbability) kv.Add("drop:" + D(f.DropProbability));
        if (f.DuplicateProbability != d.DuplicateProbability) kv.Add("dup:" + D(f.DuplicateProbability));
        if (f.DuplicateCopies != d.DuplicateCopies) kv.Add("copies:" + I(f.DuplicateCopies));
        if (f.DelayMinMs != d.DelayMinMs) kv.Add("delay:" + I(f.DelayMinMs));
        if (f.DelayMeanMs != d.DelayMeanMs) kv.Add("mean:" + D(f.DelayMeanMs));
        if (f.ReorderProbability != d.ReorderProbability) kv.Add("reorder:" + D(f.ReorderProbability));
        if (f.ReorderExtraMs != d.ReorderExtraMs) kv.Add("extra:" + I(f.ReorderExtraMs));
        if (f.CorruptProbability != d.CorruptProbability) kv.Add("corrupt:" + D(f.CorruptProbability));
        if (f.CorruptBits != d.CorruptBits) kv.Add("bits:" + I(f.CorruptBits));
        if (f.ReplayProbability != d.ReplayProbability) kv.Add("replay:" + D(f.ReplayProbability));
        if (f.InjectProbability != d.InjectProbability) kv.Add("inject:" + D(f.InjectProbability));
        return kv.Count == 0 ? "none" : string.Join(",", kv);
    }

    public static Scenario Parse(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        ulong? seed = null;
        int r = 2;
        ushort suite = 1;
        long settle = Scenario.DefaultSettleMs;
        StateCapture? capture = null;
        var ab = LinkFaults.None;
        var ba = LinkFaults.None;
        var windows = new List<FaultWindow>();
        var partitions = new List<Partition>();
        var ops = new List<ScriptOp>();

        foreach (var token in text.Split((char[]?)null, StringSplitOptions.RemoveEmptyEntries))
        {
            try
            {
                if (token.Contains('(')) { ops.Add(Op(token)); continue; }
                int eq = token.IndexOf('=');
                if (eq <= 0) throw new FormatException("expected key=value or op(args)");
                string key = token[..eq], value = token[(eq + 1)..];
                switch (key)
                {
                    case "seed": seed = ulong.Parse(value, NumberStyles.None, Inv); break;
                    case "r": r = Int(value); break;
                    case "suite": suite = ushort.Parse(value, NumberStyles.None, Inv); break;
                    case "settle": settle = long.Parse(value, NumberStyles.None, Inv); break;
                    case "capture":
                        int at = value.IndexOf('@');
                        if (at <= 0) throw new FormatException("capture is party@ms");
                        capture = new StateCapture(PartyNamed(value[..at]), Long(value[(at + 1)..]));
                        break;
                    case "ab": ab = ParseFaults(value); break;
                    case "ba": ba = ParseFaults(value); break;
                    case "win":
                    {
                        var (from, to, rest) = Range(value);
                        int colon = rest.IndexOf(':');
                        if (colon < 0) throw new FormatException("win is from..to:direction:faults");
                        windows.Add(new FaultWindow(from, to, DirectionNamed(rest[..colon]), ParseFaults(rest[(colon + 1)..])));
                        break;
                    }
                    case "part":
                    {
                        var (start, heal, rest) = Range(value);
                        partitions.Add(new Partition(start, heal, rest.Length == 0 ? LinkDirection.Both : DirectionNamed(rest)));
                        break;
                    }
                    default: throw new FormatException($"unknown setting '{key}'");
                }
            }
            catch (Exception e) when (e is FormatException or OverflowException or ArgumentException)
            {
                throw new FormatException($"not a scenario: token '{token}': {e.Message}", e);
            }
        }
        if (seed is not { } s) throw new FormatException("not a scenario: no seed=N");
        var faults = new FaultProfile { AliceToBob = ab, BobToAlice = ba, Windows = windows, Partitions = partitions };
        return new Scenario(s, faults, ops) { RetentionWindow = r, Suite = suite, SettleMs = settle, Capture = capture };
    }

    /// <summary>Reads <see cref="ScriptOp.Describe"/>'s form: name(party,n) or wait(n).</summary>
    public static ScriptOp Op(string token)
    {
        int open = token.IndexOf('(');
        if (open <= 0 || !token.EndsWith(')')) throw new FormatException("an op is name(args)");
        string name = token[..open];
        var args = token[(open + 1)..^1].Split(',');
        if (name == "wait")
        {
            if (args.Length != 1) throw new FormatException("wait takes one argument");
            return new ScriptOp.Wait(Long(args[0]));
        }
        if (args.Length != 2) throw new FormatException($"{name} takes a party and a number");
        var party = PartyNamed(args[0]);
        return name switch
        {
            "send" => new ScriptOp.Send(party, Int(args[1])),
            "edit" => new ScriptOp.SendWithCardEdit(party, Int(args[1])),
            "rollover" => new ScriptOp.RollOverAgent(party, Int(args[1])),
            "offline" => new ScriptOp.GoOffline(party, Long(args[1])),
            "crash" => new ScriptOp.Crash(party, Long(args[1])),
            "restore" => new ScriptOp.Restore(party, Int(args[1])),
            _ => throw new FormatException($"unknown op '{name}'"),
        };
    }

    public static LinkFaults ParseFaults(string text)
    {
        var f = LinkFaults.None;
        if (text == "none") return f;
        foreach (var pair in text.Split(','))
        {
            int colon = pair.IndexOf(':');
            if (colon <= 0) throw new FormatException($"fault '{pair}' is key:value");
            string k = pair[..colon], v = pair[(colon + 1)..];
            f = k switch
            {
                "drop" => f with { DropProbability = Dbl(v) },
                "dup" => f with { DuplicateProbability = Dbl(v) },
                "copies" => f with { DuplicateCopies = Int(v) },
                "delay" => f with { DelayMinMs = Long(v) },
                "mean" => f with { DelayMeanMs = Dbl(v) },
                "reorder" => f with { ReorderProbability = Dbl(v) },
                "extra" => f with { ReorderExtraMs = Long(v) },
                "corrupt" => f with { CorruptProbability = Dbl(v) },
                "bits" => f with { CorruptBits = Int(v) },
                "replay" => f with { ReplayProbability = Dbl(v) },
                "inject" => f with { InjectProbability = Dbl(v) },
                _ => throw new FormatException($"unknown fault '{k}'"),
            };
        }
        return f;
    }

    public static string Direction(LinkDirection d) => d switch
    {
        LinkDirection.Both => "both",
        LinkDirection.AliceToBob => "ab",
        LinkDirection.BobToAlice => "ba",
        _ => throw new ArgumentOutOfRangeException(nameof(d), d, "unknown direction"),
    };

    private static LinkDirection DirectionNamed(string s) => s switch
    {
        "both" => LinkDirection.Both,
        "ab" => LinkDirection.AliceToBob,
        "ba" => LinkDirection.BobToAlice,
        _ => throw new FormatException($"unknown direction '{s}' (both, ab, ba)"),
    };

    private static Party PartyNamed(string s) => s switch
    {
        "alice" => Party.Alice,
        "bob" => Party.Bob,
        _ => throw new FormatException($"unknown party '{s}' (alice, bob)"),
    };

    /// <summary>"from..to" optionally followed by ":rest".</summary>
    private static (long From, long To, string Tail) Range(string value)
    {
        int dots = value.IndexOf("..", StringComparison.Ordinal);
        if (dots < 0) throw new FormatException("expected from..to");
        string tail = value[(dots + 2)..];
        int colon = tail.IndexOf(':');
        string to = colon < 0 ? tail : tail[..colon];
        return (Long(value[..dots]), Long(to), colon < 0 ? "" : tail[(colon + 1)..]);
    }

    private static int Int(string s) => int.Parse(s, NumberStyles.AllowLeadingSign, Inv);
    private static long Long(string s) => long.Parse(s, NumberStyles.AllowLeadingSign, Inv);

    private static double Dbl(string s)
    {
        double v = double.Parse(s, NumberStyles.Float, Inv);
        return double.IsFinite(v) ? v : throw new FormatException($"'{s}' is not a finite number");
    }

    private static string D(double v) => v.ToString("R", Inv);
    private static string I<T>(T v) where T : IFormattable => v.ToString(null, Inv);
}
