using Sim.Simulator.Trace;

namespace Sim.Simulator.Checks;

/// <summary>
/// PAIRMLS.md "Parity": every application message is sent in an epoch its sender owns; every epoch
/// after the welcome epoch w was started by a commit whose MLS sender is its owner, judged from the
/// commit itself (the Epoch event's committer is the leaf the engine read from the commit's
/// FramedContent.sender, RFC 9420 §6.1, mapped to a party; never the ownership rule); each party's
/// epochs only grow; and no payload is Delivered from an epoch its sender does not own.
/// Ownership comes from the Joined events (the acceptor owns the epochs of w's parity). Epoch w
/// itself is entered by the acceptor's own set-up commit and by the inviter's Welcome, neither of
/// which is a peer's commit. A Restore (rollback) or Restart loads a saved state, so it resets that
/// party's expectation to the epoch the event names (or to none).
/// </summary>
public sealed class ParityChecker : IChecker
{
    public string Name => "Parity";

    public Verdict Check(TraceQuery trace, CheckContext context)
    {
        var ownership = trace.Ownership;
        if (ownership.Disagreement is { } d)
            return Verdict.Fail(Name, d, $"{d.Party} joined with welcome epoch {d.WelcomeEpoch}, but an earlier Joined event said {ownership.WelcomeEpoch}");
        var last = new Dictionary<string, ulong?>(StringComparer.Ordinal);
        // A party's Joined event names its first epoch; the Epoch event announcing that same epoch may follow it once.
        var joinedAt = new Dictionary<string, ulong>(StringComparer.Ordinal);
        int sends = 0, epochs = 0;

        foreach (var e in trace.Events)
        {
            if (e.Party is not { } party) continue;
            switch (e)
            {
                case JoinedEvent { Epoch: { } first }:
                    last[party] = first;
                    joinedAt[party] = first;
                    break;

                case SendEvent { Epoch: { } epoch }:
                    sends++;
                    var owner = ownership.OwnerOf(epoch);
                    if (owner is null) return Verdict.Fail(Name, e, $"{party} sent in epoch {epoch}, but no Joined event names the welcome epoch, so ownership is unknown");
                    if (owner != party)
                        return Verdict.Fail(Name, e, $"{party} sent datagram {e.Datagram} in epoch {epoch}, which {owner} owns (welcome epoch {ownership.WelcomeEpoch})");
                    break;

                // The receiving side of the same rule: a payload is Delivered only from an epoch its sender (the peer) owns.
                case OutcomeEvent { IsDelivered: true, PayloadEpoch: { } epoch } o:
                    if (ownership.OwnerOf(epoch) is { } eo && TraceQuery.PeerOf(party) is { } sender && eo != sender)
                        return Verdict.Fail(Name, e, $"{party} Delivered payload {o.PayloadId} from {sender} in epoch {epoch}, which {eo} owns");
                    break;

                case EpochEvent { Epoch: { } epoch } ep:
                    epochs++;
                    bool announcesJoinedEpoch = joinedAt.Remove(party, out var joined) && joined == epoch;
                    if (last.GetValueOrDefault(party) is { } previous && epoch <= previous && !announcesJoinedEpoch)
                        return Verdict.Fail(Name, e, $"{party}'s epoch went from {previous} to {epoch} with no rollback in between");
                    last[party] = epoch;
                    if (ownership.WelcomeEpoch is not { } welcome || epoch <= welcome || announcesJoinedEpoch) break;
                    var epochOwner = ownership.OwnerOf(epoch);
                    if (ep.Committer is null)
                        return Verdict.Fail(Name, e, $"{party} entered epoch {epoch} with no commit sender reported by the engine");
                    if (ep.Committer != epochOwner)
                        return Verdict.Fail(Name, e, $"epoch {epoch} was started by a commit whose MLS sender is {ep.Committer}, but {epochOwner} owns it (welcome epoch {welcome})");
                    break;

                case RestoreEvent or RestartEvent:
                    last[party] = e.Epoch;
                    break;
            }
        }
        return Verdict.Pass(Name, $"{sends} sends in own epochs, {epochs} epoch changes by commits whose MLS sender owns the epoch, epochs only grow");
    }
}
