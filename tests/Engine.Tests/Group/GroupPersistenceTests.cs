using Sim.Engine.Tests.Support;
using Sim.Engine.Codec;
using Sim.Engine.Crypto;
using Sim.Engine.Framing;
using Sim.Engine.Group;
using Sim.Engine.Messages;
using Xunit.Abstractions;
using static Sim.Engine.Tests.Group.GroupTestKit;

namespace Sim.Engine.Tests.Group;

/// <summary>
/// A group's state saves to bytes and loads back byte-exact (<see cref="GroupState.Save"/>,
/// <see cref="MlsGroup.Load"/>), at every point of a real group's life: after creation, after joins,
/// with cached proposals and our own Updates in flight, with past epochs retained, after removes,
/// with a pending ReInit. The loaded group behaves as the original: every message is delivered both
/// to the original and to a copy loaded just before, and both give the same result (plaintext,
/// proposal ref, epoch_authenticator, tree hash) and then save to the same bytes; every send is done
/// by a twin of the original state and by a loaded copy with equal deterministic random streams, and
/// both produce the same message bytes. Arbitrary bytes (random, truncations, bit flips of real saved
/// groups) make <see cref="GroupState.Load"/> throw only <see cref="MlsDecodeException"/>.
/// </summary>
public sealed class GroupPersistenceTests(ITestOutputHelper output)
{
    private static readonly GroupOptions Retaining = GroupOptions.Default with { PastEpochsRetained = 2 };

    // ---------------------------------------------------------------- helpers

    /// <summary>save → load → save is byte-identical; returns the loaded copy.</summary>
    private static MlsGroup RoundTrip(MlsGroup group, GroupOptions options, IRandomSource? random = null)
    {
        var bytes = group.Save();
        var loaded = MlsGroup.Load(bytes, random ?? new DeterministicRandomSource(1, "loaded"), options);
        Assert.Equal(bytes, loaded.Save());
        Assert.Equal(group.Epoch, loaded.Epoch);
        Assert.Equal(group.EpochAuthenticator, loaded.EpochAuthenticator);
        Assert.Equal(group.TreeHash, loaded.TreeHash);
        Assert.Equal(group.IsRemoved, loaded.IsRemoved);
        Assert.Equal(group.PendingProposals.Count, loaded.PendingProposals.Count);
        return loaded;
    }

    private static void RoundTripAll(IEnumerable<MlsGroup> groups, GroupOptions options)
    {
        foreach (var g in groups) RoundTrip(g, options);
    }

    /// <summary>Delivers <paramref name="message"/> to <paramref name="group"/> and to a copy loaded just before;
    /// both must give the same result and save to the same bytes after it. Returns the original's result.</summary>
    private static ProcessResult Deliver(MlsGroup group, MlsMessage message, GroupOptions options)
    {
        var copy = RoundTrip(group, options);
        var bytes = Encode(message);
        var original = group.Process(bytes);
        var loaded = copy.Process(bytes);
        Assert.Equal(original.GetType(), loaded.GetType());
        switch (original)
        {
            case ApplicationMessage a:
                var b = (ApplicationMessage)loaded;
                Assert.Equal(a.Data, b.Data);
                Assert.Equal((a.SenderLeaf, a.Epoch, a.Generation), (b.SenderLeaf, b.Epoch, b.Generation));
                break;
            case ProposalReceived p:
                Assert.Equal(p.Ref, ((ProposalReceived)loaded).Ref);
                break;
            case StagedCommit s:
                var t = (StagedCommit)loaded;
                Assert.Equal(s.Removed, t.Removed);
                Assert.Equal(s.NewState.Save(), t.NewState.Save());
                group.Merge(s);
                copy.Merge(t);
                Assert.Equal(group.EpochAuthenticator, copy.EpochAuthenticator);
                Assert.Equal(group.TreeHash, copy.TreeHash);
                break;
        }
        Assert.Equal(group.Save(), copy.Save());
        return original;
    }

