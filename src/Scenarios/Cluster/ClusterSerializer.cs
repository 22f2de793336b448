using System.Runtime.Serialization;
using System.Text.Json;
using Akka.Actor;
using Akka.Serialization;

namespace Sim.Scenarios.Cluster;

/// <summary>
/// Akka serializer for <see cref="IClusterMessage"/>: System.Text.Json with a short manifest per
/// message type. Bytes that do not decode raise <see cref="SerializationException"/> (Akka drops that
/// message and logs it); an unknown manifest is refused the same way, never resolved as a type name.
/// </summary>
public sealed class ClusterSerializer(ExtendedActorSystem system) : SerializerWithStringManifest(system)
{
    /// <summary>Akka serializer id (user ids are above 100).</summary>
    public const int Id = 9420;

    private static readonly Dictionary<string, Type> Types = new(StringComparer.Ordinal)
    {
        ["hello"] = typeof(WorkerHello),
        ["ready"] = typeof(WorkerReady),
        ["item"] = typeof(WorkItem),
        ["done"] = typeof(WorkDone),
        ["failed"] = typeof(WorkFailed),
    };

    // A missing or null field is malformed, not a default (RespectNullableAnnotations: the records say which may be null).
    private static readonly JsonSerializerOptions Json = new() { RespectNullableAnnotations = true, RespectRequiredConstructorParameters = true };

    private static readonly Dictionary<Type, string> Manifests = Types.ToDictionary(kv => kv.Value, kv => kv.Key);

    public override int Identifier => Id;

    public override string Manifest(object o) =>
        Manifests.TryGetValue(o.GetType(), out var m) ? m : throw new ArgumentException($"not a cluster message: {o.GetType()}", nameof(o));

    public override byte[] ToBinary(object obj)
    {
        ArgumentNullException.ThrowIfNull(obj);
        _ = Manifest(obj);
        return JsonSerializer.SerializeToUtf8Bytes(obj, obj.GetType(), Json);
    }

    public override object FromBinary(byte[] bytes, string manifest)
    {
        if (!Types.TryGetValue(manifest, out var type)) throw new SerializationException($"unknown cluster message manifest '{manifest}'");
        try
        {
            return JsonSerializer.Deserialize(bytes, type, Json) ?? throw new SerializationException($"empty cluster message '{manifest}'");
        }
        catch (JsonException e)
        {
            throw new SerializationException($"malformed cluster message '{manifest}': {e.Message}", e);
        }
    }
}
