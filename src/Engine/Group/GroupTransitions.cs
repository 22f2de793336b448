using System.Collections.Immutable;
using System.Runtime.InteropServices;
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
        var past = options.PastEpochsRetained > 0 ? Window(old.PastEpochs, old.ToPastEpoch(oldSecretTree), options.PastEpochsRetained) : old.PastEpochs;
        var psks = Window(old.ResumptionPsks, new ResumptionPskEntry(context.Epoch, secrets.ResumptionPsk.Clone()), Math.Max(1, options.ResumptionPsksRetained));
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

    /// <summary>The newest <paramref name="keep"/> of <paramref name="items"/> then <paramref name="newest"/>, oldest first:
    /// one array per epoch instead of a tree's add and remove.</summary>
    private static ImmutableArray<T> Window<T>(ImmutableArray<T> items, T newest, int keep)
    {
        int from = Math.Max(0, items.Length + 1 - keep);
        var array = new T[items.Length + 1 - from];
        items.AsSpan()[from..].CopyTo(array);
        array[^1] = newest;
        return ImmutableCollectionsMarshal.AsImmutableArray(array);
    }
}
