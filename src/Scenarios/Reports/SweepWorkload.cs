using Sim.Engine.Crypto;
using Sim.Scenarios.Generators;
using Sim.Simulator;
using Sim.Simulator.Agents;
using Sim.Simulator.Network;

namespace Sim.Scenarios.Reports;

/// <summary>
/// What every world of a sweep does: a chat of N messages where the speaker changes at random
/// (each change of speaker is a new epoch in PairMLS), a card edit by Bob a third of the way in and
/// one by Alice two thirds in, and one partition starting a third of the way in. The point's
/// faults apply to both links for the whole safety phase; the liveness phase then has none.
/// </summary>
public static class SweepWorkload
{
    /// <summary>One-way delay: this minimum plus an exponential with mean <see cref="DelayMeanMs"/>.</summary>
    public const long DelayMinMs = 10;
    public const double DelayMeanMs = 15;
    /// <summary>Extra delay of a reordered datagram: two to six later datagrams overtake it.</summary>
    public const long ReorderExtraMs = 200;
    /// <summary>Pause between two messages: uniform in [<see cref="GapMinMs"/>, <see cref="GapMinMs"/> + <see cref="GapSpreadMs"/>).</summary>
    public const long GapMinMs = 30;
    public const long GapSpreadMs = 60;
    /// <summary>Probability that the next message comes from the other party.</summary>
    public const double SpeakerChange = 0.5;
    /// <summary>Quiet time after the last message before faults stop (lets held-back datagrams land).</summary>
    public const long SettleMs = 500;

    /// <summary>
    /// World <paramref name="seed"/> of a point as a scenario: its text (settle time included) is what a
    /// failure prints and what <c>pairsim replay --scenario</c> runs, so the replay is the same world.
    /// </summary>
    public static Scenario Scenario(SweepPoint point, ulong seed, int messages)
    {
        ArgumentNullException.ThrowIfNull(point);
        var script = Script(seed, messages);
        return new Scenario(seed, Faults(point, script), script.Ops) { RetentionWindow = point.RetentionWindow, SettleMs = SettleMs };
    }

    /// <summary>The world of <see cref="Scenario"/>.</summary>
    public static WorldOptions Options(SweepPoint point, ulong seed, int messages) => Scenario(point, seed, messages).ToWorldOptions();

    /// <summary>The chat: the same for every point at one seed (only the network differs).</summary>
    public static UserScript Script(ulong seed, int messages)
    {
        var random = new DeterministicRandomSource(seed, "sweep/script");
        var ops = new List<ScriptOp>();
        var speaker = Party.Bob; // Bob accepted the invitation: he can speak first.
        int bobEdit = messages / 3, aliceEdit = 2 * messages / 3;
        for (int i = 0; i < messages; i++)
        {
            if (i > 0 && random.NextDouble() < SpeakerChange) speaker = speaker.Peer();
            ops.Add(i == bobEdit ? new ScriptOp.SendWithCardEdit(Party.Bob)
                  : i == aliceEdit ? new ScriptOp.SendWithCardEdit(Party.Alice)
                  : new ScriptOp.Send(speaker));
            ops.Add(new ScriptOp.Wait(GapMinMs + (long)random.NextUInt64((ulong)GapSpreadMs)));
        }
        return new UserScript(ops);
    }

    public static FaultProfile Faults(SweepPoint point, UserScript script)
    {
        var link = new LinkFaults
        {
            DropProbability = point.DropProbability,
            DuplicateProbability = point.DuplicateProbability,
            ReorderProbability = point.ReorderProbability,
            ReorderExtraMs = ReorderExtraMs,
            DelayMinMs = DelayMinMs,
            DelayMeanMs = DelayMeanMs,
        };
        var profile = FaultProfile.Symmetric(link);
        if (point.PartitionMs <= 0) return profile;
        long start = PartitionStartMs(script);
        return profile with { Partitions = [new Partition(start, start + point.PartitionMs)] };
    }

    /// <summary>When the partition starts: a third of the way into the chat.</summary>
    public static long PartitionStartMs(UserScript script)
    {
        ArgumentNullException.ThrowIfNull(script);
        return script.DurationMs / 3;
    }

    /// <summary>
    /// The moment chart 1 measures recovery from: the partition heals (with no partition, the moment it
    /// would have started), while the point's other faults go on.
    /// </summary>
    public static long HealMs(SweepPoint point, ulong seed, int messages)
    {
        ArgumentNullException.ThrowIfNull(point);
        return PartitionStartMs(Script(seed, messages)) + Math.Max(0, point.PartitionMs);
    }

    /// <summary>
    /// <see cref="HealMs(SweepPoint, ulong, int)"/> read from a sweep world's own scenario (its
    /// partition's heal, or where the partition would have started), so a cluster worker that gets
    /// only the scenario text measures from the same moment as a local run.
    /// </summary>
    public static long HealMs(Scenario scenario)
    {
        ArgumentNullException.ThrowIfNull(scenario);
        return scenario.Faults.Partitions.Count > 0
            ? scenario.Faults.Partitions[^1].HealMs
            : PartitionStartMs(new UserScript(scenario.Script));
    }
}
