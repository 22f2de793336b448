using Sim.Engine.Framing;
using Sim.Engine.Messages;
using Sim.Engine.Schedule;

namespace Sim.Engine.Group;

/// <summary>
/// For an Update proposal we sent ourselves: the private key of its new leaf and the full LeafNode,
/// kept until a Commit shows whether it was taken (RFC 9420 §12.1.2). If the new leaf has a new
/// signature_key, <see cref="SignaturePrivateKey"/> is its private key: the group signs with it
/// once a Commit takes this Update.
/// </summary>
internal sealed record OwnUpdate(Secret LeafPrivateKey, LeafNode LeafNode, Secret? SignaturePrivateKey = null)
{
    public override string ToString() => "OwnUpdate(<key redacted>)";
}

/// <summary>
/// A proposal received (or sent) in the current epoch, stored by its ProposalRef (RFC 9420 §5.2,
/// §12.4): the proposal, who sent it, and for our own Update proposals the new leaf's private key.
/// </summary>
internal sealed record CachedProposal(byte[] Ref, Proposal Proposal, Sender Sender, OwnUpdate? Own = null)
{
    public bool RefEquals(ReadOnlySpan<byte> reference) => Ref.AsSpan().SequenceEqual(reference);
}
