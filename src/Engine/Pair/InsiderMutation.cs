namespace Sim.Engine.Pair;

/// <summary>
/// What a <see cref="PairInsider"/> changes in a datagram it opened (PAIRMLS.md "Fault model": an
/// insider who knows header keys can open, alter and re-seal datagrams; only MLS verification stops
/// it). Each mutation changes one layer of the body, or one field of it, and re-encodes every layer
/// around it so that the datagram still parses and passes the outer seal. The layers, from the
/// inside out (PAIRMLS.md "Framing"): the stapled Commit (RFC 9420 §12.4 in a PublicMessage §6.2),
/// the Staple, the update proposal (PublicMessage, authenticated_data = the Staple), the application
/// PrivateMessage (§6.3, authenticated_data = the proposal), the seal.
/// </summary>
public enum InsiderMutation
{
    /// <summary>The body unchanged, sealed under the header key of another epoch the insider holds.</summary>
    SealEpoch,
    /// <summary>PrivateMessage.group_id: one bit flipped.</summary>
    ApplicationGroupId,
    /// <summary>PrivateMessage.epoch: one more.</summary>
    ApplicationEpoch,
    /// <summary>PrivateMessage.content_type: proposal instead of application.</summary>
    ApplicationContentType,
    /// <summary>PrivateMessage.encrypted_sender_data: one bit flipped.</summary>
    ApplicationSenderData,
    /// <summary>PrivateMessage.ciphertext (the payload and its assertions): one bit flipped.</summary>
    ApplicationCiphertext,
    /// <summary>The update proposal's FramedContent.sender: the other member's leaf.</summary>
    ProposalSender,
    /// <summary>The update proposal's FramedContent.epoch: one less.</summary>
    ProposalEpoch,
    /// <summary>The proposed LeafNode's encryption_key: one bit flipped.</summary>
    ProposalLeafNode,
    /// <summary>The proposal's signature: one bit flipped.</summary>
    ProposalSignature,
    /// <summary>The proposal's membership_tag: one bit flipped.</summary>
    ProposalMembershipTag,
    /// <summary>Staple.kind: welcome instead of commit.</summary>
    StapleKind,
    /// <summary>Staple.evidence (the committer's identity assertions): one bit of its encoding flipped.</summary>
    StapleEvidence,
    /// <summary>The stapled Commit's FramedContent.sender: the other member's leaf.</summary>
    CommitSender,
    /// <summary>The stapled Commit's proposals: a reference to a proposal nobody made added.</summary>
    CommitProposals,
    /// <summary>The stapled Commit's UpdatePath: one bit of the first path node's encryption_key flipped.</summary>
    CommitPath,
    /// <summary>The stapled Commit's UpdatePath leaf: one bit of its encryption_key flipped.</summary>
    CommitPathLeaf,
    /// <summary>The stapled Commit's confirmation_tag: one bit flipped.</summary>
    CommitConfirmationTag,
    /// <summary>The stapled Commit's signature: one bit flipped.</summary>
    CommitSignature,
    /// <summary>The stapled Commit's membership_tag: one bit flipped.</summary>
    CommitMembershipTag,
    /// <summary>
    /// The stapled Welcome's encrypted_group_secrets (RFC 9420 §12.4.3.1, HPKE to the invitee's init key): one bit of
    /// its ciphertext flipped. Only in datagrams of w, which only the invitee can open (<see cref="PairInsider.OfInvitation"/>).
    /// </summary>
    WelcomeGroupSecrets,
    /// <summary>The stapled Welcome's encrypted_group_info: one bit flipped (only the invitee's insider meets it).</summary>
    WelcomeGroupInfo,
}
