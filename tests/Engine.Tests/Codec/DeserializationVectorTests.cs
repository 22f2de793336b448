using Sim.Engine.Codec;
using Sim.Engine.Tests.Support;
using Xunit.Abstractions;

namespace Sim.Engine.Tests.Codec;

/// <summary>
/// deserialization.json: each case is a varint length header ("vlbytes_header") and the length it
/// declares. Checks the header decodes to that length and that the minimal encoding of the length
/// is exactly the header.
/// </summary>
public sealed class DeserializationVectorTests(ITestOutputHelper output)
{
    [Theory, MemberData(nameof(Providers.All), MemberType = typeof(Providers))]
    public void DeserializationJson(string provider) => VectorFile.RunAll(output, provider, "deserialization.json", (c, _) =>
    {
        var header = c.Hex("vlbytes_header");
        uint expected = c.U32("length");
        var reader = new TlsReader(header);
        Assert.Equal(expected, reader.ReadVarint());
        Assert.True(reader.End);
        var writer = new TlsWriter();
        writer.WriteVarint(expected);
        Assert.Equal(header, writer.ToArray());
    });
}
