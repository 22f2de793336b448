using Sim.Engine.Pair;

namespace Sim.Engine.Tests.Pair;

/// <summary>
/// <see cref="EpochMap"/>: a value like an immutable sorted map, although maps share an append-only
/// buffer: no operation on one map changes another, whichever map appends first.
/// </summary>
public sealed class EpochMapTests
{
    private static byte[] V(ulong epoch) => [(byte)epoch, (byte)(epoch >> 8)];

    private static EpochMap Of(params ulong[] epochs)
    {
        var map = EpochMap.Empty;
        foreach (var e in epochs) map = map.SetItem(e, V(e));
        return map;
    }

    [Fact]
    public void RollingTheWindow_KeepsEveryEarlierMapAsItWas()
    {
        var maps = new List<EpochMap> { Of(1, 2, 3) };
        var expected = new List<ulong[]> { new ulong[] { 1, 2, 3 } };
        // 100 commits: the newest epoch appended, the oldest dropped (the buffer is recopied now and then).
        for (ulong e = 4; e < 104; e++)
        {
            maps.Add(maps[^1].SetItem(e, V(e)).RemoveBelow(e - 2));
            expected.Add([e - 2, e - 1, e]);
        }
        for (int i = 0; i < maps.Count; i++)
        {
            Assert.Equal(expected[i], maps[i].Keys);
            Assert.All(maps[i], kv => Assert.Equal(V(kv.Key), kv.Value));
        }
    }

    [Fact]
    public void TwoMapsAppendingToOneParent_DoNotSeeEachOther()
    {
        var parent = Of(1, 2);
        var a = parent.SetItem(3, [0xAA]);
        var b = parent.SetItem(3, [0xBB]);
        var c = parent.Remove(2).SetItem(5, [0xCC]);
        Assert.Equal([1UL, 2], parent.Keys);
        Assert.Equal([0xAA], a[3]);
        Assert.Equal([0xBB], b[3]);
        Assert.Equal([1UL, 5], c.Keys);
        Assert.False(parent.ContainsKey(3));
        Assert.Equal([0xAA], a.SetItem(4, [1])[3]);
    }

    [Fact]
    public void SetItem_Replaces_InsertsInOrder_AndAddRefusesADuplicate()
    {
        var map = Of(2, 4, 6);
        var replaced = map.SetItem(4, [9]);
        var inserted = map.SetItem(5, V(5)).SetItem(1, V(1));
        Assert.Equal([9], replaced[4]);
        Assert.Equal(V(4), map[4]);
        Assert.Equal([1UL, 2, 4, 5, 6], inserted.Keys);
        Assert.Throws<ArgumentException>(() => map.Add(4, [1]));
        Assert.Throws<KeyNotFoundException>(() => map[3]);
        Assert.False(map.TryGetValue(7, out _));
    }

    [Fact]
    public void Removals_AtEitherEndOrInside()
    {
        var map = Of(1, 2, 3, 4, 5);
        Assert.Equal([2UL, 3, 4, 5], map.Remove(1).Keys);
        Assert.Equal([1UL, 2, 3, 4], map.Remove(5).Keys);
        Assert.Equal([1UL, 2, 4, 5], map.Remove(3).Keys);
        Assert.Same(map, map.Remove(9));
        Assert.Equal([1UL, 5], map.RemoveRange(map.Keys.Where(e => e is > 1 and < 5)).Keys);
        Assert.Same(map, map.RemoveBelow(1));
        Assert.Equal([4UL, 5], map.RemoveBelow(4).Keys);
        Assert.True(map.RemoveBelow(6).IsEmpty);
        Assert.True(Of(7).Remove(7).IsEmpty);
        // Appending after the newest was removed: the slot after it is another map's, so it is copied.
        var shorter = map.Remove(5);
        Assert.Equal([9], shorter.SetItem(6, [9])[6]);
        Assert.Equal(V(5), map[5]);
    }

    [Fact]
    public void From_SortsEntries_AndRefusesAnEpochTwice()
    {
        var map = EpochMap.From([(5, V(5)), (1, V(1)), (3, V(3))]);
        Assert.Equal([1UL, 3, 5], map.Keys);
        Assert.All(map, kv => Assert.Equal(V(kv.Key), kv.Value));
        Assert.Throws<ArgumentException>(() => EpochMap.From([(2, V(2)), (2, V(3))]));
        Assert.True(EpochMap.From([]).IsEmpty);
    }
}
