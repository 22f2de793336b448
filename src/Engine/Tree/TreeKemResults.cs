using Sim.Engine.Messages;
using Sim.Engine.Schedule;

namespace Sim.Engine.Tree;

/// <summary>The parts of a committer's new leaf that are not generated: kept from its current leaf or chosen by the application (§7.5).</summary>
public sealed record LeafNodeTemplate(byte[] SignatureKey, Credential Credential, Capabilities Capabilities, IReadOnlyList<Extension> Extensions)
{
    public static LeafNodeTemplate From(LeafNode leaf) => new(leaf.SignatureKey, leaf.Credential, leaf.Capabilities, leaf.Extensions);
}

/// <summary>
/// What a committer gets from <see cref="TreeKem.CreateUpdatePath"/>: the merged tree, the
/// UpdatePath to send, its new private state, the commit_secret, the provisional GroupContext
/// used as HPKE context (its tree_hash is <see cref="Tree"/>'s), and the path secret of every
/// filtered-direct-path node (for Welcome, §12.4.3.1).
/// </summary>
internal sealed record UpdatePathCreated(
    RatchetTree Tree,
    UpdatePath UpdatePath,
    TreeKemPrivate Private,
    Secret CommitSecret,
    GroupContext ProvisionalContext,
    IReadOnlyDictionary<uint, Secret> PathSecrets)
{
    /// <summary>The path secret for a new member at <paramref name="joinerLeaf"/>: that of the lowest common ancestor with the committer.</summary>
    public Secret PathSecretForJoiner(uint joinerLeaf)
    {
        uint ancestor = TreeMath.CommonAncestor(2 * Private.LeafIndex, 2 * joinerLeaf);
        return PathSecrets.TryGetValue(ancestor, out var s) ? s
            : throw new InvalidOperationException($"no path secret for node {ancestor} (joiner {joinerLeaf})");
    }

    public override string ToString() => $"UpdatePathCreated(leaf {Private.LeafIndex}, {UpdatePath.Nodes.Count} path nodes)";
}

/// <summary>
/// What a member gets from <see cref="TreeKem.ProcessUpdatePath"/>: the merged tree, its new
/// private state, the commit_secret, the provisional GroupContext, and the path secret it
/// decrypted with the node it belongs to.
/// </summary>
internal sealed record UpdatePathProcessed(
    RatchetTree Tree,
    TreeKemPrivate Private,
    Secret CommitSecret,
    GroupContext ProvisionalContext,
    uint PathSecretNode,
    Secret PathSecret)
{
    public override string ToString() => $"UpdatePathProcessed(leaf {Private.LeafIndex}, decrypted at node {PathSecretNode})";
}
