using Sim.Engine.Codec;
using Sim.Engine.Framing;
using Sim.Engine.Messages;

namespace Sim.Engine.Pair;

/// <summary>
/// The opened body of a datagram, from the outside in (PAIRMLS.md "Framing"): the application
/// PrivateMessage in epoch k, its authenticated_data the update proposal (PublicMessage in k), whose
/// authenticated_data is the <see cref="Staple"/>: the Commit k-1 -&gt; k (PublicMessage in k-1) or the
/// Welcome. Parsing checks only the shape (what each layer is, that epochs and group ids agree);
/// MLS verifies the rest when each message is processed.
/// </summary>
internal sealed record DatagramBody(
    MlsMessage Application,
    MlsMessage Proposal,
    Staple Staple,
    MlsMessage StapledMessage)
{
    public ulong Epoch => Application.PrivateMessage!.Epoch;
    public byte[] GroupId => Application.PrivateMessage!.GroupId;
    public PublicMessage ProposalMessage => Proposal.PublicMessage!;
    public uint ProposalSender => ProposalMessage.Content.Sender.LeafIndex;

    /// <summary>Parses an opened body; anything out of shape is <see cref="RejectReason.Malformed"/>.</summary>
    public static DatagramBody Parse(ReadOnlySpan<byte> body)
    {
        try
        {
            var application = Tls.Deserialize<MlsMessage>(body);
            if (application.PrivateMessage is not { ContentType: ContentType.Application } app)
                throw Malformed("the body is not an application PrivateMessage");

            var proposal = Tls.Deserialize<MlsMessage>(app.AuthenticatedData);
            if (proposal.PublicMessage is not { } pm || pm.Content.ContentType != ContentType.Proposal || pm.Content.Proposal is not UpdateProposal)
                throw Malformed("the application message's authenticated_data is not an Update proposal PublicMessage");
            if (pm.Content.Epoch != app.Epoch || !pm.Content.GroupId.AsSpan().SequenceEqual(app.GroupId))
                throw Malformed("the proposal is for another epoch or group than the application message");
            if (pm.Content.Sender.SenderType != SenderType.Member)
                throw Malformed("the proposal's sender is not a member");

            var staple = Tls.Deserialize<Staple>(pm.Content.AuthenticatedData);
            var stapled = Tls.Deserialize<MlsMessage>(staple.Message);
            switch (staple.Kind)
            {
                case StapleKind.Commit:
                    if (stapled.PublicMessage is not { } cm || cm.Content.ContentType != ContentType.Commit)
                        throw Malformed("a commit staple does not hold a Commit PublicMessage");
                    if (app.Epoch == 0 || cm.Content.Epoch != app.Epoch - 1 || !cm.Content.GroupId.AsSpan().SequenceEqual(app.GroupId))
                        throw Malformed("the stapled Commit does not start the datagram's epoch");
                    break;
                case StapleKind.ExternalCommit:
                    if (stapled.PublicMessage is not { } ec || ec.Content.ContentType != ContentType.Commit
                        || ec.Content.Sender.SenderType != SenderType.NewMemberCommit)
                        throw Malformed("an external commit staple does not hold a new_member_commit Commit PublicMessage");
                    if (app.Epoch == 0 || ec.Content.Epoch != app.Epoch - 1 || !ec.Content.GroupId.AsSpan().SequenceEqual(app.GroupId))
                        throw Malformed("the stapled external Commit does not start the datagram's epoch");
                    break;
                case StapleKind.Welcome:
                    if (stapled.Welcome is null) throw Malformed("a welcome staple does not hold a Welcome");
                    break;
            }
            return new DatagramBody(application, proposal, staple, stapled);
        }
        catch (MlsDecodeException e) { throw Malformed(e.Message); }
    }

    private static PairRejection Malformed(string why) => new(RejectReason.Malformed, why);
}
