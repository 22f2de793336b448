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
}
