using FsCheck;
using FsCheck.Fluent;
using Sim.Engine.Codec;
using Sim.Engine.Crypto;
using Sim.Engine.Framing;
using Sim.Engine.Group;
using Sim.Engine.Messages;
using Xunit.Abstractions;
using static Sim.Engine.Tests.Group.GroupTestKit;

namespace Sim.Engine.Tests.Group;

/// <summary>
/// Bad input never changes a group (DESIGN.md: a state change is swapped in only after every check).
/// A corpus of valid messages of real groups — Update, Remove and Add proposals, Commits by reference
/// and inline, current-epoch application messages and a late application message of a retained past
/// epoch, as PublicMessage and PrivateMessage, in suite 1 (4 members) and a few in suites 2..7 — each
/// with the receiver's saved state for which it is valid (checked). A property (FsCheck) delivers one
/// mutation of one message to a receiver loaded from that state: a bit flipped anywhere in the message,
/// a wrong epoch or a wrong sender (re-framed: re-signed, re-tagged, re-encrypted with the sender's own
/// keys), a replay (the same message a second time, after the first was accepted), a truncation, or
/// random bytes. Each must be rejected with <see cref="ProcessMessageException"/> and nothing else, and the
/// receiver's <see cref="MlsGroup.Save"/> must be byte-identical before and after. Counts per mutation
/// kind are printed.
/// </summary>
public sealed class GroupBadInputProperties(ITestOutputHelper output)
{
    private const int Cases = 6000;

    public enum Mutation { BitFlip, WrongEpoch, WrongSender, Replay, Truncation, RandomBytes }

    /// <summary>A valid message, the receiver state it is valid for, and the sender's state just before sending.</summary>
    private sealed record Entry(string Name, ushort Suite, GroupOptions Options, byte[] Message, byte[] Receiver, byte[] Sender)
    {
        public override string ToString() => $"{Name} (suite {Suite}, {Options.HandshakeWireFormat} handshakes)";
    }

    public sealed record Case(int Entry, Mutation Kind, int A, int B);

    private static readonly Lazy<List<Entry>> Corpus = new(BuildCorpus);

    // ---------------------------------------------------------------- the corpus

    private static List<Entry> BuildCorpus()
    {
        var entries = new List<Entry>();
        foreach (var wf in new[] { WireFormat.PublicMessage, WireFormat.PrivateMessage })
            entries.AddRange(Suite1(GroupOptions.Default with { PastEpochsRetained = 2, HandshakeWireFormat = wf }));
        for (ushort s = 2; s <= 7; s++)
            entries.AddRange(OtherSuite(s, GroupOptions.Default with
            {
                PastEpochsRetained = 1,
                HandshakeWireFormat = s % 2 == 0 ? WireFormat.PrivateMessage : WireFormat.PublicMessage,
            }));
        // Every message is valid for its receiver as it is.
        foreach (var e in entries)
        {
            var receiver = MlsGroup.Load(e.Receiver, new DeterministicRandomSource(1), e.Options);
            if (receiver.Process(e.Message) is StagedCommit staged) receiver.Merge(staged);
        }
        return entries;
    }

    private static IEnumerable<Entry> Suite1(GroupOptions options)
    {
        var kit = new GroupTestKit(1, seed: 5, options);
        var g = kit.Group(4);
        var (m0, m1, m2) = (g[0], g[1], g[2]);
        var list = new List<Entry>();
        Entry Make(string name, MlsGroup sender, Func<MlsMessage> send, byte[] receiver)
        {
            var before = sender.Save();
            var e = new Entry(name, 1, options, Encode(send()), receiver, before);
            list.Add(e);
            return e;
        }

        // Epoch 1, nothing received yet by m0.
        var ra = m0.Save();
        var p1 = Make("Update proposal", m1, () => m1.ProposeUpdate(), ra);
        var p2 = Make("Remove proposal", m2, () => m2.ProposeRemove(3), ra);
        var p3 = Make("Add proposal", m1, () => m1.ProposeAdd(kit.KeyPackage(kit.NewClient("joiner")).KeyPackage), ra);
        var a1 = Make("application", m1, () => m1.EncryptApplication("from m1"u8), ra);
        var a2 = Make("application", m2, () => m2.EncryptApplication("from m2"u8, Bytes("aad")), ra);
        foreach (var e in new[] { p1, p2, p3, a1, a2 }) m0.Process(e.Message);
        m1.Process(p2.Message);
        m1.Process(a2.Message);
        m2.Process(p1.Message);
        m2.Process(p3.Message);
        m2.Process(a1.Message);

        // m0 holds three cached proposals: Commits by reference (m1, with a path) and inline (m2).
        var rb = m0.Save();
        CommitResult? c1 = null;
        Make("Commit by reference", m1, () => (c1 = m1.Commit(new CommitOptions { ForcePath = true })).Commit, rb);
        Make("Commit inline", m2, () => m2.Commit(new CommitOptions { ProposalRefs = [], InlineProposals = [new RemoveProposal(3)] }).Commit, rb);
        var late = Make("late application", m2, () => m2.EncryptApplication("late"u8), rb);

        // m0 moves to epoch 2; m2's message of epoch 1 is late but its epoch is retained.
        m0.Merge((StagedCommit)m0.Process(c1!.Commit));
        list.Remove(late);
        list.Add(late with { Receiver = m0.Save() });
        return list;
    }

