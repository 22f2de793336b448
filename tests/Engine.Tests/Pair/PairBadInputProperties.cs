using FsCheck;
using FsCheck.Fluent;
using Sim.Engine.Crypto;
using Sim.Engine.Pair;
using Xunit.Abstractions;
using static Sim.Engine.Tests.Pair.PairTestKit;

namespace Sim.Engine.Tests.Pair;

/// <summary>
/// Integrity and "rejection changes nothing" (PAIRMLS.md "Receiving", "Invariants: Integrity"): a
/// corpus of valid datagrams of a real conversation — a second datagram of w (HPKE-sealed), the
/// invitee's first commit with its agent rollover, a card edit, an agent rollover, a leaf update, a
/// late datagram of a retained past epoch — each with the saved state of the receiver it is valid
/// for. A property (FsCheck) delivers one mutation to a receiver loaded from that state: a bit flipped
/// in the sealed datagram, a bit flipped inside the seal (re-sealed with the right header key, so the
/// framing and MLS checks are reached), a truncation, random bytes, a datagram of another conversation,
/// or a replay after the original was delivered. Nothing throws; nothing but the replay's Duplicate is
/// anything but Rejected; a rejected datagram leaves <see cref="PairSession.Save"/> byte-identical.
/// The corpus also holds datagrams whose honest outcome is not Delivered (issue 16): an Undecryptable
/// one that still carries the missing commit, and the two kinds of RollbackDetected evidence. A
/// mutation of those is Rejected with the state unchanged, or (when the bit lands where the
/// original already could not be read) gives the original's outcome with exactly the original's
/// effect on the saved state, never more; a replay gives the same outcome again and changes nothing.
/// The recovery messages of docs/RECOVERY.md are in it too: an authentic fork, a resync offer (taken:
/// Resynced), the external Commit that completes a resync, and a request for an offer; a mutation
/// of any of them is Rejected with the state byte-identical, or has exactly the original's effect.
/// </summary>
public sealed class PairBadInputProperties(ITestOutputHelper output)
{
    private const int Cases = 600;

    public enum Mutation { OuterBitFlip, InnerBitFlip, Truncation, RandomBytes, OtherConversation, Replay }

    private sealed record Entry(string Name, byte[] Datagram, byte[] Receiver, PairOptions Options, Type? Expected = null, Type? Replayed = null)
    {
        public Type Outcome => Expected ?? typeof(Delivered);

        /// <summary>What the datagram gives once it was taken: Duplicate for a delivered one, the same outcome for evidence.</summary>
        public Type ReplayOutcome => Replayed ?? (Outcome == typeof(Delivered) ? typeof(Duplicate) : Outcome);

        /// <summary>The receiver's saved state after the unmutated datagram (with the same randomness as the mutated run).</summary>
        public byte[] AfterOriginal(ulong seed)
        {
            var receiver = PairSession.Load(Receiver, Options, new DeterministicRandomSource(seed, "receiver"));
            Assert.IsType(Outcome, receiver.Receive(Datagram));
            return receiver.Save();
        }
    }

    public sealed record Case(int Entry, Mutation Kind, int A, int B);

    private static readonly Lazy<(List<Entry> Entries, byte[] Foreign)> Corpus = new(BuildCorpus);

    private static (List<Entry>, byte[]) BuildCorpus()
    {
        var entries = new List<Entry>();
        var kit = new PairTestKit(seed: 40);
        var (bob, options) = (kit.Bob, kit.Options);
        var w1 = bob.Send(Bytes("w1"));
        var w2 = bob.Send(Bytes("w2"));
        var alice = kit.Invitation.TryJoin(w1.Datagram, out _)!;
        entries.Add(new("second datagram of w", w2.Datagram, alice.Save(), options));
        Assert.IsType<Delivered>(alice.Receive(w2.Datagram));

        var rollover = alice.Send(Bytes("first commit"));
        entries.Add(new("invitee's first commit", rollover.Datagram, bob.Save(), options));
        Assert.IsType<Delivered>(bob.Receive(rollover.Datagram));

        var edit = bob.Send(Bytes("edit"), new CardEdit("Bob 2"));
        entries.Add(new("card edit", edit.Datagram, alice.Save(), options));
        Assert.IsType<Delivered>(alice.Receive(edit.Datagram));

        var late = bob.Send(Bytes("late"));
        var agent = alice.Send(Bytes("agent"), rollOverAgent: true);
        entries.Add(new("agent rollover", agent.Datagram, bob.Save(), options));
        Assert.IsType<Delivered>(bob.Receive(agent.Datagram));

        var leaf = bob.Send(Bytes("leaf"));
        entries.Add(new("leaf update", leaf.Datagram, alice.Save(), options));
        Assert.IsType<Delivered>(alice.Receive(leaf.Datagram));
        entries.Add(new("late datagram of a past epoch", late.Datagram, alice.Save(), options));

        AddRecoveryEntries(entries);
        var foreign = new PairTestKit(seed: 41).Joined().Bob.Send(Bytes("elsewhere")).Datagram;
        // Every datagram gives its receiver its honest outcome as it is.
        foreach (var e in entries)
            Assert.IsType(e.Outcome, PairSession.Load(e.Receiver, e.Options, new DeterministicRandomSource(1)).Receive(e.Datagram));
        return (entries, foreign);
    }

