using System.Text.Json;
using Sim.Engine.Codec;
using Sim.Engine.Framing;
using Sim.Engine.Messages;
using Sim.Engine.Tests.Support;
using Xunit.Abstractions;

namespace Sim.Engine.Tests.Messages;

/// <summary>
/// messages.json: each case holds one serialized instance of every MLS message structure (MLSMessage
/// in each wire format, the ratchet_tree extension body, GroupSecrets, each proposal body without
/// its proposal_type, and Commit). Checks every field decodes with its structure, consuming all its
/// bytes, and re-encodes to exactly the same bytes; a failure names the field.
/// </summary>
public sealed class MessagesVectorTests(ITestOutputHelper output)
{
    private delegate byte[] RoundTrip(byte[] bytes);

    private static RoundTrip Codec<T>() where T : ITlsCodec<T> => bytes => Tls.Serialize(Tls.Deserialize<T>(bytes));

    private static RoundTrip Body<T>(TlsReadFunc<T> decodeBody) where T : Proposal => bytes =>
    {
        var reader = new TlsReader(bytes);
        var body = decodeBody(ref reader);
        reader.EnsureEnd();
        var writer = new TlsWriter();
        body.EncodeBody(writer);
        return writer.ToArray();
    };

    private static RoundTrip Message(WireFormat expected, Func<MlsMessage, bool>? check = null) => bytes =>
    {
        var message = Tls.Deserialize<MlsMessage>(bytes);
        if (message.WireFormat != expected)
            throw new InvalidOperationException($"wire_format {message.WireFormat}, expected {expected}");
        if (check is not null && !check(message))
            throw new InvalidOperationException("decoded message has the wrong content type");
        return Tls.Serialize(message);
    };

    private static RoundTrip PublicOf(ContentType type) =>
        Message(WireFormat.PublicMessage, m => m.PublicMessage!.Content.ContentType == type);

    private static readonly (string Field, RoundTrip RoundTrip)[] Fields =
    [
        ("mls_welcome", Message(WireFormat.Welcome)),
        ("mls_group_info", Message(WireFormat.GroupInfo)),
        ("mls_key_package", Message(WireFormat.KeyPackage)),
        ("ratchet_tree", Codec<RatchetTreeWire>()),
        ("group_secrets", Codec<GroupSecrets>()),
        ("add_proposal", Body(AddProposal.DecodeBody)),
        ("update_proposal", Body(UpdateProposal.DecodeBody)),
        ("remove_proposal", Body(RemoveProposal.DecodeBody)),
        ("pre_shared_key_proposal", Body(PreSharedKeyProposal.DecodeBody)),
        ("re_init_proposal", Body(ReInitProposal.DecodeBody)),
        ("external_init_proposal", Body(ExternalInitProposal.DecodeBody)),
        ("group_context_extensions_proposal", Body(GroupContextExtensionsProposal.DecodeBody)),
        ("commit", Codec<Commit>()),
        ("public_message_application", PublicOf(ContentType.Application)),
        ("public_message_proposal", PublicOf(ContentType.Proposal)),
        ("public_message_commit", PublicOf(ContentType.Commit)),
        ("private_message", Message(WireFormat.PrivateMessage)),
    ];

    [Theory, MemberData(nameof(Providers.All), MemberType = typeof(Providers))]
    public void MessagesJson(string provider) => VectorFile.RunAll(output, provider, "messages.json", (c, _) =>
    {
        var failures = new List<string>();
        foreach (var (field, roundTrip) in Fields)
        {
            if (!c.TryGetProperty(field, out var value) || value.ValueKind != JsonValueKind.String)
            {
                failures.Add($"{field}: missing");
                continue;
            }
            var bytes = Convert.FromHexString(value.GetString()!);
            try
            {
                var again = roundTrip(bytes);
                if (!again.AsSpan().SequenceEqual(bytes))
                    failures.Add($"{field}: re-encoding differs ({again.Length} bytes vs {bytes.Length})");
            }
            catch (Exception e)
            {
                failures.Add($"{field}: {e.GetType().Name}: {e.Message}");
            }
        }
        if (failures.Count > 0) throw new InvalidOperationException(string.Join("; ", failures));
    });
}
