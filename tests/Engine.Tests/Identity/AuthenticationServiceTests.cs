using Sim.Engine.Identity;
using Sim.Engine.Messages;

namespace Sim.Engine.Tests.Identity;

/// <summary>PAIRMLS.md "Identity layer": one test per rule of the Authentication Service.</summary>
public sealed class AuthenticationServiceTests
{
    public static TheoryData<ushort> Suites() => new(1, 2, 3, 4, 5, 6, 7);

    // ---- first leaf (invitation / creator) ----

    [Theory, MemberData(nameof(Suites))]
    public void InvitationLeafWithOwnCardIsAccepted(ushort suiteId)
    {
        var f = new IdentityFixture(suiteId);
        var (agent, view) = f.Invited();
        Assert.Equal(agent.PublicKey, view.AgentKey);
        Assert.Equal(agent.Id, view.AgentId);
        Assert.Equal(IdentityFixture.AliceCard, view.Card);
        Assert.Equal(1ul, view.CardVersion);
        Assert.Empty(view.SuccessionHash);
    }

    [Fact]
    public void CreatorLeafWithCardForThisConversationIsAccepted()
    {
        var f = new IdentityFixture();
        var bob = f.NewAgent();
        var assertion = bob.AssertCard(Card.Create("Bob"), IdentityFixture.GroupId);
        var view = f.As.ValidateInitial(f.UpdateLeaf(bob, f.As.InitialBinding(assertion)), assertion);
        Assert.Equal("Bob", view.Card.DisplayName);
    }

    [Fact]
    public void InitialCardForAnotherConversationIsRejected()
    {
        var f = new IdentityFixture();
        var bob = f.NewAgent();
        var assertion = bob.AssertCard(Card.Create("Bob"), IdentityFixture.OtherGroupId);
        var leaf = f.UpdateLeaf(bob, f.As.InitialBinding(assertion));
        Assert.Equal(IdentityError.Rejected, Assert.Throws<IdentityException>(() => f.As.ValidateInitial(leaf, assertion)).Reason);
    }

    [Fact]
    public void InitialCardSignedByAnotherAgentIsRejected()
    {
        var f = new IdentityFixture();
        var (bob, mallory) = (f.NewAgent(), f.NewAgent());
        var assertion = mallory.AssertCard(Card.Create("Bob"), []);
        var leaf = f.UpdateLeaf(bob, f.As.InitialBinding(assertion));
        Assert.Equal(IdentityError.Rejected, Assert.Throws<IdentityException>(() => f.As.ValidateInitial(leaf, assertion)).Reason);
    }

    [Fact]
    public void InitialLeafMustNotClaimASuccession()
    {
        var f = new IdentityFixture();
        var bob = f.NewAgent();
        var assertion = bob.AssertCard(Card.Create("Bob"), []);
        var leaf = f.UpdateLeaf(bob, new IdentityBinding(assertion.Hash(f.Suite), new byte[f.Suite.HashLength]));
        Assert.Equal(IdentityError.IdentityBindingMismatch, Assert.Throws<IdentityException>(() => f.As.ValidateInitial(leaf, assertion)).Reason);
    }

    // ---- leaf updates ----

    [Theory, MemberData(nameof(Suites))]
    public void SameAgentSameCardIsLeafUpdate(ushort suiteId)
    {
        var f = new IdentityFixture(suiteId);
        var (agent, view) = f.Invited();
        var leaf = f.BoundLeaf(agent, view, IdentityEvidence.None);
        Assert.True(f.As.IsLeafUpdate(view, leaf));   // judged without evidence, no exception
        var update = f.As.Validate(view, leaf, IdentityEvidence.None);
        Assert.Equal(UpdateKind.Leaf, update.Kind);
        Assert.Equal(view, update.View);
    }

