using Sim.Engine.Codec;
using Sim.Engine.Crypto;

namespace Sim.Engine.Messages;

/// <summary>
/// RFC 9420 §7.2: a LeafNode's signature, SignWithLabel(., "LeafNodeTBS", LeafNodeTBS). A leaf with
/// source key_package is signed without group context; update and commit sources bind
/// <c>group_id</c> and <c>leaf_index</c> (see <see cref="LeafNode.ToBeSigned"/>).
/// </summary>
internal static class LeafNodeSignature
{
    public const string Label = "LeafNodeTBS";

    /// <summary>The leaf with its signature field set; the incoming signature value is ignored.</summary>
    public static LeafNode Sign(CipherSuite suite, LeafNode leaf, ReadOnlySpan<byte> signaturePrivateKey,
        byte[]? groupId = null, uint? leafIndex = null)
    {
        var tbs = TlsWriter.Rent();
        try
        {
            leaf.EncodeTbs(tbs, groupId, leafIndex);
            return leaf with { Signature = suite.SignWithLabel(signaturePrivateKey, Label, tbs.WrittenSpan) };
        }
        finally { TlsWriter.Return(tbs); }
    }

    /// <summary><see cref="Sign(CipherSuite, LeafNode, ReadOnlySpan{byte}, byte[], uint?)"/> with a kept key (<see cref="CipherSuite.SignWithLabel(Schedule.Secret, string, ReadOnlySpan{byte})"/>).</summary>
    public static LeafNode Sign(CipherSuite suite, LeafNode leaf, Schedule.Secret signaturePrivateKey, byte[]? groupId = null, uint? leafIndex = null) =>
        leaf with { Signature = SignatureOf(suite, leaf, signaturePrivateKey, groupId, leafIndex) };

    /// <summary>The signature alone, the LeafNodeTBS encoded into a pooled writer and signed from there.</summary>
    public static byte[] SignatureOf(CipherSuite suite, LeafNode leaf, Schedule.Secret signaturePrivateKey, byte[]? groupId, uint? leafIndex)
    {
        var tbs = TlsWriter.Rent();
        try
        {
            leaf.EncodeTbs(tbs, groupId, leafIndex);
            return suite.SignWithLabel(signaturePrivateKey, Label, tbs.WrittenSpan);
        }
        finally { TlsWriter.Return(tbs); }
    }

    /// <summary>Checks the signature with the leaf's own <c>signature_key</c>; false on any bad input.</summary>
    public static bool Verify(CipherSuite suite, LeafNode leaf, byte[]? groupId = null, uint? leafIndex = null)
    {
        var tbs = TlsWriter.Rent();
        try
        {
            leaf.EncodeTbs(tbs, groupId, leafIndex);
            return suite.VerifyWithLabel(leaf.SignatureKey, Label, tbs.WrittenSpan, leaf.Signature);
        }
        finally { TlsWriter.Return(tbs); }
    }
}