    private static IEnumerable<Entry> OtherSuite(ushort suite, GroupOptions options)
    {
        var kit = new GroupTestKit(suite, seed: 6, options);
        var g = kit.Group(3);
        var r = g[0].Save();
        var s1 = g[1].Save();
        var p = Encode(g[1].ProposeUpdate());
        var s1b = g[1].Save();
        var a = Encode(g[1].EncryptApplication("hi"u8));
        var s2 = g[2].Save();
        var c = Encode(g[2].Commit(new CommitOptions { ForcePath = true }).Commit);
        return [new("Update proposal", suite, options, p, r, s1), new("application", suite, options, a, r, s1b), new("Commit", suite, options, c, r, s2)];
    }

    // ---------------------------------------------------------------- mutations

    /// <summary>The original content, changed by <paramref name="change"/>, signed, tagged and encrypted again with the sender's keys
    /// (under a GroupContext of <paramref name="epoch"/>, if given).</summary>
    private static byte[] Reframe(Entry e, Func<FramedContent, FramedContent> change, ulong? epoch = null)
    {
        var sender = GroupState.Load(e.Sender, e.Options);
        var message = Tls.Deserialize<MlsMessage>(e.Message);
        AuthenticatedContent original;
        using (var own = MessageProtection.ForEpoch(sender.Context, sender.Secrets, sender.Options.Padding))
            original = own.Unprotect(message, sender.SecretTree.Clone(), SignatureKeys.Members(l => sender.Tree.TryGetLeaf(l)?.SignatureKey)).Content;
        var context = epoch is { } x ? sender.Context with { Epoch = x } : sender.Context;
        var content = change(original.Content);
        using var protection = MessageProtection.ForEpoch(context, sender.Secrets, sender.Options.Padding);
        var signed = protection.Sign(content, original.WireFormat, sender.SignaturePrivateKey.Span, original.Auth.ConfirmationTag);
        return Encode(original.WireFormat == WireFormat.PublicMessage
            ? MlsMessage.From(protection.ProtectPublic(signed))
            : MlsMessage.From(protection.ProtectPrivate(signed, sender.SecretTree.Clone(), new DeterministicRandomSource(3))));
    }

    private static (string Label, byte[] Bytes) Mutate(Entry e, Case c, MlsGroup receiver)
    {
        var m = e.Message;
        var rng = new Random(c.B);
        switch (c.Kind)
        {
            case Mutation.BitFlip:
            {
                var flipped = m.ToArray();
                int pos = c.A % m.Length;
                flipped[pos] ^= (byte)(1 << (c.B % 8));
                return ($"bit {c.B % 8} of byte {pos}/{m.Length}", flipped);
            }
            case Mutation.WrongEpoch:
            {
                var sender = GroupState.Load(e.Sender, e.Options);
                ulong real = sender.Epoch;
                ulong[] choices = [real + 1, real - 1, real + 2, ulong.MaxValue, 0, receiver.Epoch + 1];
                ulong wrong = choices[c.A % choices.Length];
                if (wrong == real) wrong = real + 3;
                return ($"epoch {wrong} instead of {real}", Reframe(e, f => f with { Epoch = wrong }, wrong));
            }
            case Mutation.WrongSender:
            {
                var sender = GroupState.Load(e.Sender, e.Options);
                bool isPublic = Tls.Deserialize<MlsMessage>(m).WireFormat == WireFormat.PublicMessage;
                var others = Enumerable.Range(0, (int)sender.Tree.LeafCount).Select(i => Sender.Member((uint)i))
                    .Where(s => s.LeafIndex != sender.OwnLeafIndex).ToList();
                if (isPublic) others.AddRange([Sender.Member(sender.Tree.LeafCount), Sender.Member(1000), Sender.Member(uint.MaxValue), Sender.External(0)]);
                var wrong = others[c.A % others.Count];
                return ($"sender {wrong.SenderType} {wrong.LeafIndex}", Reframe(e, f => f with { Sender = wrong }));
            }
            case Mutation.Replay:
                return ("replay", m);
            case Mutation.Truncation:
            {
                int length = c.A % m.Length;
                return ($"first {length}/{m.Length} bytes", m[..length]);
            }
            default:
            {
                var bytes = new byte[c.A % 600];
                rng.NextBytes(bytes);
                // Half keep a real prefix (version, wire format, group id...) to get past the first checks.
                int prefix = c.B % 2 == 0 ? Math.Min(bytes.Length, rng.Next(m.Length)) : 0;
                m.AsSpan(0, prefix).CopyTo(bytes);
                return ($"{bytes.Length} random bytes after a {prefix}-byte prefix", bytes);
            }
        }
    }