    [Fact]
    public void IsLeafUpdate_IsFalseForANewCardOrANewAgent()
    {
        // Issue 9 item 4: PairMLS asks this instead of catching a refusal when it has no evidence.
        var f = new IdentityFixture();
        var (a, view) = f.Invited();
        var b = f.NewAgent();
        var newCard = IdentityEvidence.ForCard(a.AssertCard(view.Card.Next(), IdentityFixture.GroupId));
        var succession = IdentityEvidence.ForSuccession(a.Succeed(b.PublicKey, IdentityFixture.GroupId));
        Assert.False(f.As.IsLeafUpdate(view, f.BoundLeaf(a, view, newCard)));
        Assert.False(f.As.IsLeafUpdate(view, f.BoundLeaf(b, view, succession)));
        Assert.Equal(UpdateKind.Identity, f.As.Validate(view, f.BoundLeaf(a, view, newCard), newCard).Kind);
    }

    [Fact]
    public void RepeatingTheAcceptedCardAssertionIsLeafUpdate()
    {
        var f = new IdentityFixture();
        var (agent, view) = f.Invited();
        var evidence = IdentityEvidence.ForCard(view.CardAssertion);
        var update = f.As.Validate(view, f.BoundLeaf(agent, view, evidence), evidence);
        Assert.Equal(UpdateKind.Leaf, update.Kind);
        Assert.Equal(view, update.View);
    }

    // ---- agents and succession ----

    [Theory, MemberData(nameof(Suites))]
    public void NewAgentWithSuccessionIsAgentUpdate(ushort suiteId)
    {
        var f = new IdentityFixture(suiteId);
        var (a, view) = f.Invited();
        var b = f.NewAgent();
        var evidence = IdentityEvidence.ForSuccession(a.Succeed(b.PublicKey, IdentityFixture.GroupId));
        var update = f.As.Validate(view, f.BoundLeaf(b, view, evidence), evidence);
        Assert.Equal(UpdateKind.Agent, update.Kind);
        Assert.Equal(b.PublicKey, update.View.AgentKey);
        Assert.Equal(b.Id, update.View.AgentId);
        Assert.Equal(view.CardAssertion, update.View.CardAssertion); // the card stays the one A asserted
        Assert.Equal(f.Suite.HashLength, update.View.SuccessionHash.Length);
    }

    [Fact]
    public void NewAgentWithoutSuccessionIsRejected()
    {
        var f = new IdentityFixture();
        var (_, view) = f.Invited();
        var b = f.NewAgent();
        Assert.Equal(IdentityError.BadSuccession, f.Rejects(view, f.BoundLeaf(b, view, IdentityEvidence.None), IdentityEvidence.None));
    }

    [Fact]
    public void SuccessionChainIsVerifiedLinkByLink()
    {
        var f = new IdentityFixture();
        var (a, view) = f.Invited();
        var (b, c) = (f.NewAgent(), f.NewAgent());
        var ab = a.Succeed(b.PublicKey, IdentityFixture.GroupId);
        var bc = b.Succeed(c.PublicKey, IdentityFixture.GroupId);

        var twoLinks = IdentityEvidence.ForSuccession(ab, bc);
        var update = f.As.Validate(view, f.BoundLeaf(c, view, twoLinks), twoLinks);
        Assert.Equal(UpdateKind.Agent, update.Kind);
        Assert.Equal(c.PublicKey, update.View.AgentKey);

        // The same lineage accepted one link at a time ends in the same view.
        var first = IdentityEvidence.ForSuccession(ab);
        var viewB = f.As.Validate(view, f.BoundLeaf(b, view, first), first).View;
        var second = IdentityEvidence.ForSuccession(bc);
        var viewC = f.As.Validate(viewB, f.BoundLeaf(c, viewB, second), second).View;
        Assert.Equal(update.View, viewC);

        Assert.Equal(c.PublicKey, SuccessionChain.Verify(f.Suite, a.PublicKey, [ab, bc], IdentityFixture.GroupId));
    }

    [Fact]
    public void SuccessionChainWithAMissingLinkIsRejected()
    {
        var f = new IdentityFixture();
        var (_, view) = f.Invited();
        var (b, c) = (f.NewAgent(), f.NewAgent());
        var evidence = IdentityEvidence.ForSuccession(b.Succeed(c.PublicKey, IdentityFixture.GroupId)); // A→B is missing
        Assert.Equal(IdentityError.BadSuccession, f.Rejects(view, f.BoundLeaf(c, view, evidence), evidence));
    }