    /// <summary>Undecryptable (beyond a small forward distance, staple taken) and both kinds of rollback evidence.</summary>
    private static void AddRecoveryEntries(List<Entry> entries)
    {
        var shortDistance = PairOptions.Default with { MaximumForwardDistance = 4 };
        var kit = new PairTestKit(seed: 43, shortDistance).Joined();
        var (a, b) = (kit.A, kit.Bob);
        Exchange(a, b, "start");
        var aliceBefore = a.Save();
        byte[] far = [];
        for (int i = 0; i < 8; i++) far = b.Send(Bytes("far " + i)).Datagram;
        entries.Add(new("undecryptable, staple taken", far, aliceBefore, kit.Options, typeof(Undecryptable)));

        var rk = new PairTestKit(seed: 44).Joined();
        var (ra, rb) = (rk.A, rk.Bob);
        Exchange(ra, rb, "start");
        Exchange(rb, ra, "ok");
        var backup = ra.Send(Bytes("a1"));
        Assert.IsType<Delivered>(rb.Receive(backup.Datagram));
        var edit = ra.Send(Bytes("a2"), new CardEdit("Alice lost"));
        Assert.IsType<Delivered>(rb.Receive(edit.Datagram));
        var restored = PairSession.Load(backup.State, rk.Options, new DeterministicRandomSource(5, "restored"));
        entries.Add(new("rollback: generation reused", restored.Send(Bytes("a2'")).Datagram, rb.Save(), rk.Options, typeof(RollbackDetected)));
        var commit = rb.Send(Bytes("takes the lost edit"));
        entries.Add(new("rollback: unknown own proposal", commit.Datagram, backup.State, rk.Options, typeof(RollbackDetected)));
        AddResyncEntries(entries);
    }

    /// <summary>docs/RECOVERY.md "Resync": a fork, the offer, the recovery Commit, and a request.</summary>
    private static void AddResyncEntries(List<Entry> entries)
    {
        var kit = new PairTestKit(seed: 45).Joined();
        var (a, b) = (kit.A, kit.Bob);
        Exchange(a, b, "start");
        var backup = b.Save();
        Exchange(b, a, "bob commits e");
        Exchange(a, b, "alice commits e+1");
        var bob = PairSession.Load(backup, kit.Options, new DeterministicRandomSource(6, "bob-restored"));
        var fork = bob.Send(Bytes("fork"));
        entries.Add(new("rollback: fork", fork.Datagram, a.Save(), kit.Options, typeof(RollbackDetected)));
        Assert.IsType<RollbackDetected>(a.Receive(fork.Datagram));
        var offer = a.Send(Bytes("offer"));
        // Taken once, the offer is moot: its body is of an epoch whose keys the resynced party never had.
        entries.Add(new("resync: offer", offer.Datagram, bob.Save(), kit.Options, typeof(Resynced), typeof(Expired)));
        Assert.IsType<Resynced>(bob.Receive(offer.Datagram));
        var back = bob.Send(Bytes("back"));
        entries.Add(new("resync: external Commit", back.Datagram, a.Save(), kit.Options));

        var rk = new PairTestKit(seed: 46).Joined();
        var (ra, rb) = (rk.A, rk.Bob);
        Exchange(ra, rb, "start");
        Exchange(rb, ra, "ok");
        var saved = ra.Send(Bytes("a0")).State;
        // 40 datagrams after the copy: the restored party's generations are older than the peer's window (no reuse evidence).
        for (int i = 0; i < 40; i++) Assert.IsType<Delivered>(rb.Receive(ra.Send(Bytes("lost " + i), i == 0 ? new CardEdit("Alice lost") : null).Datagram));
        var restored = PairSession.Load(saved, rk.Options, new DeterministicRandomSource(7, "alice-restored"));
        Assert.IsType<RollbackDetected>(restored.Receive(rb.Send(Bytes("taken")).Datagram));
        entries.Add(new("resync: request", restored.Send(Bytes("asking")).Datagram, rb.Save(), rk.Options, typeof(Expired)));
    }

