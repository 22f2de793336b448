using Sim.Engine.Crypto;
using Sim.Engine.Messages;

namespace Sim.Engine.Identity;

/// <summary>
/// PairMLS Authentication Service (RFC 9420 §5.3.1 leaves credential validation to the application's
/// AS; PAIRMLS.md "Identity layer" gives its rules). One instance per conversation: it knows the
/// suite and the conversation id (the MLS group id) and is otherwise stateless; the caller keeps an
/// <see cref="IdentityView"/> per member and swaps in the returned one only once the whole message
/// it came with has been accepted.
/// <para>Rules for every leaf (checked here; the MLS layer checks the leaf's signature, §7.3):</para>
/// <list type="bullet">
/// <item>the credential is Basic and its identity is the leaf's <c>signature_key</c>: the agent's
/// public key (<see cref="IdentityError.Rejected"/>);</item>
/// <item>the leaf carries exactly one well-formed <see cref="IdentityBinding"/>
/// (<see cref="IdentityError.MissingIdentityBinding"/>, <see cref="MlsError.Malformed"/>) that matches
/// the accepted or presented assertions (<see cref="IdentityError.IdentityBindingMismatch"/>);</item>
/// <item>a new agent needs a succession chain from the accepted agent to it, in this conversation;
/// successions with an unchanged agent are refused (<see cref="IdentityError.BadSuccession"/>);</item>
/// <item>a new card needs an assertion by the leaf's (new) agent (<see cref="IdentityError.Rejected"/>),
/// for this conversation (<see cref="IdentityError.Rejected"/>), with a valid signature
/// (<see cref="MlsError.BadSignature"/>) and a version higher than the accepted card's
/// (<see cref="IdentityError.StaleCard"/>);</item>
/// <item>same agent and same card: a leaf update.</item>
/// </list>
/// </summary>
internal sealed class AuthenticationService
{
    private readonly byte[] _conversationId;

    public CipherSuite Suite { get; }
    public ReadOnlySpan<byte> ConversationId => _conversationId;

    public AuthenticationService(CipherSuite suite, byte[] conversationId)
    {
        Suite = suite ?? throw new ArgumentNullException(nameof(suite));
        _conversationId = (byte[])(conversationId ?? throw new ArgumentNullException(nameof(conversationId))).Clone();
    }

    /// <summary>
    /// The first leaf of a member (the invitation KeyPackage's leaf, or the creator's leaf): the card
    /// assertion must be by the leaf's agent, for this conversation or for an invitation (empty id),
    /// and the leaf's binding must name it with an empty succession chain.
    /// </summary>
    public IdentityView ValidateInitial(LeafNode leaf, CardAssertion cardAssertion)
    {
        ArgumentNullException.ThrowIfNull(leaf);
        ArgumentNullException.ThrowIfNull(cardAssertion);
        byte[] agentKey = AgentKeyOf(leaf);
        var binding = IdentityBinding.FromLeaf(leaf);
        if (cardAssertion.ConversationId.Length != 0 && !cardAssertion.ConversationId.AsSpan().SequenceEqual(_conversationId))
            throw Rejected("card assertion is for another conversation");
        CheckCardAssertion(cardAssertion, agentKey);
        var view = IdentityView.Create(Suite, agentKey, cardAssertion, SuccessionChain.Empty);
        CheckBinding(binding, view.Binding);
        return view;
    }

    /// <summary>
    /// A leaf change of a member whose accepted identity is <paramref name="current"/>: returns the
    /// kind of update and the member's new view, or throws <see cref="MlsProtocolException"/>.
    /// </summary>
    public IdentityUpdate Validate(IdentityView current, LeafNode newLeaf, IdentityEvidence evidence)
    {
        ArgumentNullException.ThrowIfNull(current);
        ArgumentNullException.ThrowIfNull(newLeaf);
        ArgumentNullException.ThrowIfNull(evidence);
        byte[] agentKey = AgentKeyOf(newLeaf);
        var binding = IdentityBinding.FromLeaf(newLeaf);

        // Agent: a credential changes only along a valid succession (PAIRMLS.md "Identity layer").
        bool newAgent = !agentKey.AsSpan().SequenceEqual(current.AgentKey);
        if (newAgent && evidence.Successions.Count == 0)
            throw new IdentityException(IdentityError.BadSuccession, "new agent without a succession from the accepted agent");
        if (!newAgent && evidence.Successions.Count != 0)
            throw new IdentityException(IdentityError.BadSuccession, "succession presented but the agent is unchanged");
        if (newAgent)
        {
            byte[] last = SuccessionChain.Verify(Suite, current.AgentKey, evidence.Successions, _conversationId);
            if (!last.AsSpan().SequenceEqual(agentKey))
                throw new IdentityException(IdentityError.BadSuccession, "the succession chain does not end at the leaf's agent");
        }
        byte[] successionHash = newAgent ? SuccessionChain.Extend(Suite, current.SuccessionHash, evidence.Successions) : current.SuccessionHash;

        // Card: a new card needs an assertion by the leaf's agent with a higher version.
        var cardAssertion = current.CardAssertion;
        byte[] cardHash = current.CardAssertionHash;
        bool newCard = false;
        if (evidence.CardAssertion is { } presented)
        {
            byte[] presentedHash = presented.Hash(Suite);
            if (!presentedHash.AsSpan().SequenceEqual(current.CardAssertionHash))
            {
                if (!presented.ConversationId.AsSpan().SequenceEqual(_conversationId))
                    throw Rejected("card assertion is for another conversation");
                CheckCardAssertion(presented, agentKey);
                if (presented.Card.Version <= current.CardVersion)
                    throw new IdentityException(IdentityError.StaleCard,
                        $"card version {presented.Card.Version} does not exceed the accepted version {current.CardVersion}");
                (cardAssertion, cardHash, newCard) = (presented, presentedHash, true);
            }
        }

        var view = new IdentityView(agentKey, newAgent ? AgentId.Of(Suite, agentKey) : current.AgentId, cardAssertion, cardHash, successionHash);
        CheckBinding(binding, view.Binding);
        var kind = newCard ? UpdateKind.Identity : newAgent ? UpdateKind.Agent : UpdateKind.Leaf;
        return new IdentityUpdate(kind, view);
    }

