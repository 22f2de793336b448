namespace Sim.Simulator.Checks;

/// <summary>
/// The refusal PAIRMLS.md "Receiving" names for a copy the insider altered in one layer (the insider fault's
/// mutation, what it actually did to the bytes), judged from what the altered message then says about itself and
/// from the receiver's epoch when it arrived: every other layer is the honest datagram's, so exactly one rule is
/// broken, and the outcome must name it, not merely refuse.
/// <list type="bullet">
/// <item>the update proposal names as its MLS sender a member who does not own the epoch (the receiver itself; or,
/// reflected back to the datagram's sender, the peer): <b>wrong parity</b> (PAIRMLS.md "Parity": only the owner
/// sends in an epoch);</item>
/// <item>the stapled Commit names the receiver as its sender while the receiver misses that Commit: <b>wrong
/// parity</b> (every epoch is started by a commit whose MLS sender is its owner);</item>
/// <item>the stapled Commit's content, path, tags or signature altered while the receiver misses it: <b>bad
/// signature</b> (it does not verify; RFC 9420 §6.1, §6.2: the membership tag and signature cover all of these);
/// an unknown proposal reference added makes no evidence of a rollback either (docs/RECOVERY.md "Detection":
/// only an authentic Commit counts);</item>
/// <item>any stapled Commit altered while the receiver holds the Commit of that epoch: <b>fork</b> (a second,
/// different commit for an epoch; PAIRMLS.md "Epoch ownership");</item>
/// <item>layers that disagree about their epoch or group, or a Commit stapled as a Welcome: <b>malformed</b>.</item>
/// </list>
/// Judged only while the receiver still holds the datagram's header key and staple hash (its epoch within R + 2 of
/// the datagram's: H ≥ R + 2) and only before any rollback (a restored party may hold another branch's Commit, or be
/// more than one epoch behind). Mutations of the payload layer (which may come out Duplicate or Expired), of the
/// proposal's leaf or tags, of the staple's evidence, and re-seals under another epoch's key are judged by the other
/// clauses of Integrity (never Delivered, state unchanged), not here.
/// </summary>
public static class InsiderRefusal
{
    private static readonly HashSet<string> CommitLayer = new(StringComparer.Ordinal)
    {
        "CommitSender", "CommitProposals", "CommitPath", "CommitPathLeaf", "CommitConfirmationTag", "CommitSignature", "CommitMembershipTag",
    };

    private static readonly HashSet<string> Shape = new(StringComparer.Ordinal)
    {
        "ApplicationGroupId", "ApplicationEpoch", "ApplicationContentType", "ProposalEpoch", "StapleKind",
    };

    /// <summary>
    /// The outcome name (<c>Rejected:Reason</c>) a copy altered by <paramref name="mutation"/> of a datagram of epoch
    /// <paramref name="datagramEpoch"/> must get from a receiver in epoch <paramref name="receiverEpoch"/>, with why;
    /// null when this rule does not decide it.
    /// </summary>
    public static (string Outcome, string Why)? Expected(string mutation, ulong datagramEpoch, ulong receiverEpoch, int retentionWindow)
    {
        ulong k = datagramEpoch, e = receiverEpoch;
        // The receiver is at most one epoch behind (no rollback) and still holds the header key and staple hash of k.
        if (e + 1 < k || e >= k + (ulong)Math.Max(0, retentionWindow) + 2) return null;
        if (mutation == "ProposalSender")
            return ("Rejected:WrongParity", "its update proposal names as its MLS sender a member who does not own its epoch");
        if (Shape.Contains(mutation))
            return ("Rejected:Malformed", "its layers disagree about their epoch or group, or a Commit is stapled as a Welcome");
        if (!CommitLayer.Contains(mutation)) return null;
        if (e >= k)
            return ("Rejected:Fork", $"its stapled Commit into epoch {k} differs from the one the receiver holds for that epoch");
        return mutation == "CommitSender"
            ? ("Rejected:WrongParity", $"its stapled Commit into epoch {k} names the receiver as its MLS sender, not the owner of {k}")
            : ("Rejected:BadSignature", $"its stapled Commit into epoch {k}, which the receiver misses, was altered and does not verify");
    }
}
