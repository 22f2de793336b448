using System.Globalization;
using System.Text.RegularExpressions;

namespace Sim.Simulator.Groups;

/// <summary>
/// GROUPS.md "What to measure", computed from a group world's trace (plus its options for the link
/// delay). Message counts: a message is lost when some recipient (in the sender's membership when
/// sent, and still a member at the end) never read it by MLS; recovered when key-share then gave it
/// to every such recipient.
/// </summary>
public sealed record GroupMetrics
{
    public required string Strategy { get; init; }
    public required int Members { get; init; }
    public int MessagesSent { get; init; }
    public int MessagesLost { get; init; }
    public int MessagesRecovered { get; init; }
    /// <summary>(message, recipient) pairs never read, after key-share.</summary>
    public int ReadsMissing { get; init; }
    public int ReadsByKeyShare { get; init; }
    /// <summary>Virtual ms from the heal (the last partition heal or return from offline) to the last epoch change, when one state was reached.</summary>
    public long? TimeToOneStateMs { get; init; }
    /// <summary><see cref="TimeToOneStateMs"/> in link round trips (2 × delay_min_ms).</summary>
    public double? RoundTripsToOneState { get; init; }
    public int ForksCreated { get; init; }
    public int ForksDetected { get; init; }
    public int ForksHealed { get; init; }
    public int MembersOnOtherState { get; init; }
    public int Rejoins { get; init; }
    public int Commits { get; init; }
    public double BytesPerMessage { get; init; }
    public double BytesPerUpdate { get; init; }
    /// <summary>Every other datagram (gossip, chains, catch-ups, GroupInfos, key packages, key-share, sequencer heads), total bytes.</summary>
    public long ControlBytes { get; init; }
    public double CommitsPerMemberPerMinute { get; init; }
    /// <summary>Bytes of the group states a member holds at the end (current, retained, send groups, kept PSK exports), averaged over every party.</summary>
    public double StateBytesPerMember { get; init; }
    /// <summary>Bytes a member keeps only to serve others at the end: commit bodies for catch-ups and branch fetch, key-share plaintexts (averaged over every party).</summary>
    public double ServedBytesPerMember { get; init; }
    /// <summary>Everything a member stores for the group: <see cref="StateBytesPerMember"/> + <see cref="ServedBytesPerMember"/>.</summary>
    public double StorageBytesPerMember => StateBytesPerMember + ServedBytesPerMember;
    public int RetainedStatesMax { get; init; }
    /// <summary>The most states any member held beside its current one at any time (retention's storage cost).</summary>
    public int RetainedPeakMax { get; init; }
    /// <summary>Secret holders zeroed when retained states were dropped, over all members (retention).</summary>
    public int RetainedSecretsZeroed { get; init; }
    public int HeldMessagesMax { get; init; }
    /// <summary>The longest a retained state (holding an old epoch's secrets) was kept: the forward-secrecy exposure of retention, ms.</summary>
    public long RetainedExposureMs { get; init; }
    public bool Converged { get; init; }

    /// <summary>PCS: whose state the attacker copied, and when (virtual ms; null: no theft in this world).</summary>
    public string? PcsVictim { get; init; }
    public long? PcsTheftMs { get; init; }
    /// <summary>Application messages sent after the theft that the attacker saw / could read with its copy.</summary>
    public int PcsMessagesSeen { get; init; }
    public int PcsMessagesRead { get; init; }
    /// <summary>Virtual ms from the theft to the first message of the final run the attacker could not read (null: never locked out, or nothing sent).</summary>
    public long? PcsLockoutMs { get; init; }
    /// <summary>The attacker still read the last message sent: never locked out within the run.</summary>
    public bool PcsNever { get; init; }
    /// <summary>Distinct commits (any group) entered by some member between the theft and the lockout.</summary>
    public int? PcsCommitsToLockout { get; init; }
    public double? PcsRoundTripsToLockout { get; init; }

