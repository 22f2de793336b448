using System.Collections.Immutable;
using Sim.Engine.Crypto;
using Sim.Engine.Group;
using Sim.Engine.Identity;
using Sim.Engine.Messages;
using Sim.Engine.Tree;

namespace Sim.Engine.Pair;

/// <summary>
/// The inviter's side before any conversation exists (PAIRMLS.md "Creating a conversation", step 1):
/// a fresh invitation agent, its KeyPackage bound to a card assertion (empty conversation id), and
/// the private keys behind them. <see cref="Public"/> is shared out of band, possibly with many
/// people; each acceptor's first datagram, sealed to the KeyPackage's init key, becomes a
/// <see cref="PairSession"/> through <see cref="TryJoin"/>. Disposing clears the private keys.
/// </summary>
public sealed class Invitation : IDisposable
{
    private readonly Agent _agent;
    private readonly KeyPackageBundle _bundle;
    private readonly IRandomSource _random;

    private Invitation(Agent agent, KeyPackageBundle bundle, CardAssertion cardAssertion, PairOptions options, IRandomSource random)
    {
        _agent = agent;
        _bundle = bundle;
        _random = random;
        Options = options;
        Public = new InvitationPublic(bundle.KeyPackage, cardAssertion);
    }

    public InvitationPublic Public { get; }
    public PairOptions Options { get; }
    public CipherSuite Suite => _bundle.Suite;
    public AgentId AgentId => _agent.Id;

    internal Schedule.Secret InitPrivateKeyForTests => _bundle.InitPrivateKey;
    /// <summary>The KeyPackage's private init key, for <see cref="PairInsider.OfInvitation"/> (the invitee's insider of the fuzzer).</summary>
    internal Schedule.Secret InitPrivateKey => _bundle.InitPrivateKey;

    /// <summary>A fresh invitation agent for <paramref name="card"/> under <see cref="PairOptions.Suite"/>.</summary>
    public static Invitation Create(Card card, PairOptions options, IRandomSource random)
    {
        ArgumentNullException.ThrowIfNull(card);
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(random);
        options.Validate();
        var suite = options.CipherSuite;
        var agent = Agent.Create(suite, random);
        var assertion = agent.AssertCard(card, []);
        var binding = new IdentityBinding(assertion.Hash(suite), SuccessionChain.Empty);
        var signatureKey = agent.ToKeyPair();
        ulong now = options.Now();
        ulong seconds = (ulong)Math.Min(options.InvitationLifetime.TotalSeconds, ulong.MaxValue / 4);
        var lifetime = new Lifetime(now - Math.Min(now, PairOptions.InvitationSkewSeconds), now > ulong.MaxValue - seconds ? ulong.MaxValue : now + seconds);
        var bundle = KeyPackageBundle.Create(suite, signatureKey, agent.Credential, lifetime, random,
            IdentityBinding.WithSupport(KeyPackageBundle.DefaultCapabilities(suite)), [binding.ToExtension()]);
        signatureKey.Clear();
        return new Invitation(agent, bundle, assertion, options, random);
    }

