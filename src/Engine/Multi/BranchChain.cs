namespace Sim.Engine.Multi;

/// <summary>How two members' chains relate (GROUPS.md "Uncoordinated MLS with canonical healing").</summary>
public enum ChainRelation
{
    /// <summary>The same commits: one state.</summary>
    Same,
    /// <summary>Ours is a strict prefix of theirs: same branch, we are behind.</summary>
    Behind,
    /// <summary>Theirs is a strict prefix of ours: same branch, they are behind.</summary>
    Ahead,
    /// <summary>A fork, and ours is the canonical branch.</summary>
    ForkWeWin,
    /// <summary>A fork, and theirs is the canonical branch: we must rejoin it.</summary>
    ForkTheyWin,
}

/// <summary>
/// The commits that made a member's epochs: entry e-1 is the hash of the MLSMessage carrying the
/// Commit that started epoch e (epoch 0 is the founder's one-member group, RFC 9420 §11). A commit
/// and the state before it fix the state after it, so two members with equal chains are in one state.
/// <para>
/// The canonical-branch rule, computed alike by every member from the two chains alone: at the fork
/// point (the first epoch whose commits differ) the branch whose commit hash is lower, compared as
/// unsigned bytes, wins. A winning branch only ever grows, so once a branch wins a fork it keeps
/// winning it, and the order is total: every member that has seen the same chains picks one winner.
/// </para>
/// </summary>
public sealed class BranchChain
{
    private readonly List<byte[]> _commits;

    public BranchChain(IEnumerable<byte[]> commits) => _commits = [.. commits.Select(c => (byte[])c.Clone())];

    public static BranchChain Genesis => new([]);

    /// <summary>The epoch this chain leads to.</summary>
    public ulong Epoch => (ulong)_commits.Count;

    public IReadOnlyList<byte[]> Commits => _commits;

    /// <summary>The hash of the commit that started the current epoch (empty at epoch 0).</summary>
    public byte[] Tip => _commits.Count == 0 ? [] : _commits[^1];

    /// <summary>The commit hash that started <paramref name="epoch"/> (1-based), or null when this chain is shorter.</summary>
    public byte[]? CommitFor(ulong epoch) => epoch >= 1 && epoch <= (ulong)_commits.Count ? _commits[(int)(epoch - 1)] : null;

    /// <summary>This chain extended by one commit.</summary>
    public BranchChain Extend(byte[] commitHash) => new(_commits.Append(commitHash));

    /// <summary>This chain cut back to <paramref name="epoch"/>.</summary>
    public BranchChain UpTo(ulong epoch) => new(_commits.Take((int)Math.Min(epoch, (ulong)_commits.Count)));

    /// <summary>The last epoch both chains share (0 when they differ from the first commit).</summary>
    public ulong ForkPoint(BranchChain other)
    {
        int n = Math.Min(_commits.Count, other._commits.Count), i = 0;
        while (i < n && _commits[i].AsSpan().SequenceEqual(other._commits[i])) i++;
        return (ulong)i;
    }

    /// <summary>How <paramref name="theirs"/> relates to this chain, by the canonical-branch rule.</summary>
    public ChainRelation Compare(BranchChain theirs)
    {
        ArgumentNullException.ThrowIfNull(theirs);
        int shared = (int)ForkPoint(theirs);
        if (shared == _commits.Count && shared == theirs._commits.Count) return ChainRelation.Same;
        if (shared == _commits.Count) return ChainRelation.Behind;
        if (shared == theirs._commits.Count) return ChainRelation.Ahead;
        return _commits[shared].AsSpan().SequenceCompareTo(theirs._commits[shared]) < 0 ? ChainRelation.ForkWeWin : ChainRelation.ForkTheyWin;
    }

    /// <summary>True when this chain is canonical against <paramref name="theirs"/> or on the same branch (not beaten by a fork).</summary>
    public bool Beats(BranchChain theirs) => Compare(theirs) is ChainRelation.ForkWeWin;

    public override string ToString() => $"BranchChain(epoch {Epoch}, tip {Convert.ToHexString(Tip.AsSpan(0, Math.Min(4, Tip.Length)))})";
}
