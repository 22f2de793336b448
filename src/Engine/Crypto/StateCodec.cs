using Sim.Engine.Codec;

namespace Sim.Engine.Crypto;

/// <summary>Small helpers shared by the saved-state codecs (<c>Save</c>/<c>Load</c>) of the engine's
/// state types. Loading turns every failure into <see cref="MlsDecodeException"/>.</summary>
internal static class StateCodec
{
    /// <summary>Reads a <c>uint16 cipher_suite</c>; an unknown suite is malformed state.</summary>
    public static CipherSuite ReadSuite(ref TlsReader reader)
    {
        ushort id = reader.ReadUInt16();
        if (id is < 1 or > 7) throw new MlsDecodeException($"saved state: unknown cipher suite 0x{id:x4}");
        return CipherSuite.Get(id);
    }
}