    /// <summary>
    /// PAIRMLS.md "Creating a conversation", step 4: opens <paramref name="datagram"/> with the init
    /// key, joins from the Welcome stapled inside and processes the rest of the datagram. Returns the
    /// new session (and <see cref="Delivered"/>, or <see cref="Undecryptable"/> with the Welcome taken when
    /// the application message is beyond the forward distance), or null and why not. Never throws on bad bytes.
    /// </summary>
    public PairSession? TryJoin(ReadOnlySpan<byte> datagram, out ReceiveOutcome outcome, IRandomSource? random = null)
    {
        random ??= _random;
        try
        {
            var body = HeaderSeal.TryOpenAsInvitee(Suite, _bundle.InitPrivateKey, datagram)
                ?? WelcomeDualSeal.TryOpenAsInvitee(Suite, _bundle.InitPrivateKey, datagram)
                ?? throw new PairRejection(RejectReason.NotForThisSession, "the invitation's init key does not open it");
            // docs/RECOVERY.md "Loaded states ask": a restored acceptor asks in w too; the request wraps the ordinary body.
            if (RecoveryEnvelope.IsEnvelope(body))
            {
                var envelope = RecoveryEnvelope.Parse(body);
                if (envelope.Kind != RecoveryKind.Request)
                    throw new PairRejection(RejectReason.UnknownEpoch, "not joined yet, and a recovery offer is for a joined party");
                body = envelope.Body;
            }
            var parts = DatagramBody.Parse(body);
            // RFC 9420 §7.3: our own leaf in the Welcome's tree is the invitation's KeyPackage leaf.
            if (InvitationPublic.Expired(Public.KeyPackage, Options.Now()) is { } why)
                throw new PairRejection(RejectReason.LeafExpired, why);
            if (parts.Staple.Kind != StapleKind.Welcome)
                throw new PairRejection(RejectReason.UnknownEpoch, "not joined yet, and it staples no Welcome");
            var state = Join(parts);
            outcome = PairReceiver.Process(state, parts, Options, out var next);
            // PAIRMLS.md "A datagram stands alone": the Welcome counts even when the application message is beyond the
            // maximum forward distance (RFC 9420 §9.2: the acceptor sent more datagrams of w than that before one reached us).
            // We join; the payload is Undecryptable, as for a Commit staple.
            if (outcome is Undecryptable far)
            {
                outcome = far with { StapleTaken = true, StateChanged = true };
                return new PairSession(next, Options, random);
            }
            return outcome is Delivered ? new PairSession(next, Options, random) : null;
        }
        catch (PairRejection r)
        {
            outcome = r.ToOutcome();
            return null;
        }
        catch (RollbackEvidenceFound found)
        {
            outcome = found.Outcome;
            return null;
        }
    }

    /// <summary>The session state right after joining from the Welcome in <paramref name="parts"/>.</summary>
    private PairState Join(DatagramBody parts)
    {
        var suite = Suite;
        GroupState group;
        var signatureKey = _agent.ToKeyPair();
        try
        {
            using var bundle = new KeyPackageBundle(_bundle.KeyPackage, _bundle.InitPrivateKey.Clone(), _bundle.EncryptionPrivateKey.Clone());
            group = GroupJoiner.FromWelcome(parts.StapledMessage.Welcome!, bundle, signatureKey, null, null, Options.ToGroupOptions());
        }
        catch (MlsProtocolException e) { throw PairRejection.From(e, "Welcome"); }
        finally { signatureKey.Clear(); }

        if (!group.GroupId.AsSpan().SequenceEqual(parts.GroupId) || group.Epoch != parts.Epoch)
            throw new PairRejection(RejectReason.Malformed, "the Welcome is for another group or epoch than the datagram");
        var members = group.Tree.Leaves.ToDictionary(l => l.LeafIndex, l => l.Leaf);
        if (members.Count != 2) throw new PairRejection(RejectReason.Invalid, $"a PairMLS group has two members, not {members.Count}");
        uint peerLeaf = members.Keys.Single(i => i != group.OwnLeafIndex);

        var As = new AuthenticationService(suite, group.GroupId);
        var evidence = parts.Staple.Evidence;
        if (evidence.CardAssertion is not { } peerAssertion || evidence.Successions.Count != 0)
            throw new PairRejection(RejectReason.IdentityRejected, "the Welcome staple must carry the acceptor's card assertion only");
        IdentityView peerView, myView;
        try
        {
            peerView = As.ValidateInitial(members[peerLeaf], peerAssertion);
            myView = As.ValidateInitial(members[group.OwnLeafIndex], Public.CardAssertion);
        }
        catch (MlsProtocolException e) { throw PairRejection.From(e, "initial identities"); }

        return new PairState
        {
            Role = PairRole.Inviter,
            WelcomeEpoch = group.Epoch,
            Group = group,
            PeerLeaf = peerLeaf,
            MyView = myView,
            PeerView = peerView,
            DesiredCard = myView.Card,
            StapleHashes = EpochMap.Empty.Add(group.Epoch, parts.Staple.Hash(suite)),
            InvitationInitPrivateKey = _bundle.InitPrivateKey.Clone(),
        }.WithNextHeaderKey();
    }

    public void Dispose()
    {
        _agent.Clear();
        _bundle.Dispose();
    }

    public override string ToString() => $"Invitation(agent {_agent.Id}, suite {Suite.Id})";
}
