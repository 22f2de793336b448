using Sim.Engine.Crypto;

namespace Sim.Engine.Messages;

/// <summary>
/// RFC 9420 §12.4.3: a GroupInfo is signed by the member at leaf <c>signer</c>,
/// SignWithLabel(., "GroupInfoTBS", GroupInfoTBS). The verifier takes the signer's public key
/// from the ratchet tree, which this layer does not know; callers pass it in.
/// </summary>
internal static class GroupInfoSignature
{
    public const string Label = "GroupInfoTBS";

    /// <summary>The GroupInfo with its signature field set; the incoming signature value is ignored.</summary>
    public static GroupInfo Sign(CipherSuite suite, GroupInfo groupInfo, ReadOnlySpan<byte> signerPrivateKey) =>
        groupInfo with { Signature = suite.SignWithLabel(signerPrivateKey, Label, groupInfo.ToBeSigned()) };

    /// <summary>False on a bad signature or a malformed key or signature.</summary>
    public static bool Verify(CipherSuite suite, GroupInfo groupInfo, ReadOnlySpan<byte> signerPublicKey) =>
        suite.VerifyWithLabel(signerPublicKey, Label, groupInfo.ToBeSigned(), groupInfo.Signature);

    /// <summary><see cref="Verify"/>, failing with <see cref="MlsError.BadSignature"/> (a malformed key: <see cref="MlsError.InvalidKey"/>).</summary>
    public static void Check(CipherSuite suite, GroupInfo groupInfo, ReadOnlySpan<byte> signerPublicKey)
    {
        if (!Verify(suite, groupInfo, signerPublicKey))
        {
            ValidationRules.SignatureKey(suite, signerPublicKey, $"GroupInfo signer {groupInfo.Signer}");
            throw new MlsProtocolException(MlsError.BadSignature, $"GroupInfo signature by leaf {groupInfo.Signer} does not verify");
        }
    }
}
