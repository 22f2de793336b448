using System.Text;
using BenchmarkDotNet.Attributes;
using Sim.Engine.Crypto;
using Sim.Engine.Framing;
using Sim.Engine.Group;
using Sim.Engine.Messages;

namespace Sim.Benchmarks.Engine;

/// <summary>
/// The MLS group layer, suite 1 (RFC 9420 §12.4): creating and processing a Commit with an
/// UpdatePath in groups of 2 to 128 members. The trees are realistic: after the members were added
/// every member committed once with a path in turn (processed by all), so every parent node is
/// populated and no leaf is unmerged, as in a group that has been in use for a while. Leaf 0
/// commits and leaf 1 processes (its path secret is the lowest on leaf 0's path, so it derives the
/// most node keys). Neither merges, so every iteration does the same work.
/// Goals on the 2-core dev machine at 128 members: processing ≤ 1 ms, creating ≤ 14 ms (mls-rs
/// publishes 1.02 ms and 13.89 ms). Measured with --job short (shared machine): create 416 / 855 /
/// 1,197 / 1,450 us and process 262 / 353 / 420 / 467 us at 2 / 16 / 64 / 128 members; both are
/// dominated by the X25519/Ed25519 operations (create at 128: 8 key derivations, 7 HPKE seals,
/// 3 signatures, one over the GroupInfo with the whole ratchet tree; process: 2 verifications,
/// 1 HPKE open, up to 7 key derivations). Since then CommitResult signs its GroupInfo only when it is
/// read (a Welcome needs it), so a Commit without Welcome makes 2 signatures and no tree encoding.
/// See <see cref="GroupBenchmarks.JoinAndApplication"/> for joining and application messages.
/// </summary>
[MemoryDiagnoser]
public class GroupBenchmarks
{
    private MlsGroup _committer = null!, _receiver = null!;
    private MlsMessage _commit = null!;
    private static readonly CommitOptions WithPath = new() { ForcePath = true };

    [Params(2, 16, 64, 128)]
    public int Members { get; set; }

    [GlobalSetup]
    public void Setup()
    {
        var members = GroupBuilder.Build(Members, seed: 21);
        _committer = members[0];
        _receiver = members[1];
        _commit = _committer.Commit(WithPath).Commit;
    }

    /// <summary>An empty Commit with an UpdatePath by leaf 0 (not merged).</summary>
    [Benchmark]
    public MlsMessage CreateCommitWithPath() => _committer.Commit(WithPath).Commit;

    /// <summary>Leaf 1 processes leaf 0's empty Commit with an UpdatePath (not merged).</summary>
    [Benchmark]
    public ProcessResult ProcessCommitWithPath() => _receiver.Process(_commit);

    /// <summary>
    /// Joining a 16-member group from a Welcome (RFC 9420 §12.4.3.1: open the GroupSecrets, import and
    /// validate the whole tree, verify the GroupInfo, derive the epoch), and a 100-byte application
    /// message protected by one of 2 members and unprotected by the other (§15).
    /// </summary>
    [MemoryDiagnoser]
    public class JoinAndApplication
    {
        private Welcome _welcome = null!;
        private KeyPackageBundle _bundle = null!;
        private KeyPair _joinerSignature = null!;
        private MlsGroup _sender = null!, _receiver = null!;
        private readonly byte[] _payload = new byte[100];
        private readonly DeterministicRandomSource _random = new(23, "join-benchmark");

        [GlobalSetup(Target = nameof(JoinFromWelcome))]
        public void SetupJoin()
        {
            var suite = CipherSuite.Get(1);
            var members = GroupBuilder.Build(16, seed: 22);
            _joinerSignature = suite.Signature.GenerateKeyPair(_random);
            _bundle = KeyPackageBundle.Create(suite, _joinerSignature, Credential.Basic("joiner"u8.ToArray()), new Lifetime(0, ulong.MaxValue), _random);
            var result = members[0].Commit(new CommitOptions { InlineProposals = [new AddProposal(_bundle.KeyPackage)], ForcePath = true });
            _welcome = result.Welcome!.Welcome!;
        }

        [GlobalSetup(Target = nameof(ApplicationProtectUnprotect))]
        public void SetupApplication()
        {
            var members = GroupBuilder.Build(2, seed: 24);
            (_sender, _receiver) = (members[0], members[1]);
            _random.Fill(_payload);
        }

        [Benchmark]
        public MlsGroup JoinFromWelcome() => MlsGroup.JoinFromWelcome(_welcome, _bundle, _joinerSignature, null, null, _random);

        /// <summary>100 bytes as a PrivateMessage from leaf 0 to leaf 1; both advance their ratchets.</summary>
        [Benchmark]
        public int ApplicationProtectUnprotect() =>
            ((ApplicationMessage)_receiver.Process(_sender.EncryptApplication(_payload))).Data.Length;
    }

    /// <summary>Builds the groups of these benchmarks, reproducibly from a seed.</summary>
    internal static class GroupBuilder
    {
        /// <summary>
        /// <paramref name="n"/> members: leaf 0 creates the group and adds the others in one Commit,
        /// then every member in turn commits with a path, processed by every other member.
        /// </summary>
        public static List<MlsGroup> Build(int n, ulong seed, ushort suiteId = 1)
        {
            var suite = CipherSuite.Get(suiteId);
            var random = new DeterministicRandomSource(seed, "group-benchmark");
            var groupId = random.NextBytes(16);
            var clients = Enumerable.Range(0, n)
                .Select(i => (Signature: suite.Signature.GenerateKeyPair(random), Credential: Credential.Basic(Encoding.UTF8.GetBytes("member" + i))))
                .ToList();
            var creator = MlsGroup.Create(suite, groupId, clients[0].Signature, clients[0].Credential, random.Derive("member0"));
            var members = new List<MlsGroup> { creator };
            if (n > 1)
            {
                var bundles = clients.Skip(1)
                    .Select(c => KeyPackageBundle.Create(suite, c.Signature, c.Credential, new Lifetime(0, ulong.MaxValue), random))
                    .ToList();
                var add = creator.Commit(new CommitOptions { InlineProposals = bundles.Select(b => (Proposal)new AddProposal(b.KeyPackage)).ToList() });
                creator.MergeCommit(add);
                for (int i = 1; i < n; i++)
                    members.Add(MlsGroup.JoinFromWelcome(add.Welcome!.Welcome!, bundles[i - 1], clients[i].Signature, null, null,
                        random.Derive("member" + i)));
            }
            for (int c = 0; c < n; c++)
            {
                var result = members[c].Commit(WithPath);
                for (int m = 0; m < n; m++)
                    if (m != c) members[m].Merge((StagedCommit)members[m].Process(result.Commit));
                members[c].MergeCommit(result);
            }
            return members;
        }
    }
}