    [Fact]
    public void SuccessionSignedByAnotherAgentIsRejected()
    {
        var f = new IdentityFixture();
        var (a, view) = f.Invited();
        var (b, mallory) = (f.NewAgent(), f.NewAgent());
        // Mallory signs a succession claiming to be A.
        var forged = SuccessionAssertion.Create(mallory, b.PublicKey, IdentityFixture.GroupId) with { PredecessorKey = a.PublicKey };
        var evidence = IdentityEvidence.ForSuccession(forged);
        Assert.Equal(IdentityError.BadSuccession, f.Rejects(view, f.BoundLeaf(b, view, evidence), evidence));
    }

    [Fact]
    public void SuccessionForAnotherConversationIsRejected()
    {
        var f = new IdentityFixture();
        var (a, view) = f.Invited();
        var b = f.NewAgent();
        var evidence = IdentityEvidence.ForSuccession(a.Succeed(b.PublicKey, IdentityFixture.OtherGroupId));
        Assert.Equal(IdentityError.BadSuccession, f.Rejects(view, f.BoundLeaf(b, view, evidence), evidence));
    }

    [Fact]
    public void SuccessionMustEndAtTheLeafsAgent()
    {
        var f = new IdentityFixture();
        var (a, view) = f.Invited();
        var (b, c) = (f.NewAgent(), f.NewAgent());
        var evidence = IdentityEvidence.ForSuccession(a.Succeed(b.PublicKey, IdentityFixture.GroupId));
        Assert.Equal(IdentityError.BadSuccession, f.Rejects(view, f.BoundLeaf(c, view, evidence), evidence));
    }

    [Fact]
    public void SuccessionWithUnchangedAgentIsRejected()
    {
        var f = new IdentityFixture();
        var (a, view) = f.Invited();
        var b = f.NewAgent();
        var evidence = IdentityEvidence.ForSuccession(a.Succeed(b.PublicKey, IdentityFixture.GroupId), b.Succeed(a.PublicKey, IdentityFixture.GroupId));
        Assert.Equal(IdentityError.BadSuccession, f.Rejects(view, f.BoundLeaf(a, view, evidence), evidence));
    }

    [Fact]
    public void SuccessionToTheSameAgentIsRejected()
    {
        var f = new IdentityFixture();
        var (a, _) = f.Invited();
        var self = a.Succeed(a.PublicKey, IdentityFixture.GroupId);
        Assert.Equal(IdentityError.BadSuccession, Assert.Throws<IdentityException>(
            () => SuccessionChain.Verify(f.Suite, a.PublicKey, [self], IdentityFixture.GroupId)).Reason);
    }

    // ---- cards ----

    [Theory, MemberData(nameof(Suites))]
    public void NewCardByTheLeafsAgentIsIdentityUpdate(ushort suiteId)
    {
        var f = new IdentityFixture(suiteId);
        var (a, view) = f.Invited();
        var card = view.Card.Next(displayName: "Alice B.");
        var evidence = IdentityEvidence.ForCard(a.AssertCard(card, IdentityFixture.GroupId));
        var update = f.As.Validate(view, f.BoundLeaf(a, view, evidence), evidence);
        Assert.Equal(UpdateKind.Identity, update.Kind);
        Assert.Equal(card, update.View.Card);
        Assert.Equal(2ul, update.View.CardVersion);
        Assert.Equal(view.AgentKey, update.View.AgentKey);
    }

    [Fact]
    public void CardVersionMustGrow()
    {
        var f = new IdentityFixture();
        var (a, view) = f.Invited(IdentityFixture.AliceCard with { Version = 5 });
        foreach (ulong version in new ulong[] { 5, 4, 0 })
        {
            var evidence = IdentityEvidence.ForCard(a.AssertCard(Card.Create("Alice (edited)") with { Version = version }, IdentityFixture.GroupId));
            Assert.Equal(IdentityError.StaleCard, f.Rejects(view, f.BoundLeaf(a, view, evidence), evidence));
        }
    }

