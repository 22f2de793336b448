using Sim.Engine.Crypto;
using Sim.Engine.Identity;
using Sim.Engine.Messages;

namespace Sim.Engine.Tests.Identity;

/// <summary>
/// Builds agents, assertions and bound leaves for one conversation, deterministically from a seed,
/// so each test changes exactly one thing and everything else is valid.
/// </summary>
internal sealed class IdentityFixture
{
    public static readonly byte[] GroupId = "pairmls-conversation-1"u8.ToArray();
    public static readonly byte[] OtherGroupId = "pairmls-conversation-2"u8.ToArray();
    private static readonly Lifetime Year2026 = new(1_767_225_600, 1_798_761_599);

    public CipherSuite Suite { get; }
    public DeterministicRandomSource Random { get; }
    public AuthenticationService As { get; }

    public IdentityFixture(ushort suiteId = 1, ulong seed = 7)
    {
        Suite = CipherSuite.Get(suiteId);
        Random = new DeterministicRandomSource(seed, $"identity-{suiteId}");
        As = new AuthenticationService(Suite, GroupId);
    }

    public Agent NewAgent() => Agent.Create(Suite, Random);

    public static Card AliceCard => Card.Create("Alice", [new CardField("email", "alice@example.org"), new CardField("phone", "+1 555 0100")]);

    /// <summary>An invitation's first leaf (source key_package), bound to <paramref name="binding"/>, as a real KeyPackage carries it.</summary>
    public LeafNode KeyPackageLeaf(Agent agent, IdentityBinding binding)
    {
        using var bundle = KeyPackageBundle.Create(Suite, agent.ToKeyPair(), agent.Credential, Year2026, Random,
            IdentityBinding.WithSupport(KeyPackageBundle.DefaultCapabilities(Suite)), [binding.ToExtension()]);
        KeyPackageValidation.Validate(Suite, bundle.KeyPackage);
        return bundle.KeyPackage.LeafNode;
    }

    /// <summary>An update leaf (fresh HPKE key) of <paramref name="agent"/> at leaf 1, carrying <paramref name="binding"/>, signed.</summary>
    public LeafNode UpdateLeaf(Agent agent, IdentityBinding? binding, IReadOnlyList<Extension>? extensions = null, Credential? credential = null)
    {
        var encryption = Suite.Kem.GenerateKeyPair(Random);
        var leaf = new LeafNode(encryption.PublicKey, agent.PublicKey, credential ?? agent.Credential,
            KeyPackageBundle.DefaultCapabilities(Suite), LeafNodeSource.Update, null, null, extensions ?? [], []);
        if (binding is not null) leaf = binding.Bind(leaf);
        return LeafNodeSignature.Sign(Suite, leaf, agent.SignaturePrivateKey, GroupId, 1);
    }

    /// <summary>A member who joined from an invitation: agent, card assertion (empty conversation id), accepted view.</summary>
    public (Agent Agent, IdentityView View) Invited(Card? card = null)
    {
        var agent = NewAgent();
        var assertion = agent.AssertCard(card ?? AliceCard, []);
        var leaf = KeyPackageLeaf(agent, As.InitialBinding(assertion));
        return (agent, As.ValidateInitial(leaf, assertion));
    }

    /// <summary>The leaf the member presents with <paramref name="evidence"/>, bound as the AS expects.</summary>
    public LeafNode BoundLeaf(Agent agent, IdentityView current, IdentityEvidence evidence) =>
        UpdateLeaf(agent, As.BindingFor(current, evidence));

    /// <summary>The refusal's reason: the identity layer's own (<see cref="IdentityError"/>) or, for a signature or decoding failure, MLS's.
    /// A leaf refused without evidence is never a leaf update to <see cref="AuthenticationService.IsLeafUpdate"/> either.</summary>
    public Enum Rejects(IdentityView current, LeafNode leaf, IdentityEvidence evidence)
    {
        var e = Assert.ThrowsAny<MlsProtocolException>(() => As.Validate(current, leaf, evidence));
        if (evidence.CardAssertion is null && evidence.Successions.Count == 0) Assert.False(As.IsLeafUpdate(current, leaf));
        return e is IdentityException i ? i.Reason : e.Error;
    }
}
