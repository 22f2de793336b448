using Sim.Engine.Schedule;

namespace Sim.Engine.Framing;

/// <summary>
/// What unprotecting a PublicMessage or PrivateMessage yields: the verified
/// <see cref="AuthenticatedContent"/>, and for a PrivateMessage the ratchet generation that
/// decrypted it and <see cref="UpdatedTree"/>, a copy of the secret tree with that key consumed.
/// The caller swaps <see cref="UpdatedTree"/> in for its tree (and disposes the old one) once it
/// accepts the message; the tree it passed in is never modified. Null for a PublicMessage: the
/// secret tree is not involved.
/// </summary>
internal sealed record UnprotectedMessage(AuthenticatedContent Content, uint? Generation, SecretTree? UpdatedTree)
{
    public WireFormat WireFormat => Content.WireFormat;

    /// <summary>A PrivateMessage's reuse_guard (RFC 9420 §6.3.2), big-endian; 0 for a PublicMessage.</summary>
    public uint ReuseGuard { get; init; }
    public Sender Sender => Content.Content.Sender;
}
