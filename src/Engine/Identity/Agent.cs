using System.Security.Cryptography;
using Sim.Engine.Crypto;
using Sim.Engine.Messages;

namespace Sim.Engine.Identity;

/// <summary>
/// PairMLS agent: a signature key pair of the suite's signature scheme. The agent's public key is
/// both the leaf's <c>signature_key</c> and the identity of its BasicCredential (RFC 9420 §5.3), so
/// whoever holds the private key signs the member's MLS messages, card assertions and successions.
/// The private key can be cleared (then every signing call throws <see cref="ObjectDisposedException"/>)
/// and never appears in <see cref="ToString"/>.
/// </summary>
public sealed class Agent : IDisposable
{
    private readonly byte[] _privateKey;
    private readonly byte[] _publicKey;
    private bool _cleared;

    public CipherSuite Suite { get; }
    /// <summary>Short hash of the public key, for traces.</summary>
    public AgentId Id { get; }

    private Agent(CipherSuite suite, byte[] privateKey, byte[] publicKey)
    {
        Suite = suite;
        _privateKey = privateKey;
        _publicKey = publicKey;
        Id = AgentId.Of(suite, publicKey);
    }

    /// <summary>A fresh agent: a key pair of <see cref="CipherSuite.Signature"/> drawn from <paramref name="random"/>.</summary>
    public static Agent Create(CipherSuite suite, IRandomSource random)
    {
        ArgumentNullException.ThrowIfNull(suite);
        ArgumentNullException.ThrowIfNull(random);
        var pair = suite.Signature.GenerateKeyPair(random);
        return new Agent(suite, pair.PrivateKey, pair.PublicKey);
    }

    /// <summary>Restores an agent from its private key (e.g. persisted state); the span is copied.</summary>
    public static Agent FromPrivateKey(CipherSuite suite, ReadOnlySpan<byte> privateKey)
    {
        ArgumentNullException.ThrowIfNull(suite);
        return new Agent(suite, privateKey.ToArray(), suite.Signature.PublicKeyOf(privateKey));
    }

    /// <summary>A copy of the agent's public signature key.</summary>
    public byte[] PublicKey => (byte[])_publicKey.Clone();

    /// <summary>The MLS credential of a member run by this agent: Basic(agent public key).</summary>
    public Credential Credential => Credential.Basic(PublicKey);

    public bool IsCleared => _cleared;

    /// <summary>The private signature key (e.g. for <see cref="LeafNodeSignature.Sign"/> or persisting); valid until <see cref="Clear"/>.</summary>
    public ReadOnlySpan<byte> SignaturePrivateKey
    {
        get
        {
            ObjectDisposedException.ThrowIf(_cleared, this);
            return _privateKey;
        }
    }

    /// <summary>A fresh copy of the key pair, for APIs that take a <see cref="KeyPair"/> (such as
    /// <see cref="KeyPackageBundle.Create"/>); the caller owns and should clear the copy.</summary>
    public KeyPair ToKeyPair() => new(SignaturePrivateKey.ToArray(), PublicKey);

    /// <summary>RFC 9420 §5.1.2 SignWithLabel with this agent's private key.</summary>
    public byte[] SignWithLabel(string label, ReadOnlySpan<byte> content) => Suite.SignWithLabel(SignaturePrivateKey, label, content);

    /// <summary>Signs <paramref name="card"/> for <paramref name="conversationId"/> (empty for an invitation).</summary>
    public CardAssertion AssertCard(Card card, byte[] conversationId) => CardAssertion.Create(this, card, conversationId);

    /// <summary>Hands over to <paramref name="successorPublicKey"/> in <paramref name="conversationId"/>.</summary>
    internal SuccessionAssertion Succeed(byte[] successorPublicKey, byte[] conversationId) =>
        SuccessionAssertion.Create(this, successorPublicKey, conversationId);

    /// <summary>Overwrites the private key with zeros; the agent can no longer sign.</summary>
    public void Clear()
    {
        CryptographicOperations.ZeroMemory(_privateKey);
        _cleared = true;
    }

    public void Dispose() => Clear();

    public override string ToString() => _cleared ? $"Agent({Id}, cleared)" : $"Agent({Id})";
}
