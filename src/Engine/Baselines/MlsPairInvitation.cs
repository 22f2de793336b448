using Sim.Engine.Codec;
using Sim.Engine.Crypto;
using Sim.Engine.Framing;
using Sim.Engine.Group;
using Sim.Engine.Identity;
using Sim.Engine.Messages;
using Sim.Engine.Pair;

namespace Sim.Engine.Baselines;

/// <summary>What the inviter of a baseline MLS group shares out of band: a KeyPackage and her card assertion.</summary>
public sealed record MlsPairInvitationPublic(KeyPackage KeyPackage, CardAssertion Card);

/// <summary>The inviter of a baseline two-member group before the Welcome reaches her (RFC 9420 §12.4.3.1).</summary>
public sealed class MlsPairInvitation : IDisposable
{
    private readonly KeyPackageBundle _bundle;
    private readonly byte[] _agentKey;
    private readonly Card _card;
    private readonly CommitRule _rule;
    private readonly GroupOptions _options;
    private readonly IRandomSource _random;

    private MlsPairInvitation(KeyPackageBundle bundle, byte[] agentKey, Card card, CardAssertion assertion, CommitRule rule, GroupOptions options, IRandomSource random)
    {
        _bundle = bundle;
        _agentKey = agentKey;
        _card = card;
        _rule = rule;
        _options = options;
        _random = random;
        Public = new MlsPairInvitationPublic(bundle.KeyPackage, assertion);
    }

    public MlsPairInvitationPublic Public { get; }

    internal static MlsPairInvitation Create(Card card, CipherSuite suite, CommitRule rule, GroupOptions options, IRandomSource random)
    {
        using var agent = Agent.Create(suite, random);
        var bundle = KeyPackageBundle.Create(suite, agent.ToKeyPair(), agent.Credential, new Lifetime(0, ulong.MaxValue), random);
        // The conversation id is not known before the group exists: the invitation's card names none.
        return new MlsPairInvitation(bundle, agent.SignaturePrivateKey.ToArray(), card, agent.AssertCard(card, []), rule, options, random);
    }

    /// <summary>Joins from a datagram holding the Welcome; null (and why) for any other datagram.</summary>
    public MlsPairClient? TryJoin(ReadOnlySpan<byte> datagram, out ReceiveOutcome outcome)
    {
        MlsMessage message;
        try { message = Tls.Deserialize<MlsMessage>(datagram); }
        catch (MlsDecodeException e) { outcome = new Rejected(RejectReason.Malformed, e.Message); return null; }
        if (message.WireFormat != WireFormat.Welcome) { outcome = new Rejected(RejectReason.UnknownEpoch, "not joined yet: only a Welcome opens the conversation"); return null; }
        try
        {
            var suite = _bundle.Suite;
            var keyPair = new KeyPair((byte[])_agentKey.Clone(), suite.Signature.PublicKeyOf(_agentKey));
            var group = MlsGroup.JoinFromWelcome(message.Welcome!, _bundle, keyPair, null, null, _random, _options);
            using var agent = Agent.FromPrivateKey(suite, _agentKey);
            var state = new MlsPairClientState
            {
                Rule = _rule,
                IsInviter = true,
                WelcomeEpoch = group.Epoch,
                Group = group.State,
                MyCard = agent.AssertCard(_card, group.GroupId),
                DesiredCard = _card,
            }.WithStart(group.Epoch, MlsPairClient.Hash(suite, datagram), false);
            outcome = new HandshakeApplied(group.Epoch);
            return new MlsPairClient(state, _random);
        }
        catch (WelcomeException e)
        {
            outcome = new Rejected(e.Reason == WelcomeError.NotForUs ? RejectReason.NotForThisSession : RejectReason.Invalid, e.Message);
            return null;
        }
        catch (MlsProtocolException e)
        {
            outcome = new Rejected(RejectReason.Invalid, e.Message);
            return null;
        }
    }

    public void Dispose()
    {
        _bundle.Dispose();
        Array.Clear(_agentKey);
    }
}