    /// <summary>A twin of <paramref name="group"/>'s state and a loaded copy, with equal random streams, do
    /// <paramref name="send"/>: the same bytes come out and the states after sending save alike.</summary>
    private static void SendsAlike(MlsGroup group, GroupOptions options, ulong seed, Func<MlsGroup, byte[]> send)
    {
        var twin = MlsGroup.FromState(group.State, new DeterministicRandomSource(seed, "twin"));
        var loaded = MlsGroup.Load(group.Save(), new DeterministicRandomSource(seed, "twin"), options);
        Assert.Equal(send(twin), send(loaded));
        Assert.Equal(twin.Save(), loaded.Save());
    }

    private static byte[] CommitBytes(MlsGroup g, CommitOptions? options = null)
    {
        var result = g.Commit(options);
        var w = new TlsWriter();
        w.WriteOpaque(Encode(result.Commit));
        w.WriteOpaque(result.Welcome is null ? [] : Encode(result.Welcome));
        w.WriteOpaque(Tls.Serialize(result.GroupInfo));
        w.WriteOpaque(result.Staged.NewState.Save());
        return w.ToArray();
    }

    private static void SendsAlikeEverything(MlsGroup g, GroupOptions options, ulong seed)
    {
        SendsAlike(g, options, seed, x => Encode(x.EncryptApplication("twin"u8)));
        SendsAlike(g, options, seed, x => CommitBytes(x, new CommitOptions { ForcePath = true }));
        SendsAlike(g, options, seed, x => CommitBytes(x));
        SendsAlike(g, options, seed, x => Encode(x.ProposeUpdate()));
    }

    // ---------------------------------------------------------------- a short life in every suite

    [Theory]
    [MemberData(nameof(Suites.All), MemberType = typeof(Suites))]
    public void ShortLife_SaveLoadSaveIsByteExact_AndTheLoadedGroupBehavesAlike(ushort suite)
    {
        // Odd suites send handshake messages as PrivateMessage, with padding; even ones as PublicMessage.
        var options = suite % 2 == 1
            ? Retaining with { HandshakeWireFormat = WireFormat.PrivateMessage, Padding = PaddingPolicy.Block(32), SecretTree = new(5, 100) }
            : Retaining with { ResumptionPsksRetained = 3, RatchetTreeInWelcome = false, ExternalPubInGroupInfo = false };
        var kit = new GroupTestKit(suite, options: options);
        var alice = kit.Create(kit.NewClient("alice"));
        RoundTrip(alice, options);
        SendsAlikeEverything(alice, options, 1);

        // Joins (the Welcome carries the tree unless the options say otherwise).
        var bundles = new[] { kit.NewClient("bob"), kit.NewClient("carol"), kit.NewClient("dave") }.Select(c => (c, b: kit.KeyPackage(c))).ToList();
        var add = alice.Commit(new CommitOptions { InlineProposals = bundles.Select(x => (Proposal)new AddProposal(x.b.KeyPackage)).ToList() });
        alice.MergeCommit(add);
        var all = new List<MlsGroup> { alice };
        all.AddRange(bundles.Select(x => MlsGroup.JoinFromWelcome(add.Welcome!.Welcome!, x.b, x.c.Signature,
            options.RatchetTreeInWelcome ? null : alice.Tree.ToWire(), null, kit.Random.Derive(x.c.Name), options)));
        var (bob, carol, dave) = (all[1], all[2], all[3]);
        RoundTripAll(all, options);
        AssertAgree(all);

        // Application messages: every receiver, original and loaded, reads the same.
        foreach (var sender in all)
        {
            var message = sender.EncryptApplication(Bytes($"hi from {sender.OwnLeafIndex}"));
            foreach (var r in all.Where(r => r != sender))
                Assert.Equal(Bytes($"hi from {sender.OwnLeafIndex}"), ((ApplicationMessage)Deliver(r, message, options)).Data);
        }

        // Proposals in flight: bob's own Update (his private key is cached), carol's Remove of dave, a PSK.
        var update = bob.ProposeUpdate();
        RoundTrip(bob, options);
        var remove = carol.ProposeRemove(dave.OwnLeafIndex);
        foreach (var r in all.Where(r => r != bob)) Deliver(r, update, options);
        foreach (var r in all.Where(r => r != carol)) Deliver(r, remove, options);
        RoundTripAll(all, options);
        foreach (var g in all) SendsAlikeEverything(g, options, 2);

        // Alice commits both; everyone, original and loaded, follows; dave learns he is removed.
        var commit = alice.Commit();
        foreach (var r in all.Where(r => r != alice)) Deliver(r, commit.Commit, options);
        alice.MergeCommit(commit);
        Assert.True(dave.IsRemoved);
        RoundTripAll(all, options);
        var members = new List<MlsGroup> { alice, bob, carol };
        AssertAgree(members);

        // Past epochs retained: a late application message of epoch 1 still reads, also on a loaded copy.
        foreach (var g in members) SendsAlikeEverything(g, options, 3);
        for (int epoch = 0; epoch < 3; epoch++)
        {
            var c = members[epoch % 3].Commit();
            foreach (var r in members.Where(r => r != members[epoch % 3])) Deliver(r, c.Commit, options);
            members[epoch % 3].MergeCommit(c);
            RoundTripAll(members, options);
            Assert.Equal(2, alice.State.PastEpochs.Length);
        }
        AssertAgree(members);

        // Remove bob; the removed member's state (kept for late messages) round-trips too.
        var removeBob = alice.Commit(new CommitOptions { InlineProposals = [new RemoveProposal(bob.OwnLeafIndex)] });
        Deliver(bob, removeBob.Commit, options);
        Deliver(carol, removeBob.Commit, options);
        alice.MergeCommit(removeBob);
        Assert.True(bob.IsRemoved);
        RoundTripAll([alice, bob, carol, dave], options);
        var final = carol.EncryptApplication("after"u8);
        Assert.Equal("after"u8.ToArray(), ((ApplicationMessage)Deliver(alice, final, options)).Data);
    }

