using Sim.Engine.Crypto;
using Sim.Engine.Identity;
using Sim.Engine.Messages;

namespace Sim.Engine.Tests.Identity;

/// <summary>Agents and the signatures of card and succession assertions, on all seven suites.</summary>
public sealed class AgentTests
{
    public static TheoryData<ushort> Suites() => new(1, 2, 3, 4, 5, 6, 7);

    [Theory, MemberData(nameof(Suites))]
    public void AgentIsASignatureKeyPairOfTheSuite(ushort suiteId)
    {
        var suite = CipherSuite.Get(suiteId);
        using var agent = Agent.Create(suite, new DeterministicRandomSource(1, "agent"));
        Assert.Equal(agent.PublicKey, suite.Signature.PublicKeyOf(agent.SignaturePrivateKey));
        Assert.Equal(Sim.Engine.Codec.Tls.Serialize(Credential.Basic(agent.PublicKey)), Sim.Engine.Codec.Tls.Serialize(agent.Credential));
        Assert.Equal(CredentialType.Basic, agent.Credential.CredentialType);
        Assert.Equal(agent.PublicKey, agent.Credential.Identity);
        byte[] signature = agent.SignWithLabel("test", [1, 2, 3]);
        Assert.True(suite.VerifyWithLabel(agent.PublicKey, "test", [1, 2, 3], signature));

        using var restored = Agent.FromPrivateKey(suite, agent.SignaturePrivateKey);
        Assert.Equal(agent.PublicKey, restored.PublicKey);
        Assert.Equal(agent.Id, restored.Id);
    }

    [Theory, MemberData(nameof(Suites))]
    public void AssertionsSignAndVerifyOnEverySuite(ushort suiteId)
    {
        var f = new IdentityFixture(suiteId);
        var (a, b) = (f.NewAgent(), f.NewAgent());
        var card = a.AssertCard(IdentityFixture.AliceCard, IdentityFixture.GroupId);
        var succession = a.Succeed(b.PublicKey, IdentityFixture.GroupId);
        Assert.True(card.Verify(f.Suite));
        Assert.True(succession.Verify(f.Suite));

        // Any change to what was signed, or the signature, breaks it.
        Assert.False((card with { Card = card.Card.Next() }).Verify(f.Suite));
        Assert.False((card with { ConversationId = IdentityFixture.OtherGroupId }).Verify(f.Suite));
        Assert.False((card with { AgentKey = b.PublicKey }).Verify(f.Suite));
        Assert.False((succession with { SuccessorKey = a.PublicKey }).Verify(f.Suite));
        Assert.False((succession with { ConversationId = [] }).Verify(f.Suite));
        byte[] flipped = (byte[])card.Signature.Clone();
        flipped[^1] ^= 1;
        Assert.False((card with { Signature = flipped }).Verify(f.Suite));

        // The labels separate the two kinds of assertion: a signature of one is never the other.
        byte[] tbs = succession.ToBeSigned();
        Assert.False(f.Suite.VerifyWithLabel(a.PublicKey, CardAssertion.Label, tbs, succession.Signature));
        Assert.True(f.Suite.VerifyWithLabel(a.PublicKey, SuccessionAssertion.Label, tbs, succession.Signature));
    }

    [Fact]
    public void AgentIdIsAShortHashOfThePublicKey()
    {
        var suite = CipherSuite.Get(1);
        using var agent = Agent.Create(suite, new DeterministicRandomSource(2, "agent"));
        Assert.Equal(16, agent.Id.Value.Length);
        Assert.Equal(Convert.ToHexStringLower(suite.RefHash(AgentId.Label, agent.PublicKey).AsSpan(0, 8)), agent.Id.Value);
        Assert.Equal(AgentId.Of(suite, agent.PublicKey), agent.Id);
        using var other = Agent.Create(suite, new DeterministicRandomSource(3, "agent"));
        Assert.NotEqual(agent.Id, other.Id);
    }

    [Fact]
    public void ClearedAgentCannotSignAndNothingSecretIsPrinted()
    {
        var suite = CipherSuite.Get(1);
        var agent = Agent.Create(suite, new DeterministicRandomSource(4, "agent"));
        string privateHex = Convert.ToHexString(agent.SignaturePrivateKey);
        string text = agent.ToString();
        Assert.Contains(agent.Id.Value, text);
        Assert.DoesNotContain(privateHex, text, StringComparison.OrdinalIgnoreCase);
        Assert.DoesNotContain(privateHex[..8], text, StringComparison.OrdinalIgnoreCase);

        agent.Clear();
        Assert.True(agent.IsCleared);
        Assert.Throws<ObjectDisposedException>(() => agent.SignWithLabel("x", []));
        Assert.Throws<ObjectDisposedException>(() => agent.ToKeyPair());
        Assert.Contains("cleared", agent.ToString());
        Assert.NotEmpty(agent.PublicKey); // public parts stay usable for views and traces
    }
}
