using Sim.Engine.Codec;

namespace Sim.Engine.Messages;

/// <summary>
/// Validates enum values read off the wire: a value the enum does not define is malformed input
/// (<see cref="MlsDecodeException"/>), never a silently carried integer.
/// </summary>
internal static class WireEnum
{
    public static T Check<T>(T value, string field) where T : struct, Enum =>
        Enum.IsDefined(value) ? value : throw new MlsDecodeException($"{field}: unknown value {Convert.ToUInt64(value)}");

    /// <summary>Reads <c>uint16 values&lt;V&gt;</c> into an array of exactly its length (a list grown item by item
    /// would allocate twice for the five vectors of every decoded Capabilities).</summary>
    public static IReadOnlyList<ushort> ReadUInt16Vector(ref TlsReader reader)
    {
        var bytes = reader.ReadOpaqueSpan();
        if (bytes.Length % 2 != 0) throw new MlsDecodeException($"a uint16 vector of {bytes.Length} bytes (not a whole number of uint16)");
        if (bytes.IsEmpty) return [];
        var values = new ushort[bytes.Length / 2];
        for (int i = 0; i < values.Length; i++) values[i] = System.Buffers.Binary.BinaryPrimitives.ReadUInt16BigEndian(bytes[(2 * i)..]);
        return values;
    }

    public static void WriteUInt16Vector(TlsWriter writer, IReadOnlyList<ushort> values) =>
        writer.WriteVector(values, (w, v) => w.WriteUInt16(v));

    public static InvalidOperationException Missing(string type, string field, object discriminant) =>
        new($"{type}: {field} is required when the discriminant is {discriminant}");
}
