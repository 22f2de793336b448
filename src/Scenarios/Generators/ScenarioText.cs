using System.Globalization;
using System.Numerics;
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
/// pairs: drop, dup, copies, delay (min ms), mean (ms), shape (exponential, uniform, heavy), reorder,
/// extra (ms), corrupt, bits, counts (random: copies and bits drawn up to the given numbers), hold
/// (probability), holdms, order (in, reversed, shuffled), replay, inject, foreign (a third session's
/// datagrams), rival (a second acceptor's), insider (a holder of header keys who re-seals altered
/// copies), layers (all: the insider alters every layer of each datagram it takes, each copy delivered
/// before and after the original); "none" when all are defaults. Every value is checked when
/// /// read (probabilities in 0..1, counts and times in range, intervals in order): a bad one is an error naming it.
/// settle is the quiet time (ms) after the script before the faults stop (written only when it is not
/// the world's default). Directions: both, ab, ba. Times are virtual milliseconds.
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
        if (f.DelayShape != d.DelayShape) kv.Add("shape:" + (f.DelayShape == DelayShape.Uniform ? "uniform" : "heavy"));
        if (f.RandomCounts) kv.Add("counts:random");
        if (f.HoldProbability != d.HoldProbability) kv.Add("hold:" + D(f.HoldProbability));
        if (f.HoldMs != d.HoldMs) kv.Add("holdms:" + I(f.HoldMs));
        if (f.HoldOrder != d.HoldOrder) kv.Add("order:" + (f.HoldOrder == HoldOrder.Reversed ? "reversed" : "shuffled"));
        if (f.ForeignProbability != d.ForeignProbability) kv.Add("foreign:" + D(f.ForeignProbability));
        if (f.RivalProbability != d.RivalProbability) kv.Add("rival:" + D(f.RivalProbability));
        if (f.InsiderProbability != d.InsiderProbability) kv.Add("insider:" + D(f.InsiderProbability));
        if (f.ReplayWholeHistory) kv.Add("history:all");
        if (f.InsiderEveryLayer) kv.Add("layers:all");
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

        foreach (var token in ScenarioRepeat.Expand(text))
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
                    case "r": r = InRange(Int(value), 0, 64, "r (the retention window)"); break;
                    case "suite": suite = (ushort)InRange(ushort.Parse(value, NumberStyles.None, Inv), 1, 7, "suite"); break;
                    case "settle": settle = NonNegative(long.Parse(value, NumberStyles.None, Inv), "settle"); break;
                    case "capture":
                        int at = value.IndexOf('@');
                        if (at <= 0) throw new FormatException("capture is party@ms");
                        capture = new StateCapture(PartyNamed(value[..at]), NonNegative(Long(value[(at + 1)..]), "capture time"));
                        break;
                    case "ab": ab = ParseFaults(value); break;
                    case "ba": ba = ParseFaults(value); break;
                    case "win":
                    {
                        var (from, to, rest) = Range(value);
                        if (windows.Count > 0 && from < windows[^1].FromMs)
                            throw new FormatException($"window {from}..{to} starts before the previous one ({windows[^1].FromMs}..{windows[^1].ToMs}): windows are given in order");
                        int colon = rest.IndexOf(':');
                        if (colon < 0) throw new FormatException("win is from..to:direction:faults");
                        windows.Add(new FaultWindow(from, to, DirectionNamed(rest[..colon]), ParseFaults(rest[(colon + 1)..])));
                        break;
                    }
                    case "part":
                    {
                        var (start, heal, rest) = Range(value);
                        if (partitions.Count > 0 && start < partitions[^1].StartMs)
                            throw new FormatException($"partition {start}..{heal} starts before the previous one ({partitions[^1].StartMs}..{partitions[^1].HealMs}): partitions are given in order");
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
            return new ScriptOp.Wait(NonNegative(Long(args[0]), "wait"));
        }
        if (name == "burst")
        {
            if (args.Length is not (2 or 3)) throw new FormatException("burst takes a party, a count and optionally a payload size");
            int count = Int(args[1]);
            if (count is < 1 or > MaxBurst) throw new FormatException($"burst count {args[1]} is outside 1..{MaxBurst}");
            return new ScriptOp.Burst(PartyNamed(args[0]), count, args.Length == 3 ? PayloadSize(args[2]) : 8);
        }
        if (name == "crashat")
        {
            if (args.Length != 2) throw new FormatException("crashat takes a party and a crash point (send_before_persist, send_after_persist, receive_before_persist)");
            return new ScriptOp.CrashAt(PartyNamed(args[0]), CrashPoints.Parse(args[1]));
        }
        if (args.Length != 2) throw new FormatException($"{name} takes a party and a number");
        var party = PartyNamed(args[0]);
        return name switch
        {
            "send" => new ScriptOp.Send(party, PayloadSize(args[1])),
            "edit" => new ScriptOp.SendWithCardEdit(party, PayloadSize(args[1])),
            "rollover" => new ScriptOp.RollOverAgent(party, PayloadSize(args[1])),
            "offline" => new ScriptOp.GoOffline(party, NonNegative(Long(args[1]), "offline duration")),
            "crash" => new ScriptOp.Crash(party, NonNegative(Long(args[1]), "crash down time")),
            "restore" => new ScriptOp.Restore(party, Int(args[1])),
            "restoreepoch" => new ScriptOp.RestoreEpoch(party, Int(args[1])),
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
                "drop" => f with { DropProbability = Prob(v, k) },
                "dup" => f with { DuplicateProbability = Prob(v, k) },
                "copies" => f with { DuplicateCopies = InRange(Int(v), 1, 64, "copies") },
                "delay" => f with { DelayMinMs = InRange(Long(v), 0, MaxMs, "delay") },
                "mean" => f with { DelayMeanMs = InRange(Dbl(v), 0, MaxMs, "mean") },
                "reorder" => f with { ReorderProbability = Prob(v, k) },
                "extra" => f with { ReorderExtraMs = InRange(Long(v), 0, MaxMs, "extra") },
                "corrupt" => f with { CorruptProbability = Prob(v, k) },
                "bits" => f with { CorruptBits = InRange(Int(v), 1, 1 << 16, "bits") },
                "replay" => f with { ReplayProbability = Prob(v, k) },
                "inject" => f with { InjectProbability = Prob(v, k) },
                "shape" => f with
                {
                    DelayShape = v switch
                    {
                        "exponential" => DelayShape.Exponential,
                        "uniform" => DelayShape.Uniform,
                        "heavy" => DelayShape.HeavyTailed,
                        _ => throw new FormatException($"shape {v} is not exponential, uniform or heavy"),
                    },
                },
                "counts" => f with { RandomCounts = v == "random" ? true : v == "fixed" ? false : throw new FormatException($"counts {v} is not random or fixed") },
                "hold" => f with { HoldProbability = Prob(v, k) },
                "holdms" => f with { HoldMs = InRange(Long(v), 1, MaxMs, "holdms") },
                "order" => f with
                {
                    HoldOrder = v switch
                    {
                        "in" => HoldOrder.InOrder,
                        "reversed" => HoldOrder.Reversed,
                        "shuffled" => HoldOrder.Shuffled,
                        _ => throw new FormatException($"order {v} is not in, reversed or shuffled"),
                    },
                },
                "foreign" => f with { ForeignProbability = Prob(v, k) },
                "rival" => f with { RivalProbability = Prob(v, k) },
                "insider" => f with { InsiderProbability = Prob(v, k) },
                "layers" => v == "all" ? f with { InsiderEveryLayer = true } : v == "one" ? f with { InsiderEveryLayer = false }
                    : throw new FormatException($"layers {v} is not 'all' (the insider alters every layer of each datagram it takes) or 'one' (one mutation drawn at random, the default)"),
                "history" => v == "all" ? f with { ReplayWholeHistory = true } : throw new FormatException($"history {v} is not 'all' (replays pick from the whole history; the default is the newest datagrams)"),
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
        long from = NonNegative(Long(value[..dots]), "start"), until = Long(to);
        if (until <= from) throw new FormatException($"{value[..dots]}..{to} ends before it starts (from..to needs to > from)");
        return (from, until, colon < 0 ? "" : tail[(colon + 1)..]);
    }

    /// <summary>Times and delays above this (about 31 years of virtual time) are refused: sums of them must not overflow.</summary>
    public const long MaxMs = 1L << 40;

    private static double Prob(string s, string key)
    {
        double v = Dbl(s);
        return v is >= 0 and <= 1 ? v : throw new FormatException($"{key} {s} is not a probability (0..1)");
    }

    private static T InRange<T>(T v, T lo, T hi, string what) where T : INumber<T> =>
        v >= lo && v <= hi ? v : throw new FormatException($"{what} {v.ToString(null, Inv)} is outside {lo.ToString(null, Inv)}..{hi.ToString(null, Inv)}");

    private static long NonNegative(long v, string what) => InRange(v, 0, MaxMs, what);

    /// <summary>The most sends one burst makes (far beyond the forward distance of 1,000, still a bounded world).</summary>
    public const int MaxBurst = 100_000;

    private static int PayloadSize(string s)
    {
        int n = Int(s);
        return n is >= 8 and <= 1 << 20 ? n : throw new FormatException($"payload size {s} is outside 8..{1 << 20} bytes (8: the payload id)");
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
