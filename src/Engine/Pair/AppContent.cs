using Sim.Engine.Codec;
using Sim.Engine.Identity;

namespace Sim.Engine.Pair;

/// <summary>
/// PAIRMLS.md "Framing", item 3: the application_data of the MLS application message.
/// <code>
/// struct {
///     opaque payload&lt;V&gt;;        // the user's bytes
///     IdentityEvidence evidence;  // the assertions the stapled update proposal needs, relative to
///                                 // the sender's committed identity in this epoch
/// } AppContent;
/// </code>
/// </summary>
internal sealed record AppContent(byte[] Payload, IdentityEvidence Evidence) : ITlsCodec<AppContent>
{
    public void Encode(TlsWriter writer)
    {
        writer.WriteOpaque(Payload);
        Evidence.Encode(writer);
    }

    public static AppContent Decode(ref TlsReader reader)
    {
        var payload = reader.ReadOpaque();
        return new AppContent(payload, IdentityEvidence.Decode(ref reader));
    }

    public override string ToString() => $"AppContent({Payload.Length} bytes)";
}
