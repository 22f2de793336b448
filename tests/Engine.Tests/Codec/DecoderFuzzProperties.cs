using System.Text.Json;
using FsCheck;
using FsCheck.Fluent;
using Sim.Engine.Codec;
using Sim.Engine.Crypto;
using Sim.Engine.Framing;
using Sim.Engine.Messages;
using Sim.Engine.Schedule;
using Sim.Engine.Tests.Support;
using Xunit.Abstractions;

namespace Sim.Engine.Tests.Codec;

/// <summary>
/// Bad input never escapes as anything but the documented exception. For every decoder of
/// Messages/ and Framing/ (whole-buffer decoding, as off the wire), FsCheck feeds random byte
/// arrays, truncations, bit flips, byte insertions and deletions, and seed prefixes with random
/// tails of valid encodings taken from messages.json, message-protection.json and
/// transcript-hashes.json (and of every structure nested in them); the only exception allowed is
/// <see cref="MlsDecodeException"/>. The unprotect functions of <see cref="MessageProtection"/> get
/// the same treatment on the message-protection.json messages of all 7 suites: they wrap decode
/// failures as <see cref="MlsError.Malformed"/>, so only <see cref="MlsProtocolException"/> may
/// escape, and the secret tree passed in must stay untouched. Case counts are printed per decoder.
/// </summary>
public sealed class DecoderFuzzProperties(ITestOutputHelper output)
{
    private const int CasesPerDecoder = 6000;
    private const int CasesPerSuite = 1500;
    private const int SeedsPerDecoder = 24;

    /// <summary>One generated input: how it was made (for the failure report) and its bytes.</summary>
    public sealed record FuzzInput(string Kind, byte[] Bytes)
    {
        public override string ToString() => $"{Kind}: {Convert.ToHexString(Bytes)}";
    }

    private sealed record Decoder(string Name, Action<byte[]> Decode);

    // ------------------------------------------------------------------ inputs

    private static byte[] RandomBytes(Random r, int max)
    {
        var b = new byte[r.Next(max + 1)];
        r.NextBytes(b);
        return b;
    }

    /// <summary>Deterministic in (kind, seed, rng): FsCheck's seed fixes every input.</summary>
    private static FuzzInput Make(int kind, byte[] seed, int rng)
    {
        var r = new Random(rng);
        switch (kind)
        {
            case 0:
                return new FuzzInput("random", RandomBytes(r, 300));
            case 1:
                return new FuzzInput("truncation", seed[..r.Next(seed.Length + 1)]);
            case 2:
            {
                var b = (byte[])seed.Clone();
                int flips = 1 + r.Next(3);
                for (int i = 0; i < flips && b.Length > 0; i++) b[r.Next(b.Length)] ^= (byte)(1 << r.Next(8));
                return new FuzzInput($"flip×{flips}", b);
            }
            case 3:
            {
                int at = r.Next(seed.Length + 1), n = 1 + r.Next(4);
                var insert = new byte[n];
                r.NextBytes(insert);
                return new FuzzInput($"insert {n}@{at}", [.. seed[..at], .. insert, .. seed[at..]]);
            }
            case 4:
            {
                if (seed.Length == 0) return new FuzzInput("delete (empty)", seed);
                int at = r.Next(seed.Length), n = 1 + r.Next(Math.Min(4, seed.Length - at));
                return new FuzzInput($"delete {n}@{at}", [.. seed[..at], .. seed[(at + n)..]]);
            }
            default:
            {
                int at = r.Next(seed.Length + 1);
                return new FuzzInput($"splice@{at}", [.. seed[..at], .. RandomBytes(r, 64)]);
            }
        }
    }

    private static Arbitrary<FuzzInput> Inputs(IReadOnlyList<byte[]> seeds) =>
        (from kind in Gen.Frequency((2, Gen.Constant(0)), (2, Gen.Constant(1)), (4, Gen.Constant(2)),
                (2, Gen.Constant(3)), (2, Gen.Constant(4)), (2, Gen.Constant(5)))
         from index in Gen.Choose(0, seeds.Count - 1)
         from rng in Gen.Choose(0, int.MaxValue - 1)
         select Make(kind, seeds[index], rng)).ToArbitrary();

    // ------------------------------------------------------------------ decoders and seeds

    private static Decoder Codec<T>() where T : ITlsCodec<T> => new(typeof(T).Name, b => Tls.Deserialize<T>(b));