    [Fact]
    public void CardSignedByAnotherAgentIsRejected()
    {
        var f = new IdentityFixture();
        var (a, view) = f.Invited();
        var mallory = f.NewAgent();
        var evidence = IdentityEvidence.ForCard(mallory.AssertCard(view.Card.Next(displayName: "Mallory"), IdentityFixture.GroupId));
        Assert.Equal(IdentityError.Rejected, f.Rejects(view, f.BoundLeaf(a, view, evidence), evidence));
    }

    [Fact]
    public void NewCardMustBeSignedByTheNewAgentNotItsPredecessor()
    {
        var f = new IdentityFixture();
        var (a, view) = f.Invited();
        var b = f.NewAgent();
        var evidence = new IdentityEvidence(a.AssertCard(view.Card.Next(), IdentityFixture.GroupId), [a.Succeed(b.PublicKey, IdentityFixture.GroupId)]);
        Assert.Equal(IdentityError.Rejected, f.Rejects(view, f.BoundLeaf(b, view, evidence), evidence));
    }

    [Fact]
    public void CardWithBadSignatureIsRejected()
    {
        var f = new IdentityFixture();
        var (a, view) = f.Invited();
        var signed = a.AssertCard(view.Card.Next(), IdentityFixture.GroupId);
        var tampered = signed with { Card = signed.Card with { DisplayName = "Eve" } };
        var evidence = IdentityEvidence.ForCard(tampered);
        Assert.Equal(MlsError.BadSignature, f.Rejects(view, f.BoundLeaf(a, view, evidence), evidence));
    }

    [Fact]
    public void CardForAnotherConversationIsRejected()
    {
        var f = new IdentityFixture();
        var (a, view) = f.Invited();
        foreach (var conversation in new[] { IdentityFixture.OtherGroupId, [] })
        {
            var evidence = IdentityEvidence.ForCard(a.AssertCard(view.Card.Next(), conversation));
            Assert.Equal(IdentityError.Rejected, f.Rejects(view, f.BoundLeaf(a, view, evidence), evidence));
        }
    }

    [Fact]
    public void NewAgentAndNewCardIsIdentityUpdate()
    {
        var f = new IdentityFixture();
        var (a, view) = f.Invited();
        var b = f.NewAgent();
        var card = view.Card.Next(fields: [new CardField("email", "alice@new.example")]);
        var evidence = new IdentityEvidence(b.AssertCard(card, IdentityFixture.GroupId), [a.Succeed(b.PublicKey, IdentityFixture.GroupId)]);
        var update = f.As.Validate(view, f.BoundLeaf(b, view, evidence), evidence);
        Assert.Equal(UpdateKind.Identity, update.Kind);
        Assert.Equal(b.PublicKey, update.View.AgentKey);
        Assert.Equal("alice@new.example", update.View.Card["email"]);
    }

    // ---- the leaf's binding ----

    [Fact]
    public void LeafBindingMustMatchAssertions()
    {
        var f = new IdentityFixture();
        var (a, view) = f.Invited();
        var b = f.NewAgent();
        var newCard = IdentityEvidence.ForCard(a.AssertCard(view.Card.Next(), IdentityFixture.GroupId));
        var succession = IdentityEvidence.ForSuccession(a.Succeed(b.PublicKey, IdentityFixture.GroupId));

        // A leaf bound to the old card, presented with a new one (and the reverse).
        Assert.Equal(IdentityError.IdentityBindingMismatch, f.Rejects(view, f.UpdateLeaf(a, view.Binding), newCard));
        Assert.Equal(IdentityError.IdentityBindingMismatch, f.Rejects(view, f.BoundLeaf(a, view, newCard), IdentityEvidence.None));
        // A new agent's leaf that does not bind the succession chain.
        Assert.Equal(IdentityError.IdentityBindingMismatch, f.Rejects(view, f.UpdateLeaf(b, view.Binding), succession));
        // A leaf update whose binding names some other chain.
        var otherChain = view.Binding with { SuccessionHash = new byte[f.Suite.HashLength] };
        Assert.Equal(IdentityError.IdentityBindingMismatch, f.Rejects(view, f.UpdateLeaf(a, otherChain), IdentityEvidence.None));
    }

