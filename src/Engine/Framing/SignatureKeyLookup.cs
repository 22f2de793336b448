namespace Sim.Engine.Framing;

/// <summary>
/// The signature public key a receiver verifies <paramref name="content"/> with (RFC 9420 §6.1):
/// for a member the leaf's LeafNode.signature_key, for an external sender the external_senders
/// entry, for a new member the LeafNode in the commit's path or the Add's KeyPackage. Null when the
/// sender is unknown (a blank leaf, an index out of range), which rejects the message as
/// <see cref="MlsError.UnknownSender"/>. Called only after the content decrypted, so it may read it.
/// </summary>
internal delegate byte[]? SignatureKeyLookup(FramedContent content);

/// <summary>Ready-made <see cref="SignatureKeyLookup"/>s.</summary>
internal static class SignatureKeys
{
    /// <summary>Resolves member senders through <paramref name="byLeafIndex"/>; every other sender is unknown.</summary>
    public static SignatureKeyLookup Members(Func<uint, byte[]?> byLeafIndex) =>
        content => content.Sender.SenderType == SenderType.Member ? byLeafIndex(content.Sender.LeafIndex) : null;

    /// <summary>One key for a single member leaf (tests, two-party groups).</summary>
    public static SignatureKeyLookup Member(uint leafIndex, byte[] signaturePublicKey) =>
        Members(leaf => leaf == leafIndex ? signaturePublicKey : null);
}