    private static Decoder Body<T>(TlsReadFunc<T> decodeBody) => new(typeof(T).Name, b =>
    {
        var reader = new TlsReader(b);
        decodeBody(ref reader);
        reader.EnsureEnd();
    });

    private static Decoder AuthData(ContentType type) => new($"FramedContentAuthData/{type}", b =>
    {
        var reader = new TlsReader(b);
        FramedContentAuthData.Decode(ref reader, type);
        reader.EnsureEnd();
    });

    private static Decoder PrivateContent(ContentType type) =>
        new($"PrivateMessageContent/{type}", b => PrivateMessageContent.Deserialize(b, type));

    private static readonly Decoder[] Decoders =
    [
        Codec<MlsMessage>(), Codec<PublicMessage>(), Codec<PrivateMessage>(), Codec<FramedContent>(),
        Codec<AuthenticatedContent>(), Codec<Sender>(), Codec<SenderData>(), Codec<SenderDataAad>(), Codec<PrivateContentAad>(),
        AuthData(ContentType.Application), AuthData(ContentType.Proposal), AuthData(ContentType.Commit),
        PrivateContent(ContentType.Application), PrivateContent(ContentType.Proposal), PrivateContent(ContentType.Commit),
        Codec<KeyPackage>(), Codec<LeafNode>(), Codec<Capabilities>(), Codec<Credential>(), Codec<Extension>(), Codec<Lifetime>(),
        Codec<RequiredCapabilities>(), Codec<ExternalSender>(), Codec<GroupContext>(), Codec<GroupInfo>(), Codec<Welcome>(),
        Codec<EncryptedGroupSecrets>(), Codec<HpkeCiphertext>(), Codec<GroupSecrets>(), Codec<PathSecret>(), Codec<PreSharedKeyId>(),
        Codec<RatchetTreeWire>(), Codec<Node>(), Codec<ParentNode>(), Codec<Proposal>(), Codec<ProposalOrRef>(), Codec<Commit>(),
        Codec<UpdatePath>(), Codec<UpdatePathNode>(),
        Body(AddProposal.DecodeBody), Body(UpdateProposal.DecodeBody), Body(RemoveProposal.DecodeBody),
        Body(PreSharedKeyProposal.DecodeBody), Body(ReInitProposal.DecodeBody), Body(ExternalInitProposal.DecodeBody),
        Body(GroupContextExtensionsProposal.DecodeBody),
    ];

    /// <summary>Valid encodings per decoder name, from the vectors and the structures nested in them.</summary>
    private sealed class Corpus
    {
        private readonly Dictionary<string, List<byte[]>> _seeds = [];
        private readonly HashSet<string> _seen = [];

        public IReadOnlyList<byte[]> For(string name) => _seeds.TryGetValue(name, out var l) ? l : [];

        public void Raw(string name, byte[] bytes)
        {
            var list = _seeds.TryGetValue(name, out var l) ? l : _seeds[name] = [];
            if (list.Count < SeedsPerDecoder && _seen.Add(name + ":" + Convert.ToHexString(bytes))) list.Add(bytes);
        }

        public void Add<T>(T value) where T : ITlsCodec<T> => Raw(typeof(T).Name, Tls.Serialize(value));

        private void Body(Proposal p)
        {
            var w = new TlsWriter();
            p.EncodeBody(w);
            Raw(p.GetType().Name, w.ToArray());
        }

        public void Walk(MlsMessage m)
        {
            Add(m);
            if (m.PublicMessage is { } pub) Walk(pub);
            if (m.PrivateMessage is { } priv) Walk(priv);
            if (m.Welcome is { } welcome) Walk(welcome);
            if (m.GroupInfo is { } info) Walk(info);
            if (m.KeyPackage is { } kp) Walk(kp);
        }

        public void Walk(PublicMessage m)
        {
            Add(m);
            Walk(m.ToAuthenticatedContent());
        }

        public void Walk(AuthenticatedContent a)
        {
            Add(a);
            var c = a.Content;
            Add(c);
            Add(c.Sender);
            var w = new TlsWriter();
            a.Auth.Encode(w, c.ContentType);
            Raw($"FramedContentAuthData/{c.ContentType}", w.ToArray());
            foreach (int padding in new[] { 0, 9 })
                Raw($"PrivateMessageContent/{c.ContentType}", PrivateMessageContent.From(c, a.Auth, padding).Serialize());
            if (c.Proposal is { } p) Walk(p);
            if (c.Commit is { } commit) Walk(commit);
        }