    [Fact]
    public void LateApplicationMessageOfARetainedEpoch_ReadsAlikeOnTheLoadedCopy()
    {
        var kit = new GroupTestKit(options: Retaining);
        var g = kit.Group(3);
        var early = g[1].EncryptApplication("early"u8);
        var skipped = g[1].EncryptApplication("skipped"u8);
        Deliver(g[0], early, Retaining);
        var commit = g[2].Commit();
        Deliver(g[0], commit.Commit, Retaining);
        Deliver(g[1], commit.Commit, Retaining);
        g[2].MergeCommit(commit);
        Assert.Equal(2, g[0].State.PastEpochs.Length);
        // The loaded copy keeps the past epoch's ratchet exactly: the skipped message reads once, a replay is refused alike.
        Assert.Equal("skipped"u8.ToArray(), ((ApplicationMessage)Deliver(g[0], skipped, Retaining)).Data);
        var before = g[0].Save();
        var loaded = MlsGroup.Load(before, kit.Random, Retaining);
        Assert.Equal(ProcessMessageError.GenerationReused, Assert.Throws<ProcessMessageException>(() => g[0].Process(skipped)).Reason);
        Assert.Equal(ProcessMessageError.GenerationReused, Assert.Throws<ProcessMessageException>(() => loaded.Process(skipped)).Reason);
        Assert.Equal(before, g[0].Save());
    }

