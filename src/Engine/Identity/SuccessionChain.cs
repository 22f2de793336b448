using Sim.Engine.Codec;
using Sim.Engine.Crypto;

namespace Sim.Engine.Identity;

/// <summary>
/// A chain of <see cref="SuccessionAssertion"/>s, from the first agent the Authentication Service
/// accepted for a member (the invitation agent, or the creator's first agent) to the current one.
/// <para>
/// The chain is committed to by a running hash, so a leaf binds to its whole lineage while state and
/// evidence stay constant-size:
/// <c>h_0 = ""</c> (no succession yet) and
/// <c>h_{i+1} = RefHash("PairMLS SuccessionChain", struct { opaque previous&lt;V&gt; = h_i; SuccessionAssertion link; })</c>.
/// Why not the hash of the latest link only: a link commits to its predecessor's key but not to how
/// that predecessor was reached, so two different lineages (say A→B→C and A→B′→…→B→C after a
/// rollback or a fork) would bind identically; the running hash differs as soon as the histories
/// do, so a leaf cannot be replayed under another lineage and the two sides' views of a member can
/// be compared by one value. Why not the hash of the full list:
/// every update would then have to restate (and the AS re-verify) the whole history; with the
/// running hash an update presents only its new links.
/// </para>
/// </summary>
internal static class SuccessionChain
{
    public const string HashLabel = "PairMLS SuccessionChain";

    /// <summary><c>h_0</c>: the chain hash of an agent with no succession (the empty string).</summary>
    public static byte[] Empty => [];

    /// <summary>The chain hash after appending <paramref name="link"/> to a chain whose hash is <paramref name="chainHash"/>.</summary>
    public static byte[] Extend(CipherSuite suite, ReadOnlySpan<byte> chainHash, SuccessionAssertion link)
    {
        ArgumentNullException.ThrowIfNull(suite);
        ArgumentNullException.ThrowIfNull(link);
        var writer = TlsWriter.Rent();
        try
        {
            writer.WriteOpaque(chainHash);
            link.Encode(writer);
            return suite.RefHash(HashLabel, writer.WrittenSpan);
        }
        finally { TlsWriter.Return(writer); }
    }

    /// <summary>The chain hash after appending every link of <paramref name="links"/>, in order.</summary>
    public static byte[] Extend(CipherSuite suite, ReadOnlySpan<byte> chainHash, IEnumerable<SuccessionAssertion> links)
    {
        ArgumentNullException.ThrowIfNull(links);
        byte[] hash = chainHash.ToArray();
        foreach (var link in links) hash = Extend(suite, hash, link);
        return hash;
    }

    /// <summary>
    /// Verifies <paramref name="links"/> link by link, starting from the agent <paramref name="fromKey"/>:
    /// each link names the previous link's successor (the first names <paramref name="fromKey"/>) as
    /// predecessor, hands over to a different key, names <paramref name="conversationId"/>, and is
    /// signed by its predecessor. Returns the last successor's key (<paramref name="fromKey"/> for an
    /// empty chain). Any failure is <see cref="IdentityError.BadSuccession"/>.
    /// </summary>
    public static byte[] Verify(CipherSuite suite, ReadOnlySpan<byte> fromKey, IReadOnlyList<SuccessionAssertion> links,
        ReadOnlySpan<byte> conversationId)
    {
        ArgumentNullException.ThrowIfNull(suite);
        ArgumentNullException.ThrowIfNull(links);
        byte[] current = fromKey.ToArray();
        for (int i = 0; i < links.Count; i++)
        {
            var link = links[i];
            if (!link.PredecessorKey.AsSpan().SequenceEqual(current))
                throw Bad(i, "its predecessor is not the current agent");
            if (link.SuccessorKey.AsSpan().SequenceEqual(link.PredecessorKey))
                throw Bad(i, "it hands over to the same agent");
            if (!link.ConversationId.AsSpan().SequenceEqual(conversationId))
                throw Bad(i, "it is for another conversation");
            if (!link.Verify(suite))
                throw Bad(i, "its signature by the predecessor does not verify");
            current = link.SuccessorKey;
        }
        return (byte[])current.Clone();
    }

    private static IdentityException Bad(int index, string why) =>
        new(IdentityError.BadSuccession, $"succession link {index}: {why}");
}