        public void Walk(PrivateMessage m)
        {
            Add(m);
            Add(new PrivateContentAad(m.GroupId, m.Epoch, m.ContentType, m.AuthenticatedData));
            Add(new SenderDataAad(m.GroupId, m.Epoch, m.ContentType));
        }

        public void Walk(Welcome w)
        {
            Add(w);
            foreach (var s in w.Secrets)
            {
                Add(s);
                Add(s.EncryptedGroupSecretsCiphertext);
            }
        }

        public void Walk(GroupInfo g)
        {
            Add(g);
            Add(g.GroupContext);
            foreach (var e in g.Extensions) Add(e);
        }

        public void Walk(KeyPackage k)
        {
            Add(k);
            Walk(k.LeafNode);
            foreach (var e in k.Extensions) Add(e);
        }

        public void Walk(LeafNode l)
        {
            Add(l);
            Add(l.Credential);
            Add(l.Capabilities);
            if (l.Lifetime is { } lifetime) Add(lifetime);
            foreach (var e in l.Extensions) Add(e);
        }

        public void Walk(RatchetTreeWire t)
        {
            Add(t);
            foreach (var n in t.Nodes)
            {
                if (n is null) continue;
                Add(n);
                if (n.Leaf is { } leaf) Walk(leaf);
                if (n.Parent is { } parent) Add(parent);
            }
        }

        public void Walk(GroupSecrets g)
        {
            Add(g);
            if (g.PathSecret is { } ps) Add(ps);
            foreach (var psk in g.Psks) Add(psk);
        }

        public void Walk(Proposal p)
        {
            Add(p);
            Body(p);
            switch (p)
            {
                case AddProposal add: Walk(add.KeyPackage); break;
                case UpdateProposal update: Walk(update.LeafNode); break;
                case PreSharedKeyProposal psk: Add(psk.Psk); break;
                case ReInitProposal reinit: foreach (var e in reinit.Extensions) Add(e); break;
                case GroupContextExtensionsProposal gce: foreach (var e in gce.Extensions) Add(e); break;
            }
        }

        public void Walk(Commit c)
        {
            Add(c);
            foreach (var por in c.Proposals)
            {
                Add(por);
                if (por.Proposal is { } p) Walk(p);
            }
            if (c.Path is { } path)
            {
                Add(path);
                Walk(path.LeafNode);
                foreach (var n in path.Nodes)
                {
                    Add(n);
                    foreach (var ct in n.EncryptedPathSecret) Add(ct);
                }
            }
        }
    }

    private static readonly Lazy<Corpus> Seeds = new(BuildCorpus);

    private static Corpus BuildCorpus()
    {
        var corpus = new Corpus();
        var mlsFields = new[] { "mls_welcome", "mls_group_info", "mls_key_package", "public_message_application",
            "public_message_proposal", "public_message_commit", "private_message" };
        var bodies = new (string Field, ProposalType Type)[]
        {
            ("add_proposal", ProposalType.Add), ("update_proposal", ProposalType.Update), ("remove_proposal", ProposalType.Remove),
            ("pre_shared_key_proposal", ProposalType.PreSharedKey), ("re_init_proposal", ProposalType.ReInit),
            ("external_init_proposal", ProposalType.ExternalInit), ("group_context_extensions_proposal", ProposalType.GroupContextExtensions),
        };
        // messages.json has 300 cases; a spread of them is plenty (seeds are capped per decoder anyway).
        foreach (var c in VectorFile.Load("messages.json").Where((_, i) => i % 10 == 0))
        {
            foreach (var f in mlsFields) corpus.Walk(Tls.Deserialize<MlsMessage>(c.Hex(f)));
            corpus.Walk(Tls.Deserialize<RatchetTreeWire>(c.Hex("ratchet_tree")));
            corpus.Walk(Tls.Deserialize<GroupSecrets>(c.Hex("group_secrets")));
            corpus.Walk(Tls.Deserialize<Commit>(c.Hex("commit")));
            foreach (var (field, type) in bodies)
            {
                var w = new TlsWriter();
                w.WriteUInt16((ushort)type);
                w.WriteFixed(c.Hex(field));
                corpus.Walk(Tls.Deserialize<Proposal>(w.ToArray()));
            }
        }
        foreach (var c in VectorFile.Load("message-protection.json"))
            foreach (var f in new[] { "proposal_pub", "commit_pub", "proposal_priv", "commit_priv", "application_priv" })
                corpus.Walk(Tls.Deserialize<MlsMessage>(c.Hex(f)));
        foreach (var c in VectorFile.Load("transcript-hashes.json"))
            corpus.Walk(Tls.Deserialize<AuthenticatedContent>(c.Hex("authenticated_content")));

        // Structures no vector carries on its own: a few hand-made values.
        corpus.Add(new SenderData(1, 0, [1, 2, 3, 4]));
        corpus.Add(new SenderData(0x01020304, 0xFFFFFFFF, [0, 0, 0, 0]));
        corpus.Add(new RequiredCapabilities([0x0A0A, 5], [7], [1, 2]));
        corpus.Add(new RequiredCapabilities([], [], []));
        corpus.Add(new ExternalSender(Enumerable.Repeat((byte)0x42, 32).ToArray(), Credential.Basic("external"u8.ToArray())));
        corpus.Add(new ExternalSender([], Credential.X509([[1, 2, 3], []])));
        corpus.Add(Sender.External(3));
        corpus.Add(Sender.NewMemberCommit());
        corpus.Add(Sender.NewMemberProposal());
        corpus.Add(new ParentNode(Enumerable.Repeat((byte)0x17, 32).ToArray(), Enumerable.Repeat((byte)0x29, 32).ToArray(), [1, 3]));
        corpus.Add(new ParentNode([0x04, 0x05], [], []));
        return corpus;
    }

