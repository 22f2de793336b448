using Sim.Engine.Messages;
using Sim.Engine.Schedule;
using Sim.Engine.Tree;

namespace Sim.Engine.Group;

/// <summary>Building the state of a new epoch from the old one (shared by committing, processing and joining).</summary>
internal static class GroupTransitions
{
    /// <summary>
    /// The next epoch's state: the old epoch goes into <see cref="GroupState.PastEpochs"/> (if R &gt; 0)
    /// with <paramref name="oldSecretTree"/>, the new resumption PSK is kept, the proposal cache is empty.
    /// Takes ownership of <paramref name="secrets"/>.
    /// </summary>
    public static GroupState NextEpoch(GroupState old, SecretTree oldSecretTree, GroupContext context, RatchetTree tree,
        TreeKemPrivate priv, EpochSecrets secrets, byte[] confirmationTag, byte[] interim)
    {
        var options = old.Options;
        var past = old.PastEpochs;
        if (options.PastEpochsRetained > 0)
        {
            past = past.Add(old.ToPastEpoch(oldSecretTree));
            while (past.Count > options.PastEpochsRetained) past = past.RemoveAt(0);
        }
        var psks = old.ResumptionPsks.Add(new ResumptionPskEntry(context.Epoch, secrets.ResumptionPsk.Clone()));
        while (psks.Count > Math.Max(1, options.ResumptionPsksRetained)) psks = psks.RemoveAt(0);
        return old with
        {
            Context = context,
            Tree = tree,
            Private = priv,
            InterimTranscriptHash = interim,
            ConfirmationTag = confirmationTag,
            Secrets = secrets,
            SecretTree = secrets.CreateSecretTree(tree.LeafCount, options.SecretTree),
            Proposals = [],
            PastEpochs = past,
            ResumptionPsks = psks,
        };
    }
}
