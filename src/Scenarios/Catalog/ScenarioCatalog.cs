using Sim.Scenarios.Generators;
using Sim.Simulator.Agents;
using Sim.Simulator.Network;

namespace Sim.Scenarios.Catalog;

/// <summary>A named scenario for <c>pairsim run NAME</c>, with a sentence saying what it shows.</summary>
public sealed record CatalogEntry(string Name, string Description, Scenario Scenario);

/// <summary>
/// A few named scenarios: a calm chat, a lossy network, partitions, a hostile network, and a
/// rollback (which forks the conversation on purpose: ForkFreedom must fail on it).
/// </summary>
public static class ScenarioCatalog
{
    /// <summary>A conversation with identity work: chat each way, two card edits, a rollover, more chat.</summary>
    private static readonly ScriptOp[] Chat =
    [
        new ScriptOp.Send(Party.Bob), new ScriptOp.Wait(100), new ScriptOp.Send(Party.Alice), new ScriptOp.Wait(100),
        new ScriptOp.Send(Party.Bob), new ScriptOp.Send(Party.Bob), new ScriptOp.Wait(150),
        new ScriptOp.SendWithCardEdit(Party.Alice), new ScriptOp.Wait(100), new ScriptOp.SendWithCardEdit(Party.Bob), new ScriptOp.Wait(100),
        new ScriptOp.RollOverAgent(Party.Alice), new ScriptOp.Wait(200), new ScriptOp.Send(Party.Bob), new ScriptOp.Wait(100),
        new ScriptOp.Send(Party.Alice), new ScriptOp.Wait(300), new ScriptOp.Crash(Party.Bob, 300), new ScriptOp.Wait(400),
        new ScriptOp.Send(Party.Bob), new ScriptOp.Wait(100), new ScriptOp.Send(Party.Alice), new ScriptOp.Wait(200),
    ];

    public static readonly IReadOnlyList<CatalogEntry> All =
    [
        new("calm", "no faults: a chat with card edits, a rollover and a crash; every invariant holds",
            new Scenario(1, FaultProfile.None, Chat)),
        new("lossy", "30% drop, duplicates and reordering both ways",
            new Scenario(2, FaultProfile.Symmetric(new LinkFaults
            {
                DropProbability = 0.3, DuplicateProbability = 0.2, DuplicateCopies = 2, DelayMeanMs = 80, ReorderProbability = 0.2,
            }), Chat)),
        new("partitioned", "two partitions, one each way only, while both keep sending",
            new Scenario(3, FaultProfile.None with
            {
                Partitions = [new Partition(200, 900), new Partition(1200, 1700, LinkDirection.BobToAlice)],
            }, Chat)),
        new("hostile", "corruption, replays and forged datagrams on top of loss: Integrity and ExactlyOnce at work",
            new Scenario(4, FaultProfile.Symmetric(new LinkFaults
            {
                DropProbability = 0.1, CorruptProbability = 0.2, CorruptBits = 3, ReplayProbability = 0.3, InjectProbability = 0.3, DelayMeanMs = 40,
            }), Chat)),
        new("rollback", "alice is restored to the save before her first commit (which rolled over her invitation agent) and commits that epoch again: bob detects the fork, but her copy's agent is one he no longer accepts, unrecoverable by design (docs/RECOVERY.md): Convergence fails, Liveness reports it exempt",
            new Scenario(5, FaultProfile.None,
            [
                new ScriptOp.Send(Party.Bob), new ScriptOp.Wait(100), new ScriptOp.Send(Party.Alice), new ScriptOp.Wait(100),
                new ScriptOp.Restore(Party.Alice, 1), new ScriptOp.Send(Party.Alice), new ScriptOp.Wait(100),
            ])),
        new("stolen", "an attacker copies bob's state mid-conversation (FS/PCS): it reads only what PCS allows",
            new Scenario(6, FaultProfile.None, Chat) { Capture = new Simulator.StateCapture(Party.Bob, 450) }),
        new("insider", "an insider who holds the header keys alters every layer of every datagram (each copy just before and just after the original): each is refused for the reason its layer calls for, nothing altered is Delivered, and the chat goes on",
            new Scenario(7, FaultProfile.Symmetric(new LinkFaults { InsiderProbability = 1, InsiderEveryLayer = true }), Chat)),
    ];

    public static CatalogEntry? Named(string name) => All.FirstOrDefault(e => e.Name.Equals(name, StringComparison.OrdinalIgnoreCase));
}