    private static void Run(Case c)
    {
        var (entries, foreign) = Corpus.Value;
        var e = entries[c.Entry];
        var receiver = PairSession.Load(e.Receiver, e.Options, new DeterministicRandomSource((ulong)c.B, "receiver"));
        var random = new DeterministicRandomSource((ulong)c.A, "mutation");
        byte[] input = (byte[])e.Datagram.Clone();
        switch (c.Kind)
        {
            case Mutation.OuterBitFlip:
                input[c.A % input.Length] ^= (byte)(1 << (c.B % 8));
                break;
            case Mutation.InnerBitFlip:
                input = InnerFlip(receiver, input, c);
                break;
            case Mutation.Truncation:
                input = input.AsSpan(0, c.A % input.Length).ToArray();
                break;
            case Mutation.RandomBytes:
                input = random.NextBytes(c.B % 2048);
                break;
            case Mutation.OtherConversation:
                input = foreign;
                break;
            case Mutation.Replay:
                Assert.IsType(e.Outcome, receiver.Receive(input));
                break;
        }
        byte[] before = receiver.Save();
        ReceiveOutcome outcome;
        try { outcome = receiver.Receive(input); }
        catch (Exception x)
        {
            throw new Xunit.Sdk.XunitException($"{e.Name} with {c.Kind} threw {x.GetType().Name}: {x.Message}\n{x.StackTrace}");
        }
        if (c.Kind == Mutation.Replay)
        {
            Assert.IsType(e.ReplayOutcome, outcome);
        }
        else if (outcome is not Rejected)
        {
            // Only where the original was not Delivered, and only with exactly the original's effect.
            if (outcome.GetType() != e.Outcome || e.Outcome == typeof(Delivered) || !receiver.Save().AsSpan().SequenceEqual(e.AfterOriginal((ulong)c.B)))
                throw new Xunit.Sdk.XunitException($"{e.Name} with {c.Kind} gave {outcome}");
            return;
        }
        if (!before.AsSpan().SequenceEqual(receiver.Save()))
            throw new Xunit.Sdk.XunitException($"{e.Name} with {c.Kind} gave {outcome} but changed the saved state");
    }

    /// <summary>Opens the datagram with the receiver's keys, flips one bit of the body, seals it again the same way.</summary>
    private static byte[] InnerFlip(PairSession receiver, byte[] datagram, Case c)
    {
        var state = receiver.State;
        var opened = PairReceiver.Open(state, datagram) ?? throw new InvalidOperationException("the receiver cannot open its own corpus datagram");
        var body = opened.Body;
        body[c.A % body.Length] ^= (byte)(1 << (c.B % 8));
        var random = new DeterministicRandomSource((ulong)c.B, "reseal");
        return state.HeaderKeys.TryGetValue(opened.Epoch, out var key) && HeaderSeal.TryOpen(state.Suite, key, datagram) is not null
            ? HeaderSeal.Seal(state.Suite, key, body, random)
            : HeaderSeal.SealToInvitation(state.Suite, state.Suite.Kem.PublicKeyOf(state.InvitationInitPrivateKey!.Span), body, random);
    }

    private static Arbitrary<Case> Cases_()
    {
        int count = Corpus.Value.Entries.Count;
        return (from entry in Gen.Choose(0, count - 1)
                from kind in Gen.Frequency((3, Gen.Constant(Mutation.OuterBitFlip)), (6, Gen.Constant(Mutation.InnerBitFlip)),
                    (1, Gen.Constant(Mutation.Truncation)), (1, Gen.Constant(Mutation.RandomBytes)),
                    (1, Gen.Constant(Mutation.OtherConversation)), (1, Gen.Constant(Mutation.Replay)))
                from a in Gen.Choose(0, int.MaxValue - 1)
                from b in Gen.Choose(0, int.MaxValue - 1)
                select new Case(entry, kind, a, b)).ToArbitrary();
    }

    [Fact]
    public void EveryMutationOfAValidDatagram_IsRefused_AndLeavesTheSavedStateIdentical()
    {
        var counts = Enum.GetValues<Mutation>().ToDictionary(k => k, _ => 0);
        var property = Prop.ForAll(Cases_(), c =>
        {
            Run(c);
            counts[c.Kind]++;
        });
        Check.One(Config.QuickThrowOnFailure.WithMaxTest(Cases).WithQuietOnSuccess(true).WithName("pair bad input"), property);
        output.WriteLine($"PAIR BAD INPUT corpus: {string.Join(", ", Corpus.Value.Entries.Select(e => e.Name))}");
        foreach (var (kind, n) in counts) output.WriteLine($"PAIR BAD INPUT {kind}: {n} cases refused, state unchanged");
        Assert.All(counts.Values, n => Assert.True(n > 0));
    }

    [Fact]
    public void InvitationRefusesBadFirstDatagramsWithoutThrowing()
    {
        var kit = new PairTestKit(seed: 42);
        var good = kit.Bob.Send(Bytes("w")).Datagram;
        var random = new DeterministicRandomSource(42, "join-flips");
        for (int i = 0; i < 60; i++)
        {
            var bad = (byte[])good.Clone();
            bad[(int)random.NextUInt64((ulong)bad.Length)] ^= (byte)(1 << (int)random.NextUInt64(8));
            Assert.Null(kit.Invitation.TryJoin(bad, out var outcome));
            Assert.IsType<Rejected>(outcome);
        }
        Assert.Null(kit.Invitation.TryJoin(good.AsSpan(0, 40), out _));
        Assert.NotNull(kit.Invitation.TryJoin(good, out _));
    }
}
