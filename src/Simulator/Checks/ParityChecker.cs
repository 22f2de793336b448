using Sim.Simulator.Trace;

namespace Sim.Simulator.Checks;

/// <summary>
/// PAIRMLS.md "Parity": every application message is sent in an epoch its sender owns; every epoch
/// from the welcome epoch w on was started by its owner's commit; each party's epochs only grow; and
/// no payload is Delivered from an epoch its sender does not own.
/// Ownership comes from the Joined events (welcome_epoch=w, role=inviter|acceptor): the acceptor
/// owns the epochs of w's parity. A Restore (rollback) or Restart of a party loads a saved state, so
/// it resets that party's expectation to the epoch the event names (or to none).
/// </summary>
public sealed class ParityChecker : IChecker
{
    public string Name => "Parity";

    public Verdict Check(IReadOnlyList<TraceEvent> trace, CheckContext context)
    {
        var ownership = Ownership.Of(trace);
        ulong? w = null;
        var last = new Dictionary<string, ulong?>(StringComparer.Ordinal);
        // A party's Joined event names its first epoch; the Epoch event announcing the commit that
        // started that same epoch may follow it once.
        var joinedAt = new Dictionary<string, ulong>(StringComparer.Ordinal);
        int sends = 0, epochs = 0;

        foreach (var e in trace)
        {
            if (e.Party is not { } party) continue;
            switch (e.Kind)
            {
                case TraceKind.Joined:
                    if (DetailFields.GetUInt64(e.Detail, "welcome_epoch") is { } jw)
                    {
                        if (w is { } known && known != jw)
                            return Verdict.Fail(Name, e, $"{party} joined with welcome epoch {jw}, but an earlier Joined event said {known}");
                        w = jw;
                    }
                    if (e.Epoch is { } first) { last[party] = first; joinedAt[party] = first; }
                    break;

                case TraceKind.Send when e.Epoch is { } epoch:
                    sends++;
                    var owner = ownership.OwnerOf(epoch);
                    if (owner is null) return Verdict.Fail(Name, e, $"{party} sent in epoch {epoch}, but no Joined event names the welcome epoch, so ownership is unknown");
                    if (owner != party)
                        return Verdict.Fail(Name, e, $"{party} sent datagram {e.Datagram} in epoch {epoch}, which {owner} owns (welcome epoch {ownership.WelcomeEpoch})");
                    break;

                // The receiving side of the same rule: a payload is Delivered only from an epoch its sender (the peer) owns.
                case TraceKind.Outcome when e.Outcome == TraceFacts.Delivered && e.Epoch is { } epoch:
                    if (ownership.OwnerOf(epoch) is { } o && TraceFacts.PeerOf(party) is { } sender && o != sender)
                        return Verdict.Fail(Name, e, $"{party} Delivered payload {e.PayloadId} from {sender} in epoch {epoch}, which {o} owns");
                    break;

                case TraceKind.Epoch when e.Epoch is { } epoch:
                    epochs++;
                    bool announcesJoinedEpoch = joinedAt.Remove(party, out var joined) && joined == epoch;
                    if (last.GetValueOrDefault(party) is { } previous && epoch <= previous && !announcesJoinedEpoch)
                        return Verdict.Fail(Name, e, $"{party}'s epoch went from {previous} to {epoch} with no rollback in between");
                    last[party] = epoch;
                    // Epochs before w are the acceptor's set-up of the group (PAIRMLS.md "Accept"), owned by no one.
                    if (ownership.WelcomeEpoch is not { } welcome || epoch < welcome) break;
                    var committer = DetailFields.Get(e.Detail, "committer");
                    var epochOwner = ownership.OwnerOf(epoch);
                    if (committer is null) return Verdict.Fail(Name, e, $"{party}'s Epoch event for epoch {epoch} names no committer (Detail \"committer=alice|bob\")");
                    if (committer != epochOwner)
                        return Verdict.Fail(Name, e, $"epoch {epoch} was started by {committer}'s commit, but {epochOwner} owns it (welcome epoch {welcome})");
                    break;

                case TraceKind.Restore or TraceKind.Restart:
                    last[party] = e.Epoch;
                    break;
            }
        }
        return Verdict.Pass(Name, $"{sends} sends in own epochs, {epochs} epoch changes by their owners, epochs only grow");
    }
}
