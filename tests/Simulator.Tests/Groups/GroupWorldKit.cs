using Sim.Engine.Multi;
using Sim.Simulator.Groups;
using Sim.Simulator.Network;

namespace Sim.Simulator.Tests.Groups;

/// <summary>Small group worlds for the simulator's tests (the named scenarios live in Scenarios).</summary>
internal static class GroupWorldKit
{
    /// <summary>Four members split in two halves for <paramref name="splitMs"/>; both halves send and commit.</summary>
    public static GroupWorldOptions Split(MultiStrategy strategy, ulong seed = 7, long splitMs = 1_500, KeySharePolicy keyShare = KeySharePolicy.VerifiedMembers,
        double loss = 0)
    {
        string[] names = ["m0", "m1", "m2", "m3"];
        var script = new List<GroupOp>
        {
            new(300, "m0", GroupOpKind.Update), new(320, "m3", GroupOpKind.Update),
        };
        for (int i = 0; i < 8; i++) script.Add(new GroupOp(400 + i * 150, names[i % 4], GroupOpKind.Send));
        return new GroupWorldOptions
        {
            Seed = seed,
            Scenario = "test-split",
            Founders = names,
            Member = new MultiOptions { Strategy = strategy, KeyShare = keyShare },
            Links = new LinkFaults { DropProbability = loss, DelayMinMs = 10, DelayMeanMs = 5 },
            Partitions = [new SubsetPartition(200, 200 + splitMs, ["m0", "m1"]) { Other = strategy == MultiStrategy.Sequenced ? ["m2", "m3", "ds"] : [] }],
            Script = script,
            SafetyPhaseEndMs = 200 + splitMs + 1_000,
            LivenessBudgetMs = 20_000,
        };
    }

    /// <summary>
    /// Four members; m1 adds x at 300 ms and the network drops the first <paramref name="welcomes"/>
    /// datagrams carrying a Welcome to x (the lost Welcome). Everyone sends, x too once it is in.
    /// </summary>
    public static GroupWorldOptions LostWelcome(MultiStrategy strategy, int welcomes = 1, ulong seed = 3)
    {
        string[] names = ["m0", "m1", "m2", "m3"];
        var script = new List<GroupOp> { new(300, "m1", GroupOpKind.Add) { Target = "x" } };
        for (int i = 0; i < 10; i++) script.Add(new GroupOp(500 + i * 200, i % 5 == 4 ? "x" : names[i % 5], GroupOpKind.Send));
        return new GroupWorldOptions
        {
            Seed = seed,
            Scenario = "test-lost-welcome",
            Founders = names,
            Outsiders = ["x"],
            Member = new MultiOptions { Strategy = strategy },
            Links = new LinkFaults { DelayMinMs = 10, DelayMeanMs = 5 },
            Drops = [new DatagramDrop(DatagramDrop.AnySender, "x", "welcome", welcomes)],
            Script = script,
            SafetyPhaseEndMs = 2_600,
            LivenessBudgetMs = 20_000,
        };
    }
}
