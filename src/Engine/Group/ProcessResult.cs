using Sim.Engine.Framing;
using Sim.Engine.Messages;

namespace Sim.Engine.Group;

/// <summary>
/// What <see cref="MlsGroup.Process(MlsMessage)"/> yields. Every result carries the state that
/// accepting it leads to (internal: <see cref="NextState"/>); <see cref="MlsGroup"/> swaps it in at
/// once for application messages and proposals, and only on <see cref="MlsGroup.Merge"/> for a
/// <see cref="StagedCommit"/>. Only the engine makes results (their constructors are internal), so a
/// result always holds a state the engine built.
/// </summary>
public abstract record ProcessResult
{
    private protected ProcessResult(byte[] authenticatedData) => AuthenticatedData = authenticatedData;

    /// <summary>The message's authenticated_data (RFC 9420 §6).</summary>
    public byte[] AuthenticatedData { get; init; }

    /// <summary>The state after accepting this message.</summary>
    internal abstract GroupState NextState { get; }
}

/// <summary>RFC 9420 §15: application data from a member, with the epoch and ratchet generation that decrypted it.</summary>
public sealed record ApplicationMessage : ProcessResult
{
    internal ApplicationMessage(uint senderLeaf, byte[] data, byte[] authenticatedData, ulong epoch, uint generation, GroupState state)
        : base(authenticatedData)
    {
        SenderLeaf = senderLeaf;
        Data = data;
        Epoch = epoch;
        Generation = generation;
        State = state;
    }

    public uint SenderLeaf { get; init; }
    public byte[] Data { get; init; }
    public ulong Epoch { get; init; }
    public uint Generation { get; init; }
    internal GroupState State { get; init; }
    internal override GroupState NextState => State;

    /// <summary>RFC 9420 §6.3.2: the reuse_guard of the message's SenderData, as a big-endian number (what
    /// PairMLS records to tell a replay from a reused generation), so that no one decrypts the SenderData again.</summary>
    internal uint ReuseGuard { get; init; }

    public override string ToString() => $"ApplicationMessage(leaf {SenderLeaf}, epoch {Epoch}, generation {Generation}, {Data.Length} bytes)";
}

/// <summary>RFC 9420 §12.1: a proposal now cached under <see cref="Ref"/> for a later Commit.</summary>
public sealed record ProposalReceived : ProcessResult
{
    internal ProposalReceived(byte[] reference, Proposal proposal, Sender sender, byte[] authenticatedData, GroupState state)
        : base(authenticatedData)
    {
        Ref = reference;
        Proposal = proposal;
        Sender = sender;
        State = state;
    }

    public byte[] Ref { get; init; }
    public Proposal Proposal { get; init; }
    public Sender Sender { get; init; }
    internal GroupState State { get; init; }
    internal override GroupState NextState => State;
    public override string ToString() => $"ProposalReceived({Proposal.ProposalType} from {Sender.SenderType} {Sender.LeafIndex})";
}

/// <summary>One proposal a Commit applied: the proposal, its ref (null when sent inline), and its sender.</summary>
public sealed record AppliedProposal(Proposal Proposal, byte[]? Ref, Sender Sender);

/// <summary>
/// RFC 9420 §12.4.2: a Commit that passed every check, staged. Its next state (internal
/// <see cref="NewState"/>) is the next epoch (or, if <see cref="Removed"/>, the old state marked
/// removed); nothing changes until the owner merges it. <see cref="OwnUpdateTaken"/> names our Update
/// proposal the Commit took, if any.
/// </summary>
public sealed record StagedCommit : ProcessResult
{
    internal StagedCommit(GroupState newState, Sender committer, uint committerLeaf, IReadOnlyList<AppliedProposal> proposals,
        byte[]? ownUpdateTaken, bool removed, byte[] authenticatedData, ulong newEpoch) : base(authenticatedData)
    {
        NewState = newState;
        Committer = committer;
        CommitterLeaf = committerLeaf;
        Proposals = proposals;
        OwnUpdateTaken = ownUpdateTaken;
        Removed = removed;
        NewEpoch = newEpoch;
    }

    internal GroupState NewState { get; init; }
    public Sender Committer { get; init; }
    public uint CommitterLeaf { get; init; }
    public IReadOnlyList<AppliedProposal> Proposals { get; init; }
    public byte[]? OwnUpdateTaken { get; init; }
    public bool Removed { get; init; }
    public ulong NewEpoch { get; init; }
    internal override GroupState NextState => NewState;

    /// <summary>Leaf indices of the members this Commit added (placement order).</summary>
    public IReadOnlyList<uint> AddedLeaves { get; init; } = [];

    public override string ToString() => $"StagedCommit(epoch {NewEpoch}, by leaf {CommitterLeaf}, {Proposals.Count} proposals{(Removed ? ", removes us" : "")})";
}

/// <summary>
/// What <see cref="MlsGroup.Commit"/> yields: the Commit to send, the Welcome for new members
/// (null if none), the signed GroupInfo of the new epoch, and the staged next state. Our own Commit
/// is NOT merged at once: the caller merges <see cref="Staged"/> with <see cref="MlsGroup.Merge"/>
/// once it knows the Commit was accepted (PairMLS decides that), or drops it.
/// </summary>
/// <remarks>The GroupInfo is signed when first read (a Commit without Welcome often needs none; the
/// signature is deterministic, so when it is made changes no byte).</remarks>
public sealed record CommitResult(MlsMessage Commit, MlsMessage? Welcome, Lazy<GroupInfo> SignedGroupInfo, StagedCommit Staged)
{
    public CommitResult(MlsMessage commit, MlsMessage? welcome, GroupInfo groupInfo, StagedCommit staged)
        : this(commit, welcome, new Lazy<GroupInfo>(groupInfo), staged) { }

    /// <summary>RFC 9420 §12.4.3 the signed GroupInfo of the new epoch.</summary>
    public GroupInfo GroupInfo => SignedGroupInfo.Value;

    public override string ToString() => $"CommitResult(epoch {Staged.NewEpoch}, welcome {(Welcome is null ? "no" : "yes")})";
}

/// <summary>
/// What <see cref="MlsGroup.ReInit"/> and <see cref="MlsGroup.Branch"/> yield (RFC 9420 §11): the new
/// group, already in epoch 1, and the Welcome to send to its other members.
/// </summary>
public sealed record ResumedGroup(MlsGroup Group, MlsMessage Welcome)
{
    public override string ToString() => $"ResumedGroup(epoch {Group.Epoch}, {Group.Members.Count} members)";
}