    [Fact]
    public void PendingReInit_RoundTripsAndStillRefusesToSend()
    {
        var kit = new GroupTestKit();
        var g = kit.Group(2);
        var commit = g[0].Commit(new CommitOptions { InlineProposals = [new ReInitProposal(Bytes("next"), 1, 2, [])] });
        Deliver(g[1], commit.Commit, kit.Options);
        g[0].MergeCommit(commit);
        var loaded = RoundTrip(g[1], kit.Options);
        Assert.Equal(Tls.Serialize<Proposal>(g[1].State.PendingReInit!), Tls.Serialize<Proposal>(loaded.State.PendingReInit!));
        Assert.Equal(Bytes("next"), loaded.State.PendingReInit!.GroupId);
        Assert.Throws<InvalidOperationException>(() => loaded.EncryptApplication("x"u8));
    }

    [Fact]
    public void LoadTakesDelegatesFromTheCallerAndEveryOtherOptionFromTheBytes()
    {
        var saved = Retaining with
        {
            PastEpochsRetained = 3, ResumptionPsksRetained = 5, SecretTree = new(7, 77), Padding = new PaddingPolicy(3, 16),
            HandshakeWireFormat = WireFormat.PrivateMessage, RatchetTreeInWelcome = false, ExternalPubInGroupInfo = false,
            RequireCipherSuiteInCapabilities = true,
        };
        var kit = new GroupTestKit(options: saved);
        var alice = kit.Create(kit.NewClient("alice"));
        LeafChangeValidator service = (_, _, _, _) => { };
        Func<PreSharedKeyId, byte[]?> psks = _ => null;
        Func<ulong> clock = () => 42;
        var caller = GroupOptions.Default with { AuthenticationService = service, ExternalPsks = psks, Clock = clock };
        var loaded = MlsGroup.Load(alice.Save(), kit.Random, caller);
        Assert.Equal(saved with { AuthenticationService = service, ExternalPsks = psks, Clock = clock }, loaded.State.Options);
    }

    // ---------------------------------------------------------------- a long life in suite 1

    [Fact]
    public void LongLife_EveryStepRoundTripsAndBehavesAlike()
    {
        var options = Retaining with { PastEpochsRetained = 3 };
        var suite = CipherSuite.Get(1);
        var random = new DeterministicRandomSource(2024, "long-life");
        var pick = new Random(2024);
        int clients = 0;
        Client NewClient() { var n = "c" + clients++; return new Client(n, suite.Signature.GenerateKeyPair(random), Credential.Basic(Bytes(n))); }
        var first = NewClient();
        var members = new List<MlsGroup> { MlsGroup.Create(suite, "long"u8.ToArray(), first.Signature, first.Credential, random.Derive("c0"), options) };
        var removed = new List<MlsGroup>();
        var pendingAdds = new Dictionary<string, (Client Client, KeyPackageBundle Bundle)>();
        int steps = 0, commits = 0, roundTrips = 0;

        void Broadcast(MlsGroup from, MlsMessage m)
        {
            foreach (var r in members.Where(r => r != from)) Assert.IsType<ProposalReceived>(Deliver(r, m, options));
        }

        for (int step = 0; step < 90; step++, steps++)
        {
            var actor = members[pick.Next(members.Count)];
            int kind = pick.Next(10);
            if (step % 7 == 0) SendsAlikeEverything(actor, options, (ulong)step);
            if (kind < 3 && members.Count + pendingAdds.Count < 8)
            {
                var c = NewClient();
                var b = KeyPackageBundle.Create(suite, c.Signature, c.Credential, new Lifetime(0, ulong.MaxValue), random);
                pendingAdds[Convert.ToHexString(b.Ref)] = (c, b);
                Broadcast(actor, actor.ProposeAdd(b.KeyPackage));
            }
            else if (kind < 4 && members.Count > 3)
            {
                var target = members[pick.Next(members.Count)];
                if (target != actor && !actor.PendingProposals.Any(p => p.Proposal is RemoveProposal r && r.Removed == target.OwnLeafIndex))
                    Broadcast(actor, actor.ProposeRemove(target.OwnLeafIndex));
            }
            else if (kind < 5) Broadcast(actor, actor.ProposeUpdate());
            else if (kind < 7)
            {
                var result = actor.Commit(new CommitOptions { ForcePath = pick.Next(2) == 0 });
                var next = new List<MlsGroup>();
                foreach (var m in members)
                {
                    if (m == actor) { m.MergeCommit(result); next.Add(m); continue; }
                    var staged = (StagedCommit)Deliver(m, result.Commit, options);
                    (staged.Removed ? removed : next).Add(m);
                }
                foreach (var p in result.Staged.Proposals)
                    if (p.Proposal is AddProposal a)
                    {
                        var (c, b) = pendingAdds[Convert.ToHexString(a.KeyPackage.MakeRef())];
                        next.Add(MlsGroup.JoinFromWelcome(result.Welcome!.Welcome!, b, c.Signature, null, null, random.Derive(c.Name), options));
                    }
                pendingAdds.Clear();
                members = next;
                commits++;
                AssertAgree(members);
            }
            else
            {
                var data = Bytes($"step {step}");
                var message = actor.EncryptApplication(data);
                foreach (var r in members.Where(r => r != actor)) Assert.Equal(data, ((ApplicationMessage)Deliver(r, message, options)).Data);
            }
            foreach (var g in members.Concat(removed)) { RoundTrip(g, options); roundTrips++; }
        }
        output.WriteLine($"LONG LIFE suite 1: {steps} steps, {commits} commits, {roundTrips} round trips, {members.Count} members, {removed.Count} removed at the end");
        Assert.True(commits >= 10);
        Assert.NotEmpty(removed);
    }

