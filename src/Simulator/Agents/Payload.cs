using System.Buffers.Binary;
using Sim.Engine.Crypto;

namespace Sim.Simulator.Agents;

/// <summary>
/// Simulated user payloads: the first 8 bytes are the payload id (big-endian), the rest filler from
/// the world's script randomness. The trace names a payload by its id and never records its bytes.
/// </summary>
public static class Payload
{
    public const int IdBytes = 8;

    /// <summary>A payload of <paramref name="sizeBytes"/> bytes (at least <see cref="IdBytes"/>) carrying <paramref name="id"/>.</summary>
    public static byte[] Create(long id, int sizeBytes, IRandomSource filler)
    {
        ArgumentNullException.ThrowIfNull(filler);
        var bytes = new byte[Math.Max(IdBytes, sizeBytes)];
        BinaryPrimitives.WriteInt64BigEndian(bytes, id);
        filler.Fill(bytes.AsSpan(IdBytes));
        return bytes;
    }

    /// <summary>The id a payload carries, or null if it is too short to be one of ours.</summary>
    public static long? IdOf(ReadOnlySpan<byte> payload) =>
        payload.Length >= IdBytes ? BinaryPrimitives.ReadInt64BigEndian(payload) : null;
}