    /// <summary>Delivers one mutation to a freshly loaded receiver; fails unless it is rejected with <see cref="ProcessMessageException"/>
    /// (<c>MlsGroup.Process</c>'s typed refusal) and the saved state is byte-identical.</summary>
    private static void Run(Case c)
    {
        var e = Corpus.Value[c.Entry];
        var receiver = MlsGroup.Load(e.Receiver, new DeterministicRandomSource(2), e.Options);
        if (c.Kind == Mutation.Replay && receiver.Process(e.Message) is StagedCommit staged) receiver.Merge(staged);
        var before = receiver.Save();
        var (label, bytes) = Mutate(e, c, receiver);
        try
        {
            var accepted = receiver.Process(bytes);
            throw new Xunit.Sdk.XunitException($"{e} with {c.Kind} ({label}) was accepted as {accepted.GetType().Name}");
        }
        catch (ProcessMessageException) { }
        catch (Exception x) when (x is not Xunit.Sdk.XunitException)
        {
            throw new Xunit.Sdk.XunitException($"{e} with {c.Kind} ({label}) threw {x.GetType().Name}: {x.Message}\n{x.StackTrace}");
        }
        if (!before.AsSpan().SequenceEqual(receiver.Save()))
            throw new Xunit.Sdk.XunitException($"{e} with {c.Kind} ({label}) was rejected but changed the saved state");
    }

    private static Arbitrary<Case> Cases_()
    {
        int count = Corpus.Value.Count, suite1 = Corpus.Value.Count(e => e.Suite == 1);
        return (from entry in Gen.Frequency((4, Gen.Choose(0, suite1 - 1)), (1, Gen.Choose(suite1, count - 1)))
                from kind in Gen.Frequency((6, Gen.Constant(Mutation.BitFlip)), (1, Gen.Constant(Mutation.WrongEpoch)),
                    (1, Gen.Constant(Mutation.WrongSender)), (1, Gen.Constant(Mutation.Replay)), (2, Gen.Constant(Mutation.Truncation)),
                    (1, Gen.Constant(Mutation.RandomBytes)))
                from a in Gen.Choose(0, int.MaxValue - 1)
                from b in Gen.Choose(0, int.MaxValue - 1)
                select new Case(entry, kind, a, b)).ToArbitrary();
    }

    [Fact]
    public void EveryMutationOfAValidMessage_IsRejectedWithProcessMessageException_AndLeavesTheSavedStateIdentical()
    {
        var counts = Enum.GetValues<Mutation>().ToDictionary(k => k, _ => 0);
        var bySuite = new Dictionary<ushort, int>();
        var property = Prop.ForAll(Cases_(), c =>
        {
            Run(c);
            counts[c.Kind]++;
            var suite = Corpus.Value[c.Entry].Suite;
            bySuite[suite] = bySuite.GetValueOrDefault(suite) + 1;
        });
        Check.One(Config.QuickThrowOnFailure.WithMaxTest(Cases).WithQuietOnSuccess(true).WithName("group bad input"), property);

        output.WriteLine($"BAD INPUT corpus: {Corpus.Value.Count} valid messages ({string.Join(", ", Corpus.Value.Select(e => e.ToString()))})");
        foreach (var (kind, n) in counts) output.WriteLine($"BAD INPUT {kind}: {n} cases rejected, state unchanged");
        output.WriteLine($"BAD INPUT by suite: {string.Join(", ", bySuite.OrderBy(kv => kv.Key).Select(kv => $"suite {kv.Key}: {kv.Value}"))}");
        Assert.All(counts.Values, n => Assert.True(n > 0));
    }

    /// <summary>Every byte of every suite-1 message, one flipped bit each (the property samples positions; this sweeps them all).</summary>
    [Fact]
    public void EveryByteOfEverySuite1Message_FlippedIsRejected()
    {
        int cases = 0;
        var corpus = Corpus.Value;
        for (int i = 0; i < corpus.Count; i++)
        {
            if (corpus[i].Suite != 1) continue;
            for (int pos = 0; pos < corpus[i].Message.Length; pos++)
            {
                Run(new Case(i, Mutation.BitFlip, pos, pos * 7 + i));
                cases++;
            }
        }
        output.WriteLine($"BAD INPUT sweep: {cases} bit flips over every byte of {corpus.Count(e => e.Suite == 1)} suite-1 messages");
    }
}