    // ---------------------------------------------------------------- arbitrary bytes

    [Fact]
    public void LoadOfArbitraryBytes_ThrowsOnlyMlsDecodeException()
    {
        var kit = new GroupTestKit(options: Retaining with { HandshakeWireFormat = WireFormat.PrivateMessage });
        var g = kit.Group(3);
        g[1].ProposeUpdate();
        Deliver(g[0], g[2].ProposeRemove(1), kit.Options);
        var commit = g[2].Commit();
        Deliver(g[0], commit.Commit, kit.Options);
        g[2].MergeCommit(commit);
        g[0].Process(g[2].EncryptApplication("x"u8));
        g[0].ProposeUpdate();
        var seeds = new[] { g[0].Save(), g[1].Save(), kit.Create(kit.NewClient("solo")).Save() };

        var rng = new Random(77);
        var counts = new Dictionary<string, int>();
        int loaded = 0;
        void Try(string kind, byte[] bytes)
        {
            counts[kind] = counts.GetValueOrDefault(kind) + 1;
            try
            {
                var state = GroupState.Load(bytes, GroupOptions.Default);
                loaded++;
                Assert.Equal(bytes, state.Save());   // whatever loads is canonical
            }
            catch (MlsDecodeException) { }
        }
        for (int i = 0; i < 1000; i++)
        {
            var seed = seeds[i % seeds.Length];
            var flip = seed.ToArray();
            int pos = rng.Next(flip.Length);
            flip[pos] ^= (byte)(1 << rng.Next(8));
            Try("bit flip", flip);
            Try("truncation", seed[..rng.Next(seed.Length)]);
            var random = new byte[rng.Next(0, 300)];
            rng.NextBytes(random);
            if (i % 2 == 0 && random.Length >= StateEnvelope.HeaderLength) seed.AsSpan(0, StateEnvelope.HeaderLength).CopyTo(random);
            Try("random (half with a valid header)", random);
            var tail = seed[..rng.Next(seed.Length)].Concat(Enumerable.Range(0, rng.Next(1, 40)).Select(_ => (byte)rng.Next(256))).ToArray();
            Try("random tail", tail);
        }
        foreach (var (kind, n) in counts) output.WriteLine($"FUZZ GroupState.Load {kind}: {n} cases");
        output.WriteLine($"FUZZ GroupState.Load: {loaded} of {counts.Values.Sum()} loaded (bit flips inside secrets), all canonical");
    }
}
