using Sim.Engine.Codec;
using Sim.Engine.Crypto;
using Sim.Engine.Framing;
using Sim.Engine.Schedule;

namespace Sim.Engine.Pair;

/// <summary>
/// RFC 9420 §6.3.2: the SenderData of a PrivateMessage (leaf, generation, reuse_guard), decrypted with
/// the epoch's sender_data_secret. PairMLS reads it to tell a replay from a reused generation: the
/// reuse_guard is fresh randomness per message and is authenticated by an AEAD keyed from the epoch's
/// secrets, so a network or an insider who knows only header keys cannot make a datagram whose
/// generation was consumed carry a different one; only a member that sends that generation again
/// (restored from an older state) does.
/// </summary>
internal static class PairSenderData
{
    /// <summary>The SenderData, or null if it does not open under <paramref name="senderDataSecret"/>.</summary>
    public static SenderData? Open(CipherSuite suite, ReadOnlySpan<byte> senderDataSecret, PrivateMessage message)
    {
        var key = SecretTree.SenderDataKey(suite, senderDataSecret, message.Ciphertext);
        var nonce = SecretTree.SenderDataNonce(suite, senderDataSecret, message.Ciphertext);
        try
        {
            var plain = Tls.Encoded(new SenderDataAad(message.GroupId, message.Epoch, message.ContentType), (suite, key, nonce, message),
                static (a, aad) => a.suite.Aead.TryOpen(a.key, a.nonce, aad, a.message.EncryptedSenderData));
            if (plain is null) return null;
            try { return Tls.Deserialize<SenderData>(plain); }
            catch (MlsDecodeException) { return null; }
        }
        finally { Array.Clear(key); }
    }

    /// <summary>The reuse_guard as a number (4 bytes, big-endian).</summary>
    public static uint Guard(SenderData data) => (uint)(data.ReuseGuard[0] << 24 | data.ReuseGuard[1] << 16 | data.ReuseGuard[2] << 8 | data.ReuseGuard[3]);
}