    [Fact]
    public void LeafWithoutBindingIsRejected()
    {
        var f = new IdentityFixture();
        var (a, view) = f.Invited();
        Assert.Equal(IdentityError.MissingIdentityBinding, f.Rejects(view, f.UpdateLeaf(a, null), IdentityEvidence.None));
    }

    [Fact]
    public void LeafWithTwoBindingsIsRejected()
    {
        var f = new IdentityFixture();
        var (a, view) = f.Invited();
        var leaf = f.UpdateLeaf(a, null, [view.Binding.ToExtension(), view.Binding.ToExtension()]);
        Assert.Equal(IdentityError.MissingIdentityBinding, f.Rejects(view, leaf, IdentityEvidence.None));
    }

    [Fact]
    public void MalformedBindingIsRejected()
    {
        var f = new IdentityFixture();
        var (a, view) = f.Invited();
        var leaf = f.UpdateLeaf(a, null, [new Extension(IdentityBinding.ExtensionType, [0x05, 1, 2])]);
        Assert.Equal(MlsError.Malformed, f.Rejects(view, leaf, IdentityEvidence.None));
    }

    // ---- the credential ----

    [Fact]
    public void CredentialMustNameTheLeafsSignatureKey()
    {
        var f = new IdentityFixture();
        var (a, view) = f.Invited();
        var leaf = f.UpdateLeaf(a, view.Binding, credential: Credential.Basic("alice"u8.ToArray()));
        Assert.Equal(IdentityError.Rejected, f.Rejects(view, leaf, IdentityEvidence.None));
    }

    [Fact]
    public void X509CredentialIsRejected()
    {
        var f = new IdentityFixture();
        var (a, view) = f.Invited();
        var leaf = f.UpdateLeaf(a, view.Binding, credential: Credential.X509([a.PublicKey]));
        Assert.Equal(IdentityError.Rejected, f.Rejects(view, leaf, IdentityEvidence.None));
    }

    // ---- a whole conversation ----

    [Theory, MemberData(nameof(Suites))]
    public void InvitationThenAgentThenCardUpdatesEachVerify(ushort suiteId)
    {
        var f = new IdentityFixture(suiteId);
        var (invitation, view) = f.Invited();

        // Alice's first commit: a new agent with succession from the invitation agent (PAIRMLS.md "Creating a conversation" 4).
        var agent = f.NewAgent();
        var succession = IdentityEvidence.ForSuccession(invitation.Succeed(agent.PublicKey, IdentityFixture.GroupId));
        invitation.Clear();
        var step = f.As.Validate(view, f.BoundLeaf(agent, view, succession), succession);
        Assert.Equal(UpdateKind.Agent, step.Kind);

        // Two card edits, then leaf updates; each binds the lineage.
        for (int i = 0; i < 2; i++)
        {
            var card = IdentityEvidence.ForCard(agent.AssertCard(step.View.Card.Next(displayName: $"Alice {i}"), IdentityFixture.GroupId));
            step = f.As.Validate(step.View, f.BoundLeaf(agent, step.View, card), card);
            Assert.Equal(UpdateKind.Identity, step.Kind);
        }
        var leafUpdate = f.As.Validate(step.View, f.BoundLeaf(agent, step.View, IdentityEvidence.None), IdentityEvidence.None);
        Assert.Equal(UpdateKind.Leaf, leafUpdate.Kind);
        Assert.Equal(3ul, leafUpdate.View.CardVersion);
        Assert.Equal("Alice 1", leafUpdate.View.Card.DisplayName);
        Assert.Equal(agent.Id, leafUpdate.View.AgentId);
    }
}