    // ------------------------------------------------------------------ properties

    [Fact]
    public void EveryDecoderThrowsOnlyMlsDecodeException()
    {
        var corpus = Seeds.Value;
        int total = 0;
        foreach (var decoder in Decoders)
        {
            var seeds = corpus.For(decoder.Name);
            Assert.True(seeds.Count > 0, $"{decoder.Name}: no valid encoding to mutate");
            foreach (var s in seeds) decoder.Decode(s); // every seed is valid for its decoder

            int cases = 0, accepted = 0;
            var property = Prop.ForAll(Inputs(seeds), input =>
            {
                cases++;
                try
                {
                    decoder.Decode(input.Bytes);
                    accepted++;
                }
                catch (MlsDecodeException)
                {
                }
            });
            Check.One(Config.QuickThrowOnFailure.WithMaxTest(CasesPerDecoder).WithQuietOnSuccess(true).WithName(decoder.Name), property);
            Assert.Equal(CasesPerDecoder, cases);
            total += cases;
            output.WriteLine($"FUZZ {decoder.Name}: {cases} cases from {seeds.Count} seeds, {cases - accepted} rejected (MlsDecodeException), {accepted} decoded");
        }
        output.WriteLine($"FUZZ decoders: {Decoders.Length} decoders, {total} cases, only MlsDecodeException escaped");
    }

    /// <summary>
    /// Encrypts <paramref name="plaintext"/> and <paramref name="senderData"/> correctly for this epoch
    /// (content key of leaf 1 at <paramref name="generation"/>, reuse guard 0), so that mutated
    /// plaintexts and sender data reach the decoders and checks behind the AEAD.
    /// </summary>
    private static byte[] Seal(CipherSuite suite, SecretTree tree, byte[] senderDataSecret, PrivateMessage template,
        byte[] plaintext, byte[] senderData, uint generation)
    {
        using var copy = tree.Clone();
        using var key = copy.ForDecryption(1, MessageProtection.KindOf(template.ContentType), generation);
        var aad = Tls.Serialize(new PrivateContentAad(template.GroupId, template.Epoch, template.ContentType, template.AuthenticatedData));
        var ciphertext = suite.Aead.Seal(key.Key, key.Nonce, aad, plaintext);
        var encryptedSenderData = suite.Aead.Seal(SecretTree.SenderDataKey(suite, senderDataSecret, ciphertext),
            SecretTree.SenderDataNonce(suite, senderDataSecret, ciphertext),
            Tls.Serialize(new SenderDataAad(template.GroupId, template.Epoch, template.ContentType)), senderData);
        return Tls.Serialize(MlsMessage.From(template with { EncryptedSenderData = encryptedSenderData, Ciphertext = ciphertext }));
    }