    /// <summary>
    /// Whether <see cref="Validate"/> would accept <paramref name="newLeaf"/> as a leaf update of
    /// <paramref name="current"/> with no evidence: a basic credential naming the same agent, whose one
    /// IdentityBinding is the accepted one (the same encoding: TLS encodings are unique, RFC 9420 §2.1.2).
    /// A yes-or-no question for a caller that has no evidence to offer; never throws on bad input.
    /// </summary>
    public bool IsLeafUpdate(IdentityView current, LeafNode newLeaf)
    {
        ArgumentNullException.ThrowIfNull(current);
        ArgumentNullException.ThrowIfNull(newLeaf);
        if (newLeaf.Credential.CredentialType != CredentialType.Basic || newLeaf.Credential.Identity is not { Length: > 0 } identity
            || !identity.AsSpan().SequenceEqual(newLeaf.SignatureKey) || !identity.AsSpan().SequenceEqual(current.AgentKey))
            return false;
        var bindings = newLeaf.Extensions.Where(e => e.ExtensionType == IdentityBinding.ExtensionType).ToList();
        return bindings.Count == 1 && bindings[0].ExtensionData.AsSpan().SequenceEqual(current.Binding.ToExtension().ExtensionData);
    }

    /// <summary>The binding a member's first leaf must carry for <paramref name="cardAssertion"/> (for building it).</summary>
    public IdentityBinding InitialBinding(CardAssertion cardAssertion)
    {
        ArgumentNullException.ThrowIfNull(cardAssertion);
        return new IdentityBinding(cardAssertion.Hash(Suite), SuccessionChain.Empty);
    }

    /// <summary>
    /// The binding the next leaf must carry when a member whose view is <paramref name="current"/>
    /// presents <paramref name="evidence"/> (for building it; nothing is verified here).
    /// </summary>
    public IdentityBinding BindingFor(IdentityView current, IdentityEvidence evidence)
    {
        ArgumentNullException.ThrowIfNull(current);
        ArgumentNullException.ThrowIfNull(evidence);
        return new IdentityBinding(
            evidence.CardAssertion?.Hash(Suite) ?? current.CardAssertionHash,
            SuccessionChain.Extend(Suite, current.SuccessionHash, evidence.Successions));
    }

    /// <summary>The agent key of a leaf: a Basic credential whose identity is the leaf's signature_key.</summary>
    private static byte[] AgentKeyOf(LeafNode leaf)
    {
        if (leaf.Credential.CredentialType != CredentialType.Basic || leaf.Credential.Identity is not { Length: > 0 } identity)
            throw Rejected($"credential is {leaf.Credential.CredentialType}, not a basic credential naming an agent");
        if (!identity.AsSpan().SequenceEqual(leaf.SignatureKey))
            throw Rejected("credential identity is not the leaf's signature key");
        return (byte[])identity.Clone();
    }

    private void CheckCardAssertion(CardAssertion assertion, byte[] agentKey)
    {
        if (!assertion.AgentKey.AsSpan().SequenceEqual(agentKey))
            throw Rejected("card assertion is signed by another agent than the leaf's");
        if (!assertion.Verify(Suite))
            throw new MlsProtocolException(MlsError.BadSignature, "card assertion signature does not verify");
    }

    private static void CheckBinding(IdentityBinding actual, IdentityBinding expected)
    {
        if (!actual.CardAssertionHash.AsSpan().SequenceEqual(expected.CardAssertionHash))
            throw new IdentityException(IdentityError.IdentityBindingMismatch, "leaf binds another card assertion than the accepted or presented one");
        if (!actual.SuccessionHash.AsSpan().SequenceEqual(expected.SuccessionHash))
            throw new IdentityException(IdentityError.IdentityBindingMismatch, "leaf binds another succession chain than the accepted or presented one");
    }

    private static IdentityException Rejected(string message) => new(IdentityError.Rejected, message);
}
