using FsCheck;
using FsCheck.Fluent;
using Sim.Engine.Crypto;
using Sim.Engine.Framing;
using Sim.Engine.Group;
using Sim.Engine.Messages;
using Xunit.Abstractions;

namespace Sim.Engine.Tests.Group;

/// <summary>
/// The group lifecycle as a property (suite 1): a random script of proposals (Add, Remove, Update),
/// Commits by any member and application messages, for groups of up to 20 members. The seed of each
/// script fixes every key (a deterministic random source). After every Commit all members agree on
/// epoch, epoch_authenticator and tree hash, removed members learn they were removed, joiners join
/// from the Welcome; every application message decrypts at every other member.
/// </summary>
public sealed class GroupLifecycleProperties(ITestOutputHelper output)
{
    private const int MaxMembers = 20;
    private const int Scripts = 100;

    public enum OpKind { Add, Remove, Update, Commit, Application }

    public sealed record Op(OpKind Kind, int A, int B, bool Flag)
    {
        public override string ToString() => $"{Kind}({A},{B}{(Flag ? ",*" : "")})";
    }

    public sealed record Script(int Seed, Op[] Ops)
    {
        public override string ToString() => $"seed {Seed}: {string.Join(" ", Ops.Select(o => o.ToString()))}";
    }

    private static Arbitrary<Script> Scripts_() =>
        (from seed in Gen.Choose(0, int.MaxValue - 1)
         from n in Gen.Choose(8, 90)
         from ops in Gen.ArrayOf(
             from kind in Gen.Frequency((4, Gen.Constant(OpKind.Add)), (1, Gen.Constant(OpKind.Remove)), (2, Gen.Constant(OpKind.Update)),
                 (3, Gen.Constant(OpKind.Commit)), (3, Gen.Constant(OpKind.Application)))
             from a in Gen.Choose(0, 1000)
             from b in Gen.Choose(0, 1000)
             from flag in Gen.Elements(true, false)
             select new Op(kind, a, b, flag), n)
         select new Script(seed, ops)).ToArbitrary();

    [Fact]
    public void AllMembersAgreeAfterEveryCommitAndReadEveryMessage()
    {
        int commits = 0, messages = 0, maxSize = 0;
        var property = Prop.ForAll(Scripts_(), script =>
        {
            var (c, m, s) = Run(script);
            commits += c;
            messages += m;
            maxSize = Math.Max(maxSize, s);
        });
        Check.One(Config.QuickThrowOnFailure.WithMaxTest(Scripts).WithQuietOnSuccess(true).WithName("group lifecycle"), property);
        output.WriteLine($"PROPERTY group lifecycle: {Scripts} scripts, {commits} commits, {messages} application messages, up to {maxSize} members");
        Assert.True(commits > Scripts, "scripts must commit");
    }

    /// <summary>Runs one script; returns (commits, application messages, largest group).</summary>
    private static (int Commits, int Messages, int MaxSize) Run(Script script)
    {
        var suite = CipherSuite.Get(1);
        var random = new DeterministicRandomSource((ulong)script.Seed, "lifecycle");
        var options = GroupOptions.Default;
        int clientCounter = 0;
        GroupTestKit.Client NewClient()
        {
            var name = "c" + clientCounter++;
            return new GroupTestKit.Client(name, suite.Signature.GenerateKeyPair(random), Credential.Basic(GroupTestKit.Bytes(name)));
        }

        var first = NewClient();
        var members = new List<MlsGroup> { MlsGroup.Create(suite, "lifecycle"u8.ToArray(), first.Signature, first.Credential, random.Derive("m0"), options) };
        var pendingAdds = new Dictionary<string, (GroupTestKit.Client Client, KeyPackageBundle Bundle)>();
        int commits = 0, messages = 0, maxSize = 1;

        void Broadcast(MlsGroup from, MlsMessage message)
        {
            foreach (var m in members)
                if (!ReferenceEquals(m, from)) Assert.IsType<ProposalReceived>(m.Process(message));
        }

        foreach (var op in script.Ops)
        {
            var actor = members[op.A % members.Count];
            switch (op.Kind)
            {
                case OpKind.Add when members.Count + pendingAdds.Count < MaxMembers:
                {
                    var client = NewClient();
                    var bundle = KeyPackageBundle.Create(suite, client.Signature, client.Credential, new Lifetime(0, ulong.MaxValue), random);
                    pendingAdds[Convert.ToHexString(bundle.Ref)] = (client, bundle);
                    Broadcast(actor, actor.ProposeAdd(bundle.KeyPackage));
                    break;
                }
                case OpKind.Remove when members.Count > 1:
                {
                    var target = members[op.B % members.Count];
                    if (ReferenceEquals(target, actor)) break;
                    if (actor.PendingProposals.Any(c => c.Proposal is RemoveProposal r && r.Removed == target.OwnLeafIndex &&
                        c.Sender.LeafIndex == actor.OwnLeafIndex)) break;   // the same proposal again would be a replay
                    Broadcast(actor, actor.ProposeRemove(target.OwnLeafIndex));
                    break;
                }
                case OpKind.Update:
                    Broadcast(actor, actor.ProposeUpdate());
                    break;
                case OpKind.Commit:
                {
                    var result = actor.Commit(new CommitOptions { ForcePath = op.Flag });
                    var next = new List<MlsGroup>();
                    foreach (var m in members)
                    {
                        if (ReferenceEquals(m, actor)) { m.MergeCommit(result); next.Add(m); continue; }
                        var staged = Assert.IsType<StagedCommit>(m.Process(result.Commit));
                        m.Merge(staged);
                        if (staged.Removed) Assert.True(m.IsRemoved);
                        else next.Add(m);
                    }
                    foreach (var p in result.Staged.Proposals)
                    {
                        if (p.Proposal is not AddProposal add) continue;
                        var (client, bundle) = pendingAdds[Convert.ToHexString(add.KeyPackage.MakeRef())];
                        next.Add(MlsGroup.JoinFromWelcome(result.Welcome!.Welcome!, bundle, client.Signature, null, null,
                            random.Derive(client.Name), options));
                    }
                    pendingAdds.Clear();
                    members = next;
                    commits++;
                    maxSize = Math.Max(maxSize, members.Count);
                    Assert.Equal(result.Staged.NewState.Tree.MemberCount, members.Count);
                    GroupTestKit.AssertAgree(members);
                    break;
                }
                case OpKind.Application:
                {
                    var data = GroupTestKit.Bytes($"message {messages} from {actor.OwnLeafIndex}");
                    var message = actor.EncryptApplication(data, GroupTestKit.Bytes("aad"));
                    foreach (var m in members)
                    {
                        if (ReferenceEquals(m, actor)) continue;
                        var app = Assert.IsType<ApplicationMessage>(m.Process(message));
                        Assert.Equal(data, app.Data);
                        Assert.Equal(actor.OwnLeafIndex, app.SenderLeaf);
                    }
                    messages++;
                    break;
                }
            }
        }
        return (commits, messages, maxSize);
    }
}