    [Fact]
    public void UnprotectThrowsOnlyMlsProtocolExceptionAndLeavesTheTreeUnchanged()
    {
        int total = 0;
        foreach (var c in VectorFile.Load("message-protection.json"))
        {
            var suite = CipherSuite.Get(c.GetProperty("cipher_suite").GetUInt16());
            var context = new GroupContext(GroupContext.Mls10, suite.Id, c.Hex("group_id"), c.U64("epoch"),
                c.Hex("tree_hash"), c.Hex("confirmed_transcript_hash"), []);
            var senderDataSecret = c.Hex("sender_data_secret");
            using var protection = new MessageProtection(suite, context, c.Hex("membership_key"), senderDataSecret);
            var keys = SignatureKeys.Member(1, c.Hex("signature_pub"));
            using var tree = new SecretTree(suite, c.Hex("encryption_secret"), 2);
            var privates = new[] { "proposal_priv", "commit_priv", "application_priv" }.Select(f => c.Hex(f)).ToArray();
            var seeds = privates.Concat(new[] { "proposal_pub", "commit_pub" }.Select(f => c.Hex(f))).ToArray();

            // The plaintexts behind the private messages, to mutate and re-encrypt.
            var templates = privates.Select(p => Tls.Deserialize<MlsMessage>(p).PrivateMessage!).ToArray();
            var plaintexts = privates.Select(p =>
            {
                var result = protection.Unprotect(p, tree, keys);
                result.UpdatedTree!.Dispose();
                return PrivateMessageContent.From(result.Content.Content, result.Content.Auth).Serialize();
            }).ToArray();

            // (a)-(c) on the wire bytes; and behind the AEAD: a mutated plaintext under a correct key,
            // with correct sender data, a blank or out-of-tree leaf, or mutated sender data.
            var wire = Inputs(seeds).Generator;
            var resealed =
                from t in Gen.Choose(0, templates.Length - 1)
                from kind in Gen.Frequency((1, Gen.Constant(-1)), (2, Gen.Choose(0, 5)))
                from senderMode in Gen.Frequency((6, Gen.Constant(0)), (1, Gen.Constant(1)), (1, Gen.Constant(2)), (2, Gen.Constant(3)))
                from generation in Gen.Choose(0, 40)
                from rng in Gen.Choose(0, int.MaxValue - 1)
                select Resealed(t, kind, senderMode, (uint)generation, rng);
            FuzzInput Resealed(int t, int kind, int senderMode, uint generation, int rng)
            {
                var plaintext = kind < 0 ? new FuzzInput("intact", plaintexts[t]) : Make(kind, plaintexts[t], rng);
                var senderData = Tls.Serialize(new SenderData(senderMode switch { 1 => 0u, 2 => 7u, _ => 1u }, generation, [0, 0, 0, 0]));
                var senderInput = senderMode == 3 ? Make(rng % 6, senderData, rng / 7) : new FuzzInput($"leaf mode {senderMode}", senderData);
                return new FuzzInput($"resealed plaintext {plaintext.Kind}, sender data {senderInput.Kind}, generation {generation}",
                    Seal(suite, tree, senderDataSecret, templates[t], plaintext.Bytes, senderInput.Bytes, generation));
            }

            int cases = 0, accepted = 0;
            var errors = new Dictionary<MlsError, int>();
            var property = Prop.ForAll(Gen.Frequency((1, wire), (1, resealed)).ToArbitrary(), input =>
            {
                cases++;
                try
                {
                    protection.Unprotect(input.Bytes, tree, keys).UpdatedTree?.Dispose();
                    accepted++;
                }
                catch (MlsProtocolException e)
                {
                    errors[e.Error] = errors.GetValueOrDefault(e.Error) + 1;
                }
            });
            Check.One(Config.QuickThrowOnFailure.WithMaxTest(CasesPerSuite).WithQuietOnSuccess(true).WithName($"unprotect suite {suite.Id}"), property);
            Assert.Equal(CasesPerSuite, cases);
            total += cases;

            // Nothing was consumed from the tree: every original message still unprotects at its generation.
            foreach (var p in privates)
                protection.Unprotect(p, tree, keys).UpdatedTree!.Dispose();

            output.WriteLine($"FUZZ unprotect suite {suite.Id}: {cases} cases, {accepted} accepted, rejected: " +
                string.Join(", ", errors.OrderByDescending(kv => kv.Value).Select(kv => $"{kv.Key} {kv.Value}")));
        }
        output.WriteLine($"FUZZ unprotect: {total} cases, only MlsProtocolException escaped");
    }
}
