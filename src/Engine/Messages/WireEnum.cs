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

    public static IReadOnlyList<ushort> ReadUInt16Vector(ref TlsReader reader) =>
        reader.ReadVector((ref TlsReader r) => r.ReadUInt16());

    public static void WriteUInt16Vector(TlsWriter writer, IReadOnlyList<ushort> values) =>
        writer.WriteVector(values, (w, v) => w.WriteUInt16(v));

    public static InvalidOperationException Missing(string type, string field, object discriminant) =>
        new($"{type}: {field} is required when the discriminant is {discriminant}");
}
