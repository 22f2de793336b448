using FsCheck;
using FsCheck.Fluent;
using Sim.Simulator;
using Sim.Simulator.Agents;
using Sim.Simulator.Network;

namespace Sim.Scenarios.Generators;

/// <summary>
/// FsCheck generators for scenarios (DESIGN.md "Examples to follow": Germ's phase-biased op
/// generators). Uniform random ops rarely reach late states (a third epoch, a rolled-over agent
/// that is then crashed), so a script is built in phases, in order: warm-up (plain sends each way),
/// steady traffic under the link faults, bursts of card edits and agent rollovers, traffic across
/// the partitions, crash / offline / restore, and a cool-down; the world then runs its own liveness
/// phase with faults off. The size (FsCheck's) scales how many ops each phase gets.
/// Shrinking: <see cref="ScenarioShrinker"/>, wired in by <see cref="Arbitrary"/>.
/// </summary>
public static class ScenarioGen
{
    private static readonly int[] PayloadSizes = [8, 32, 32, 32, 200, 1000];

    public static Arbitrary<Scenario> Arbitrary(GenOptions? options = null) =>
        Arb.From(Scenario(options), ScenarioShrinker.Shrink);

    public static Gen<Scenario> Scenario(GenOptions? options = null)
    {
        options ??= GenOptions.Honest;
        return Gen.Sized(size =>
            from seed in Gen.Choose(0, int.MaxValue)
            from script in Script(options, size)
            from faults in Profile(options, new UserScript(script).DurationMs)
            from r in Gen.Elements(new[] { 0, 1, 2, 2, 2, 3, 5 }.Where(x => x >= options.MinRetentionWindow).DefaultIfEmpty(options.MinRetentionWindow).ToArray())
            from suite in options.OtherSuites ? Gen.Frequency((12, Gen.Constant(1)), (1, Gen.Choose(2, 7))) : Gen.Constant(1)
            from capture in options.Capture ? Capture(new UserScript(script).DurationMs).Select(c => (StateCapture?)c) : Gen.Constant<StateCapture?>(null)
            select new Scenario((ulong)seed, faults, script) { RetentionWindow = r, Suite = (ushort)suite, Capture = capture });
    }

    // ------------------------------------------------------------------ script phases

    public static Gen<IReadOnlyList<ScriptOp>> Script(GenOptions options, int size)
    {
        int k = 1 + Math.Clamp(size, 0, 100) / 20; // 1..6
        return from warm in Warmup()
               from steady in Phase(Gen.Choose(0, 2 * k + 2), SteadyOp())
               from burst in Phase(Gen.Choose(1, 2 * k + 2), BurstOp())
               from across in Phase(Gen.Choose(0, k + 1), SteadyOp())
               from havoc in Phase(Gen.Choose(0, k + 1), HavocOp(options.Restore))
               from longEpoch in options.LongEpochs ? Gen.Frequency((2, Gen.Constant(new List<ScriptOp>())), (1, LongEpoch())) : Gen.Constant(new List<ScriptOp>())
               from cool in Cooldown()
               select (IReadOnlyList<ScriptOp>)[.. warm, .. steady, .. burst, .. across, .. havoc, .. longEpoch, .. cool];
    }

    private static Gen<Party> AnyParty() => Gen.Elements(Party.Alice, Party.Bob);
    private static Gen<int> Payload() => Gen.Elements(PayloadSizes);
    private static Gen<ScriptOp> Wait(int lo, int hi) => Gen.Choose(lo, hi).Select(ms => (ScriptOp)new ScriptOp.Wait(ms));

    private static Gen<List<ScriptOp>> Phase(Gen<int> count, Gen<List<ScriptOp>> step) =>
        from n in count
        from steps in step.ListOf(n)
        select steps.SelectMany(x => x).ToList();

    /// <summary>Warm-up: one or two exchanges, Bob first (Alice joins from his Welcome).</summary>
    private static Gen<List<ScriptOp>> Warmup() =>
        from rounds in Gen.Choose(1, 2)
        from gap in Gen.Elements(20, 50, 100, 150)
        select Enumerable.Range(0, rounds).SelectMany(_ => new ScriptOp[]
        {
            new ScriptOp.Send(Party.Bob), new ScriptOp.Wait(gap), new ScriptOp.Send(Party.Alice), new ScriptOp.Wait(gap),
        }).ToList();

    /// <summary>Steady traffic: sends from either side, sometimes two in a row, and waits.</summary>
    private static Gen<List<ScriptOp>> SteadyOp() => Gen.Frequency(
        (5, from p in AnyParty() from b in Payload() from w in Wait(10, 300) select new List<ScriptOp> { new ScriptOp.Send(p, b), w }),
        (2, from p in AnyParty() from b in Payload() select new List<ScriptOp> { new ScriptOp.Send(p, b), new ScriptOp.Send(p, b) }),
        (1, from w in Wait(200, 1500) select new List<ScriptOp> { w }));

