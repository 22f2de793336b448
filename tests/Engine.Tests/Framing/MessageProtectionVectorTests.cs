using System.Text.Json;
using Sim.Engine.Codec;
using Sim.Engine.Crypto;
using Sim.Engine.Framing;
using Sim.Engine.Messages;
using Sim.Engine.Schedule;
using Sim.Engine.Tests.Support;
using Xunit.Abstractions;

namespace Sim.Engine.Tests.Framing;

/// <summary>
/// message-protection.json: per suite, a GroupContext's fields (group_id, epoch, tree_hash,
/// confirmed_transcript_hash; no extensions), the sender's signature key pair, the epoch's
/// encryption_secret, sender_data_secret and membership_key, and for a proposal, a commit and
/// application data the raw value and its MLSMessage encodings (PublicMessage for proposal and
/// commit, PrivateMessage for all three), all sent by leaf 1 of a 2-leaf group. Checks, exactly as
/// the vector format says (RFC 9420 §6.1–§6.3): each public message verifies (membership tag,
/// signature) and yields the raw value; protecting the raw value as a PublicMessage gives one that
/// verifies (and fails for application data); each private message decrypts and verifies with a
/// fresh secret tree and yields the raw value; protecting the raw value as a PrivateMessage gives
/// one that decrypts and verifies with a fresh tree.
/// </summary>
public sealed class MessageProtectionVectorTests(ITestOutputHelper output)
{
    private const uint SenderLeaf = 1;

    [Theory, MemberData(nameof(Providers.All), MemberType = typeof(Providers))]
    public void MessageProtectionJson(string provider) => VectorFile.RunAll(output, provider, "message-protection.json", (c, i) =>
    {
        var suite = CipherSuite.Get(c.GetProperty("cipher_suite").GetUInt16());
        var context = new GroupContext(GroupContext.Mls10, suite.Id, c.Hex("group_id"), c.U64("epoch"),
            c.Hex("tree_hash"), c.Hex("confirmed_transcript_hash"), []);
        using var protection = new MessageProtection(suite, context, c.Hex("membership_key"), c.Hex("sender_data_secret"));
        var signaturePriv = c.Hex("signature_priv");
        var keys = SignatureKeys.Member(SenderLeaf, c.Hex("signature_pub"));
        var random = new DeterministicRandomSource((ulong)i, "message-protection");
        SecretTree FreshTree() => new(suite, c.Hex("encryption_secret"), 2);

        var proposal = Tls.Deserialize<Proposal>(c.Hex("proposal"));
        var commit = Tls.Deserialize<Commit>(c.Hex("commit"));
        var application = c.Hex("application");
        FramedContent Framed(ContentType type) => type switch
        {
            ContentType.Proposal => FramedContent.OfProposal(context.GroupId, context.Epoch, Sender.Member(SenderLeaf), [], proposal),
            ContentType.Commit => FramedContent.OfCommit(context.GroupId, context.Epoch, Sender.Member(SenderLeaf), [], commit),
            _ => FramedContent.OfApplication(context.GroupId, context.Epoch, Sender.Member(SenderLeaf), [], application),
        };
        byte[] Raw(FramedContent f) => f.ContentType switch
        {
            ContentType.Proposal => Tls.Serialize(f.Proposal!),
            ContentType.Commit => Tls.Serialize(f.Commit!),
            _ => f.ApplicationData!,
        };

        foreach (var (name, type) in new[] { ("proposal", ContentType.Proposal), ("commit", ContentType.Commit), ("application", ContentType.Application) })
        {
            var raw = c.Hex(name);
            byte[]? confirmationTag = null;

            // The pub message verifies with membership_key and signature_pub and yields the raw value.
            if (type != ContentType.Application)
            {
                var pub = Tls.Deserialize<MlsMessage>(c.Hex(name + "_pub"));
                var fromPub = protection.UnprotectPublic(pub.PublicMessage!, keys);
                Assert.Equal(Sender.Member(SenderLeaf), fromPub.Content.Sender);
                Assert.Equal(raw, Raw(fromPub.Content));
                confirmationTag = fromPub.Auth.ConfirmationTag;

                // Protecting the raw value gives a PublicMessage that verifies.
                var mine = protection.ProtectPublic(Framed(type), signaturePriv, confirmationTag);
                var wire = Tls.Serialize(MlsMessage.From(mine));
                using var tree = FreshTree();
                var back = protection.Unprotect(wire, tree, keys);
                Assert.Null(back.UpdatedTree);
                Assert.Equal(raw, Raw(back.Content.Content));
            }
            else
            {
                // Application data may not be sent as a PublicMessage.
                Assert.Throws<InvalidOperationException>(() => protection.ProtectPublic(Framed(type), signaturePriv));
            }

            // The priv message unprotects with a fresh secret tree and signature_pub.
            using (var receiver = FreshTree())
            {
                var priv = Tls.Deserialize<MlsMessage>(c.Hex(name + "_priv"));
                var fromPriv = protection.UnprotectPrivate(priv.PrivateMessage!, receiver, keys);
                using var updated = fromPriv.UpdatedTree!;
                Assert.Equal(Sender.Member(SenderLeaf), fromPriv.Sender);
                Assert.Equal(WireFormat.PrivateMessage, fromPriv.WireFormat);
                Assert.Equal(raw, Raw(fromPriv.Content.Content));
                if (type == ContentType.Commit)
                    Assert.Equal(confirmationTag, fromPriv.Content.Auth.ConfirmationTag);
            }

            // Protecting the raw value with a fresh tree gives a PrivateMessage that a fresh tree unprotects.
            using (var sender = FreshTree())
            using (var receiver = FreshTree())
            {
                var mine = protection.ProtectPrivate(Framed(type), signaturePriv, sender, random, confirmationTag);
                var wire = Tls.Serialize(MlsMessage.From(mine));
                var back = protection.Unprotect(wire, receiver, keys);
                using var updated = back.UpdatedTree!;
                Assert.Equal(raw, Raw(back.Content.Content));
                Assert.Equal(0u, back.Generation);
            }
        }
    });
}
