using Sim.Engine.Codec;
using Sim.Engine.Framing;
using Sim.Engine.Messages;
using Sim.Engine.Tests.Support;

namespace Sim.Engine.Tests.Messages;

/// <summary>
/// Malformed input built from messages.json: every proper prefix of a field, and deterministic
/// single-byte mutations of it, must either decode or fail with <see cref="MlsDecodeException"/> —
/// never any other exception.
/// </summary>
public sealed class MalformedVectorTests
{
    private static readonly (string Field, Action<byte[]> Decode)[] Fields =
    [
        ("mls_welcome", b => Tls.Deserialize<MlsMessage>(b)),
        ("mls_group_info", b => Tls.Deserialize<MlsMessage>(b)),
        ("mls_key_package", b => Tls.Deserialize<MlsMessage>(b)),
        ("ratchet_tree", b => Tls.Deserialize<RatchetTreeWire>(b)),
        ("group_secrets", b => Tls.Deserialize<GroupSecrets>(b)),
        ("commit", b => Tls.Deserialize<Commit>(b)),
        ("public_message_application", b => Tls.Deserialize<MlsMessage>(b)),
        ("public_message_proposal", b => Tls.Deserialize<MlsMessage>(b)),
        ("public_message_commit", b => Tls.Deserialize<MlsMessage>(b)),
        ("private_message", b => Tls.Deserialize<MlsMessage>(b)),
    ];

    private static void OnlyDecodeErrors(string field, byte[] bytes, Action<byte[]> decode, string what)
    {
        try { decode(bytes); }
        catch (MlsDecodeException) { }
        catch (Exception e)
        {
            Assert.Fail($"{field} ({what}): {e.GetType().Name}: {e.Message}");
        }
    }

    [Fact]
    public void TruncatedFieldsFailOnlyWithDecodeErrors()
    {
        var cases = VectorFile.Load("messages.json");
        foreach (var c in cases.Take(10))
            foreach (var (field, decode) in Fields)
            {
                var bytes = c.Hex(field);
                for (int n = 0; n < bytes.Length; n++)
                    Assert.Throws<MlsDecodeException>(() => decode(bytes[..n]));
            }
    }

    [Fact]
    public void MutatedFieldsFailOnlyWithDecodeErrors()
    {
        var random = new Random(9420);
        var cases = VectorFile.Load("messages.json");
        foreach (var c in cases.Take(30))
            foreach (var (field, decode) in Fields)
            {
                var original = c.Hex(field);
                for (int i = 0; i < 200; i++)
                {
                    var bytes = (byte[])original.Clone();
                    int at = random.Next(bytes.Length);
                    bytes[at] = (byte)random.Next(256);
                    OnlyDecodeErrors(field, bytes, decode, $"byte {at} = {bytes[at]}");
                }
            }
    }
}