    /// <summary>Bursts of identity work: card edits and agent rollovers, often back to back (several in flight).</summary>
    private static Gen<List<ScriptOp>> BurstOp() => Gen.Frequency(
        (4, from p in AnyParty() from b in Payload() select new List<ScriptOp> { new ScriptOp.SendWithCardEdit(p, b) }),
        (3, from p in AnyParty() from b in Payload() select new List<ScriptOp> { new ScriptOp.RollOverAgent(p, b) }),
        (2, from p in AnyParty() from b in Payload() select new List<ScriptOp> { new ScriptOp.Send(p, b) }),
        (1, from w in Wait(10, 200) select new List<ScriptOp> { w }));

    /// <summary>Crash and restart, going offline, and (when allowed) rollbacks, each followed by a little traffic.</summary>
    private static Gen<List<ScriptOp>> HavocOp(bool restore)
    {
        var ops = new List<(int, Gen<ScriptOp>)>
        {
            (3, from p in AnyParty() from d in Gen.Choose(0, 800) select (ScriptOp)new ScriptOp.Crash(p, d)),
            (2, from p in AnyParty() from d in Gen.Choose(0, 800) select (ScriptOp)new ScriptOp.GoOffline(p, d)),
            // A crash inside the party's next Send or Receive (PAIRMLS.md "Crash points"): supervised restart from the disk.
            (3, from p in AnyParty() from point in Gen.Elements(CrashPoints.All.ToArray()) select (ScriptOp)new ScriptOp.CrashAt(p, point)),
        };
        // Depth counts from either end: 0..4 saves back from the newest, or -1..-3 from the oldest.
        if (restore) ops.Add((3, from p in AnyParty() from d in Gen.Elements(1, 1, 2, 3, 4, 0, -1, -2, -3) select (ScriptOp)new ScriptOp.Restore(p, d)));
        // By epoch: back to the newest save of 1 or 2 epochs ago, or of the oldest epoch on disk.
        if (restore) ops.Add((2, from p in AnyParty() from d in Gen.Elements(1, 1, 2, -1) select (ScriptOp)new ScriptOp.RestoreEpoch(p, d)));
        var single = from op in Gen.Frequency(ops.ToArray())
                     from w in Wait(0, 400)
                     from p in AnyParty()
                     select new List<ScriptOp> { op, w, new ScriptOp.Send(p) };
        if (!restore) return single;
        // A rollback within the party's own epoch: two sends, back one save, send again (a generation reused, the peer may hold both).
        var inEpoch = from p in AnyParty()
                      from w in Wait(0, 200)
                      select new List<ScriptOp> { new ScriptOp.Send(p), new ScriptOp.Send(p), new ScriptOp.Restore(p, 1), new ScriptOp.Send(p), w };
        return Gen.Frequency((4, single), (1, inEpoch));
    }

    /// <summary>
    /// A long epoch: the peer goes offline, the party sends past the forward distance (1,000) in one
    /// burst (its first send of a peer's epoch commits into its own, so all of them are in one epoch),
    /// the peer comes back and the party sends once more: a datagram whose generation is beyond what
    /// the peer's ratchet may skip. Bursts stay near the threshold (each send is a real PairMLS send).
    /// </summary>
    public static Gen<List<ScriptOp>> LongEpoch() =>
        from p in AnyParty()
        from n in Gen.Elements(1001, 1050, 1200)
        select new List<ScriptOp>
        {
            new ScriptOp.GoOffline(p.Peer(), 50), new ScriptOp.Burst(p, n), new ScriptOp.Wait(100), new ScriptOp.Send(p), new ScriptOp.Wait(100),
        };

    /// <summary>Cool-down: an exchange each way before the world's own liveness phase.</summary>
    private static Gen<List<ScriptOp>> Cooldown() =>
        from gap in Gen.Elements(50, 100, 300)
        select new List<ScriptOp> { new ScriptOp.Wait(gap), new ScriptOp.Send(Party.Bob), new ScriptOp.Wait(gap), new ScriptOp.Send(Party.Alice), new ScriptOp.Wait(gap) };

    // ------------------------------------------------------------------ faults

    public static Gen<LinkFaults> Link(bool hostile) => Link(hostile, rival: false);

