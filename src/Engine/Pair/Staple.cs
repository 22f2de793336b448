using Sim.Engine.Codec;
using Sim.Engine.Crypto;
using Sim.Engine.Identity;

namespace Sim.Engine.Pair;

/// <summary>What a <see cref="Staple"/> carries: the commit that started the epoch, or the Welcome of epoch w.</summary>
internal enum StapleKind : byte
{
    Commit = 1,
    Welcome = 2,
    /// <summary>docs/RECOVERY.md "Resync": the recovering party's external Commit k -&gt; k+1 (RFC 9420 §12.4.3.2).</summary>
    ExternalCommit = 3,
}

/// <summary>
/// PAIRMLS.md "Framing", item 1: what started the sender's epoch k, stapled to every datagram of k.
/// <code>
/// struct {
///     uint8 kind;                 // commit(1), welcome(2), external_commit(3)
///     opaque message&lt;V&gt;;        // the encoded MLSMessage: the Commit k-1 -&gt; k, the Welcome (k = w),
///                                 // or the resync external Commit k-1 -&gt; k (docs/RECOVERY.md)
///     IdentityEvidence evidence;  // justifies the sender's leaf this message sets (see below)
/// } Staple;
/// </code>
/// <see cref="Evidence"/> (added to the lead's layout, see the report): a Commit's UpdatePath may
/// set a new leaf for its sender (the invitee's rollover to a new agent), and every datagram of the
/// epoch must let the receiver validate it alone, so the assertions travel with the Commit: relative
/// to the committer's identity before the Commit. For a Welcome, it holds the acceptor's initial
/// card assertion (the invitee has no view of the acceptor yet). The bytes are the same in every
/// datagram of the epoch.
/// </summary>
internal sealed record Staple(StapleKind Kind, byte[] Message, IdentityEvidence Evidence) : ITlsCodec<Staple>
{
    public const string HashLabel = "PairMLS Staple";

    public void Encode(TlsWriter writer)
    {
        writer.WriteUInt8((byte)Kind);
        writer.WriteOpaque(Message);
        Evidence.Encode(writer);
    }

    public static Staple Decode(ref TlsReader reader)
    {
        byte kind = reader.ReadUInt8();
        if (kind is not ((byte)StapleKind.Commit or (byte)StapleKind.Welcome or (byte)StapleKind.ExternalCommit))
            throw new MlsDecodeException($"Staple.kind {kind} is unknown");
        var message = reader.ReadOpaque();
        return new Staple((StapleKind)kind, message, IdentityEvidence.Decode(ref reader));
    }

    /// <summary>What fork detection compares: RefHash("PairMLS Staple", message).</summary>
    public byte[] Hash(CipherSuite suite) => suite.RefHash(HashLabel, Message);

    public override string ToString() => $"Staple({Kind}, {Message.Length} bytes)";
}
