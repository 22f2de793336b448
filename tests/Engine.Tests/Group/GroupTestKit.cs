using System.Text;
using Sim.Engine.Codec;
using Sim.Engine.Crypto;
using Sim.Engine.Framing;
using Sim.Engine.Group;
using Sim.Engine.Messages;

namespace Sim.Engine.Tests.Group;

/// <summary>Builds real groups of <see cref="MlsGroup"/> members for the group-layer tests, and forges handshake messages.</summary>
internal sealed class GroupTestKit(ushort suiteId = 1, ulong seed = 11, GroupOptions? options = null)
{
    public CipherSuite Suite { get; } = CipherSuite.Get(suiteId);
    public DeterministicRandomSource Random { get; } = new(seed, "group-tests");
    public GroupOptions Options { get; } = options ?? GroupOptions.Default;
    public byte[] GroupId { get; } = "group-test"u8.ToArray();

    public sealed record Client(string Name, KeyPair Signature, Credential Credential);

    public Client NewClient(string name) =>
        new(name, Suite.Signature.GenerateKeyPair(Random), Credential.Basic(Encoding.UTF8.GetBytes(name)));

    public KeyPackageBundle KeyPackage(Client c) =>
        KeyPackageBundle.Create(Suite, c.Signature, c.Credential, new Lifetime(0, ulong.MaxValue), Random);

    public MlsGroup Create(Client c, GroupOptions? options = null) =>
        MlsGroup.Create(Suite, GroupId, c.Signature, c.Credential, Random.Derive("creator"), options ?? Options);

    /// <summary>Adds <paramref name="joiners"/> with one Commit by <paramref name="committer"/>; every other member in
    /// <paramref name="others"/> processes it; returns the joiners' groups.</summary>
    public List<MlsGroup> Add(MlsGroup committer, IReadOnlyList<MlsGroup> others, params Client[] joiners)
    {
        var bundles = joiners.Select(KeyPackage).ToList();
        var result = committer.Commit(new CommitOptions { InlineProposals = bundles.Select(b => (Proposal)new AddProposal(b.KeyPackage)).ToList() });
        foreach (var o in others) o.Merge(Assert.IsType<StagedCommit>(o.Process(result.Commit)));
        committer.MergeCommit(result);
        return joiners.Select((j, i) => MlsGroup.JoinFromWelcome(result.Welcome!.Welcome!, bundles[i], j.Signature, null, null,
            Random.Derive("joiner-" + j.Name), Options)).ToList();
    }

    /// <summary>A group of <paramref name="n"/> members built by member 0 in one Commit.</summary>
    public List<MlsGroup> Group(int n)
    {
        var creator = Create(NewClient("m0"));
        var members = new List<MlsGroup> { creator };
        if (n > 1) members.AddRange(Add(creator, [], Enumerable.Range(1, n - 1).Select(i => NewClient("m" + i)).ToArray()));
        return members;
    }

    public static void AssertAgree(IEnumerable<MlsGroup> groups)
    {
        var list = groups.ToList();
        foreach (var g in list.Skip(1))
        {
            Assert.Equal(list[0].Epoch, g.Epoch);
            Assert.Equal(list[0].EpochAuthenticator, g.EpochAuthenticator);
            Assert.Equal(list[0].TreeHash, g.TreeHash);
        }
    }

    /// <summary>
    /// A Commit from <paramref name="sender"/>'s state with any proposals and path, signed and
    /// membership-tagged correctly, with <paramref name="confirmationTag"/> (default: garbage; list
    /// rules are checked before the tag).
    /// </summary>
    public static MlsMessage ForgeCommit(GroupState sender, IReadOnlyList<ProposalOrRef> proposals, UpdatePath? path = null, byte[]? confirmationTag = null)
    {
        var content = FramedContent.OfCommit(sender.GroupId, sender.Epoch, Sender.Member(sender.OwnLeafIndex), [], new Commit(proposals, path));
        using var protection = MessageProtection.ForEpoch(sender.Context, sender.Secrets);
        var authenticated = protection.Sign(content, WireFormat.PublicMessage, sender.SignaturePrivateKey.Span,
            confirmationTag ?? new byte[sender.Suite.HashLength]);
        return MlsMessage.From(protection.ProtectPublic(authenticated));
    }

    /// <summary>Re-signs and re-tags a PublicMessage Commit after <paramref name="change"/> edited its content or auth.</summary>
    public static MlsMessage Retag(GroupState sender, MlsMessage message, Func<byte[], byte[]> changeTag)
    {
        var pm = message.PublicMessage!;
        using var protection = MessageProtection.ForEpoch(sender.Context, sender.Secrets);
        var authenticated = pm.ToAuthenticatedContent() with { Auth = pm.Auth with { ConfirmationTag = changeTag(pm.Auth.ConfirmationTag!) } };
        return MlsMessage.From(protection.ProtectPublic(authenticated));
    }

    public static byte[] Bytes(string s) => Encoding.UTF8.GetBytes(s);
    public static byte[] Encode(MlsMessage m) => Tls.Serialize(m);
}