    public static GroupMetrics From(GroupWorldResult result)
    {
        ArgumentNullException.ThrowIfNull(result);
        var events = result.Trace.Events;
        var final = GroupChecks.FinalStates(result.Trace);
        var finalMembers = final.Where(GroupChecks.IsMemberAtEnd).Select(s => s.Member!).ToHashSet();
        var reads = events.Where(e => e.Kind == GroupTraceKind.Read).GroupBy(e => (e.Member!, e.MessageId!.Value))
            .ToDictionary(g => g.Key, g => g.Any(e => e.Detail != "key_share"));
        int lost = 0, recovered = 0, missing = 0;
        var sent = events.Where(e => e.Kind == GroupTraceKind.AppSent).ToList();
        foreach (var s in sent)
        {
            var recipients = s.MemberList.Where(finalMembers.Contains).ToList();
            bool byMls = recipients.All(r => reads.TryGetValue((r, s.MessageId!.Value), out bool mls) && mls);
            int unread = recipients.Count(r => !reads.ContainsKey((r, s.MessageId!.Value)));
            missing += unread;
            if (!byMls) { lost++; if (unread == 0) recovered++; }
        }

        long heal = result.Options.Partitions.Select(p => Math.Min(p.HealMs, result.Options.SafetyPhaseEndMs))
            .Concat(events.Where(e => e.Kind == GroupTraceKind.Online).Select(e => e.T)).DefaultIfEmpty(0).Max();
        var epochs = events.Where(e => e.Kind == GroupTraceKind.Epoch).ToList();
        bool one = new OneStateChecker().Check(result.Trace).Passed;
        long? toOne = one ? Math.Max(0, (epochs.Count == 0 ? 0 : epochs.Max(e => e.T)) - heal) : null;
        long rtt = 2 * Math.Max(1, result.Options.Links.DelayMinMs);
        int created = epochs.GroupBy(e => (e.Group, e.Epoch)).Sum(g => g.Select(e => e.Commit).Distinct().Count() - 1);
        int detected = events.Where(e => e.Kind == GroupTraceKind.Fork).Select(e => e.Epoch).Distinct().Count();
        var majority = final.Where(GroupChecks.IsMemberAtEnd).GroupBy(m => (m.EpochAuth, m.Members)).OrderByDescending(g => g.Count()).FirstOrDefault();
        var sends = events.Where(e => e.Kind == GroupTraceKind.Send).ToList();
        int commits = epochs.Count(e => e.Detail?.StartsWith("own:", StringComparison.Ordinal) == true || e.Detail?.StartsWith("external:", StringComparison.Ordinal) == true);
        long appBytes = sends.Where(e => e.DatagramKind == "application").Sum(e => (long)e.Bytes!.Value);
        long commitBytes = sends.Where(e => e.DatagramKind is "commit" or "welcome").Sum(e => (long)e.Bytes!.Value);
        int n = result.Options.Everyone.Count;
        var pcs = Pcs(events, epochs, rtt);
        return pcs with
        {
            Strategy = GroupChecks.Setting(result.Trace, "strategy") ?? "?",
            Members = n,
            MessagesSent = sent.Count,
            MessagesLost = lost,
            MessagesRecovered = recovered,
            ReadsMissing = missing,
            ReadsByKeyShare = events.Count(e => e.Kind == GroupTraceKind.Read && e.Detail == "key_share"),
            TimeToOneStateMs = toOne,
            RoundTripsToOneState = toOne is { } t ? (double)t / rtt : null,
            ForksCreated = created,
            ForksDetected = detected,
            ForksHealed = one ? created : 0,
            MembersOnOtherState = majority is null ? 0 : final.Count(m => GroupChecks.IsMemberAtEnd(m) && (m.EpochAuth, m.Members) != majority.Key),
            Rejoins = events.Count(e => e.Kind == GroupTraceKind.Rejoin),
            Commits = commits,
            BytesPerMessage = sent.Count == 0 ? 0 : (double)appBytes / sent.Count,
            BytesPerUpdate = commits == 0 ? 0 : (double)commitBytes / commits,
            ControlBytes = sends.Sum(e => (long)e.Bytes!.Value) - appBytes - commitBytes,
            CommitsPerMemberPerMinute = result.EndMs == 0 ? 0 : commits / (double)n / (result.EndMs / 60_000.0),
            StateBytesPerMember = final.Count == 0 ? 0 : final.Average(s => (double)Field(s, "state_bytes")),
            ServedBytesPerMember = final.Count == 0 ? 0 : final.Average(s => (double)Field(s, "served_bytes")),
            RetainedStatesMax = final.Count == 0 ? 0 : (int)final.Max(s => Field(s, "retained")),
            RetainedPeakMax = final.Count == 0 ? 0 : (int)final.Max(s => Field(s, "retained_peak")),
            RetainedSecretsZeroed = (int)final.Sum(s => Field(s, "secrets_zeroed")),
            HeldMessagesMax = final.Count == 0 ? 0 : (int)final.Max(s => Field(s, "held")),
            RetainedExposureMs = final.Count == 0 ? 0 : final.Max(s => Field(s, "retained_longest_ms")),
            Converged = one,
        };
    }

    /// <summary>
    /// The PCS figures from the trace: the Theft event, then one Attack event per message the attacker
    /// tried (in send order). Locked out at the first message of the final run of unreadable ones.
    /// </summary>
    private static GroupMetrics Pcs(IReadOnlyList<GroupTraceEvent> events, IReadOnlyList<GroupTraceEvent> epochs, long rtt)
    {
        var none = new GroupMetrics { Strategy = "", Members = 0 };
        if (events.FirstOrDefault(e => e.Kind == GroupTraceKind.Theft) is not { } theft) return none;
        var tries = events.Where(e => e.Kind == GroupTraceKind.Attack).ToList();
        var figures = none with { PcsVictim = theft.Member, PcsTheftMs = theft.T, PcsMessagesSeen = tries.Count, PcsMessagesRead = tries.Count(e => e.Detail == "read") };
        if (tries.Count == 0) return figures;
        if (tries[^1].Detail == "read") return figures with { PcsNever = true };
        int first = tries.Count - 1;
        while (first > 0 && tries[first - 1].Detail != "read") first--;
        long at = tries[first].T;
        int commits = epochs.Where(e => e.T > theft.T && e.T <= at && !string.IsNullOrEmpty(e.Commit)).Select(e => (e.Group, e.Commit)).Distinct().Count();
        return figures with { PcsLockoutMs = at - theft.T, PcsCommitsToLockout = commits, PcsRoundTripsToLockout = (double)(at - theft.T) / rtt };
    }

    private static long Field(GroupTraceEvent state, string key)
    {
        var m = Regex.Match(state.Detail ?? "", $@"(?:^|\s){key}=(\d+)");
        return m.Success ? long.Parse(m.Groups[1].Value, CultureInfo.InvariantCulture) : 0;
    }
}
