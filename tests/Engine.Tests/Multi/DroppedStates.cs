using Sim.Engine.Group;
using Sim.Engine.Multi;
using Sim.Engine.Schedule;
using Sim.Engine.Tree;

namespace Sim.Engine.Tests.Multi;

/// <summary>"Deleted means deleted" for retained group states: what a member dropped is zero in memory, except what a state it still holds shares.</summary>
internal static class DroppedStates
{
    /// <summary>
    /// Asserts that every secret holder of <paramref name="dropped"/> (states the test kept a reference to)
    /// that no state <paramref name="member"/> still holds shares is zeroed; returns how many were checked.
    /// </summary>
    public static int AssertZeroed(IEnumerable<GroupState> dropped, GroupMember member)
    {
        var held = member.RetainedStatesForTests.Append(member.CurrentStateForTests).OfType<GroupState>().ToList();
        var list = dropped.ToList();
        Assert.DoesNotContain(list, d => held.Any(h => ReferenceEquals(h, d)));
        var live = held.SelectMany(RetainedWipe.Holders).ToHashSet(ReferenceEqualityComparer.Instance);
        int checkedHolders = 0;
        foreach (var holder in list.SelectMany(RetainedWipe.Holders).Where(h => !live.Contains(h)))
        {
            switch (holder)
            {
                case Secret s: Assert.True(s.IsCleared && !s.BufferForTests.ContainsAnyExcept((byte)0)); break;
                case EpochSecrets e: Assert.True(e.ExporterSecret.IsCleared && e.InitSecret.IsCleared && !e.ExporterSecret.BufferForTests.ContainsAnyExcept((byte)0)); break;
                case TreeKemPrivate p: Assert.False(p.LeafPrivateKey.ContainsAnyExcept((byte)0)); break;
            }
            checkedHolders++;
        }
        Assert.True(checkedHolders > 0, "no holder of the dropped states to check");
        return checkedHolders;
    }
}