    public static Gen<LinkFaults> Link(bool hostile, bool rival) =>
        from drop in Gen.Elements(0, 0, 0, 0.05, 0.1, 0.2, 0.4)
        from dup in Gen.Elements(0, 0, 0.1, 0.3)
        from copies in Gen.Elements(1, 1, 2, 3)
        from delay in Gen.Elements(0L, 5L, 10L, 10L, 30L)
        from mean in Gen.Elements(0, 0, 20.0, 80.0, 200.0)
        from reorder in Gen.Elements(0, 0, 0.1, 0.3)
        from extra in Gen.Elements(100L, 200L, 500L)
        from corrupt in hostile ? Gen.Elements(0, 0, 0, 0.05, 0.2) : Gen.Constant(0.0)
        from bits in Gen.Elements(1, 1, 3, 8)
        from replay in hostile ? Gen.Elements(0, 0, 0, 0.1, 0.3) : Gen.Constant(0.0)
        from inject in hostile ? Gen.Elements(0, 0, 0, 0.1, 0.3) : Gen.Constant(0.0)
        from shape in Gen.Elements(DelayShape.Exponential, DelayShape.Exponential, DelayShape.Uniform, DelayShape.HeavyTailed)
        from counts in Gen.Elements(false, false, true)
        from hold in Gen.Elements(0, 0, 0, 0.2, 0.5)
        from holdMs in Gen.Elements(100L, 500L, 1500L)
        from order in Gen.Elements(HoldOrder.InOrder, HoldOrder.Reversed, HoldOrder.Shuffled)
        from foreign in hostile ? Gen.Elements(0, 0, 0, 0.1, 0.3) : Gen.Constant(0.0)
        from rivalP in hostile && rival ? Gen.Elements(0, 0, 0.3, 1.0) : Gen.Constant(0.0)
        from insider in hostile ? Gen.Elements(0, 0, 0, 0.1, 0.3) : Gen.Constant(0.0)
        select new LinkFaults
        {
            DropProbability = drop, DuplicateProbability = dup, DuplicateCopies = dup > 0 ? copies : 1,
            DelayMinMs = delay, DelayMeanMs = mean, ReorderProbability = reorder, ReorderExtraMs = reorder > 0 ? extra : 200,
            CorruptProbability = corrupt, CorruptBits = corrupt > 0 ? bits : 1, ReplayProbability = replay, InjectProbability = inject,
            DelayShape = mean > 0 ? shape : DelayShape.Exponential, RandomCounts = (dup > 0 || corrupt > 0) && counts,
            HoldProbability = hold, HoldMs = hold > 0 ? holdMs : 500, HoldOrder = hold > 0 ? order : HoldOrder.InOrder,
            ForeignProbability = foreign, RivalProbability = rivalP, InsiderProbability = insider,
        };

    /// <summary>A profile for a script of <paramref name="durationMs"/>: no faults, the same both ways, or each way its own; windows and partitions inside the script's time.</summary>
    public static Gen<FaultProfile> Profile(GenOptions options, long durationMs)
    {
        int end = (int)Math.Clamp(durationMs, 1, int.MaxValue - 2000);
        var links = Gen.Frequency(
            (1, Gen.Constant((LinkFaults.None, LinkFaults.None))),
            (3, Link(options.Hostile, options.Rival).Select(f => (f, f))),
            (2, Gen.Zip(Link(options.Hostile, options.Rival), Link(options.Hostile, options.Rival), (a, b) => (a, b))));
        var direction = Gen.Elements(LinkDirection.Both, LinkDirection.Both, LinkDirection.AliceToBob, LinkDirection.BobToAlice);
        var window =
            from start in Gen.Choose(0, end)
            from length in Gen.Choose(50, 1500)
            from d in direction
            from f in Link(options.Hostile, options.Rival)
            select new FaultWindow(start, start + length, d, f);
        var partition =
            from start in Gen.Choose(0, end)
            from length in Gen.Elements(50, 200, 500, 1000, 1500)
            from d in direction
            select new Partition(start, start + length, d);
        var faulty = from l in links
                     from nw in Gen.Elements(0, 0, 0, 1, 2)
                     from ws in window.ListOf(nw)
                     from np in Gen.Elements(0, 0, 1, 1, 2, 3)
                     from ps in partition.ListOf(np)
                     select new FaultProfile { AliceToBob = l.Item1, BobToAlice = l.Item2, Windows = ws.OrderBy(w => w.FromMs).ToList(), Partitions = ps.OrderBy(p => p.StartMs).ToList() };
        // Now and then a calm network: Decryptability's "without faults, every message exactly once" needs those.
        return Gen.Frequency((1, Gen.Constant(FaultProfile.None)), (6, faulty));
    }

    /// <summary>FS/PCS: a party and a moment inside the script.</summary>
    public static Gen<StateCapture> Capture(long durationMs) =>
        from p in AnyParty()
        from at in Gen.Choose(0, (int)Math.Clamp(durationMs, 0, int.MaxValue))
        select new StateCapture(p, at);
}
