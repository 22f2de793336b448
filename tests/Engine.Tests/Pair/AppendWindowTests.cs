using Sim.Engine.Pair;

namespace Sim.Engine.Tests.Pair;

/// <summary>
/// <see cref="AppendWindow{T}"/>: a value like an immutable list, although lists share an append-only
/// buffer: no operation on one list changes another, whichever list adds first.
/// </summary>
public sealed class AppendWindowTests
{
    [Fact]
    public void AddingAndKeepingTheNewest_KeepsEveryEarlierListAsItWas()
    {
        AppendWindow<int> first = [1, 2, 3];
        var lists = new List<AppendWindow<int>> { first };
        for (int i = 4; i < 100; i++) lists.Add(lists[^1].Add(i).Newest(3));
        for (int i = 0; i < lists.Count; i++) Assert.Equal([i + 1, i + 2, i + 3], lists[i]);
    }

    [Fact]
    public void TwoListsAddingToOneParent_DoNotSeeEachOther()
    {
        AppendWindow<int> parent = [1, 2];
        var a = parent.Add(10);
        var b = parent.Add(20);
        var c = parent.Newest(1).Add(30);
        Assert.Equal([1, 2], parent);
        Assert.Equal([1, 2, 10], a);
        Assert.Equal([1, 2, 20], b);
        Assert.Equal([2, 30], c);
        Assert.Equal([1, 2, 10, 11], a.Add(11));
        Assert.Equal(20, b[2]);
    }

    [Fact]
    public void Newest_AndIndexing()
    {
        AppendWindow<int> list = [1, 2, 3, 4];
        Assert.Same(list, list.Newest(4));
        Assert.Same(list, list.Newest(9));
        Assert.Empty(list.Newest(0));
        Assert.Equal([3, 4], list.Newest(2));
        Assert.Throws<ArgumentOutOfRangeException>(() => list.Newest(-1));
        Assert.Throws<ArgumentOutOfRangeException>(() => list[4]);
        Assert.Equal(4, list.Newest(2)[1]);
        Assert.Empty(AppendWindow<int>.Empty);
    }
}
