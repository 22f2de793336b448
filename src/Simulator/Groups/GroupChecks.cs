using System.Text.RegularExpressions;

namespace Sim.Simulator.Groups;

/// <summary>A checker's verdict on one group trace: passed, or the violations with what shows them.</summary>
public sealed record GroupVerdict(string Checker, IReadOnlyList<string> Violations)
{
    public bool Passed => Violations.Count == 0;
    public override string ToString() => Passed ? $"{Checker}: ok" : $"{Checker}: {Violations.Count} violation(s): {string.Join("; ", Violations.Take(5))}";
}

/// <summary>An invariant of GROUPS.md, judged from a trace alone (what members observed), never from a live object.</summary>
public interface IGroupChecker
{
    string Name { get; }
    GroupVerdict Check(GroupTrace trace);
}

/// <summary>The checkers of GROUPS.md's invariants, and what they share: reading the options line and the final states.</summary>
public static partial class GroupChecks
{
    public static IReadOnlyList<IGroupChecker> All { get; } =
        [new OneStateChecker(), new MembershipChecker(), new ExactlyOnceReadChecker(), new KeySharePolicyChecker()];

    public static IReadOnlyList<GroupVerdict> Run(GroupTrace trace) => [.. All.Select(c => c.Check(trace))];

    /// <summary>A setting of the options line (first event), e.g. "key_share".</summary>
    public static string? Setting(GroupTrace trace, string key)
    {
        var options = trace.Events.FirstOrDefault(e => e.Kind == GroupTraceKind.Options)?.Detail ?? "";
        var m = Regex.Match(options, $@"(?:^|\s){Regex.Escape(key)}=(\S*)");
        return m.Success ? m.Groups[1].Value : null;
    }

    /// <summary>The verified identities: the founders and outsiders of the options line.</summary>
    public static IReadOnlySet<string> Roster(GroupTrace trace) =>
        new HashSet<string>(new[] { Setting(trace, "founders"), Setting(trace, "outsiders") }
            .SelectMany(s => (s ?? "").Split(',', StringSplitOptions.RemoveEmptyEntries)));

    /// <summary>The State events that close the run (those after the last Phase event).</summary>
    public static IReadOnlyList<GroupTraceEvent> FinalStates(GroupTrace trace)
    {
        int lastPhase = -1;
        for (int i = 0; i < trace.Events.Count; i++) if (trace.Events[i].Kind == GroupTraceKind.Phase) lastPhase = i;
        return [.. trace.Events.Skip(lastPhase + 1).Where(e => e.Kind == GroupTraceKind.State)];
    }

    public static bool IsMemberAtEnd(GroupTraceEvent state) => state.Detail?.Contains("member=true", StringComparison.Ordinal) == true;
}

/// <summary>
/// GROUPS.md: every member connected after the heal ends in one state (same epoch authenticator, same
/// membership). "Member" is judged from both sides, from what the trace recorded at the end: every party
/// that holds itself a member must hold the state most of them converged to, and every party with a leaf
/// in that state's tree (named there by the members' own trees) must hold that very state too. A party the
/// group holds as a member but that holds no state of it (its Welcome was lost) or another one is a
/// violation, named with its leaf; only a party still offline at the end is not judged.
/// </summary>
public sealed class OneStateChecker : IGroupChecker
{
    public string Name => "one_state";

    public GroupVerdict Check(GroupTrace trace)
    {
        var final = GroupChecks.FinalStates(trace);
        var members = final.Where(GroupChecks.IsMemberAtEnd).ToList();
        if (members.Count == 0) return new(Name, ["no member at the end"]);
        var majority = members.GroupBy(m => (m.EpochAuth, m.Members)).OrderByDescending(g => g.Count()).First();
        var (auth, names) = majority.Key;
        var violations = members.Where(m => (m.EpochAuth, m.Members) != majority.Key)
            .Select(m => $"{m.Member} ends in epoch {m.Epoch} auth {m.EpochAuth} members [{m.Members}], others auth {auth} members [{names}]").ToList();
        var tree = majority.First();
        var leaves = Leaves(tree);
        var list = tree.MemberList;
        for (int i = 0; i < list.Count; i++)
        {
            string party = list[i];
            string leaf = i < leaves.Count ? leaves[i] : "?";
            var own = final.FirstOrDefault(s => s.Member == party);
            if (own is null) violations.Add($"{party} has leaf {leaf} in the tree every member converged to (epoch {tree.Epoch} auth {auth}) but no state at the end");
            else if (own.Detail?.Contains("offline=true", StringComparison.Ordinal) == true) continue;
            else if (!GroupChecks.IsMemberAtEnd(own))
                violations.Add($"{party} has leaf {leaf} in the tree every member converged to (epoch {tree.Epoch} auth {auth}) but holds no state of it (it is no member; its own epoch {own.Epoch})");
        }
        return new(Name, violations);
    }

    /// <summary>The leaf indexes a State event records for its members (same order), as text.</summary>
    private static IReadOnlyList<string> Leaves(GroupTraceEvent state)
    {
        var m = Regex.Match(state.Detail ?? "", @"(?:^|\s)leaves=(\S*)");
        return m.Success ? m.Groups[1].Value.Split(',', StringSplitOptions.RemoveEmptyEntries) : [];
    }
}

/// <summary>
/// GROUPS.md: no message is accepted from a non-member or a removed member: the MLS sender of every
/// message read is in the reader's membership of that epoch (of that group, for send groups). Send
/// groups also: the reader never reads a sender it has seen removed (dropped from a group it holds,
/// and not added again by the same commit). Retention: a read that names its epoch id (the commit that
/// made the epoch, i.e. the branch) is judged against the reader's state of that very branch (an Epoch
/// or Branch event with that commit).
/// </summary>
public sealed class MembershipChecker : IGroupChecker
{
    public string Name => "membership";

    public GroupVerdict Check(GroupTrace trace)
    {
        var violations = new List<string>();
        var entered = new Dictionary<(string Member, string? Group, ulong Epoch), IReadOnlyList<string>>();
        var latest = new Dictionary<(string Member, string Group), IReadOnlyList<string>>();
        var removed = new Dictionary<string, HashSet<string>>();
        var byBranch = new Dictionary<(string Member, ulong Epoch, string Commit), IReadOnlyList<string>>();
        foreach (var e in trace.Events)
        {
            if (e.Kind is GroupTraceKind.Epoch or GroupTraceKind.Branch && e.Member is { } bm && e.Epoch is { } be && e.Commit is { } bc)
                byBranch[(bm, be, bc)] = e.MemberList;
            if (e.Kind == GroupTraceKind.Epoch && e.Member is { } m && e.Epoch is { } ep)
            {
                var list = e.MemberList;
                entered[(m, e.Group, ep)] = list;
                if (e.Group is { } g)
                {
                    if (latest.TryGetValue((m, g), out var before))
                        foreach (var gone in before.Where(x => !list.Contains(x) && list.Count > 0)) (removed.TryGetValue(m, out var r) ? r : removed[m] = []).Add(gone);
                    latest[(m, g)] = list;
                }
            }
            if (e.Kind != GroupTraceKind.Read || e.Detail == "key_share") continue;
            if (e.Commit is { } branch)
            {
                if (!byBranch.TryGetValue((e.Member!, e.Epoch ?? 0, branch), out var held))
                    violations.Add($"{e.Member} read message {e.MessageId} of epoch {e.Epoch} on branch {branch}, a state it never held (t={e.T})");
                else if (!held.Contains(e.Peer!))
                    violations.Add($"{e.Member} read message {e.MessageId} from {e.Peer}, not a member of epoch {e.Epoch} on branch {branch} [{string.Join(",", held)}] (t={e.T})");
                continue;
            }
            if (!entered.TryGetValue((e.Member!, e.Group, e.Epoch ?? 0), out var members))
                violations.Add($"{e.Member} read message {e.MessageId} of epoch {e.Epoch}{In(e)}, an epoch it never entered (t={e.T})");
            else if (!members.Contains(e.Peer!))
                violations.Add($"{e.Member} read message {e.MessageId} from {e.Peer}, not a member of its epoch {e.Epoch}{In(e)} [{string.Join(",", members)}] (t={e.T})");
            else if (e.Group is not null && removed.TryGetValue(e.Member!, out var seen) && seen.Contains(e.Peer!))
                violations.Add($"{e.Member} read message {e.MessageId} from {e.Peer}, whom it had seen removed (t={e.T})");
        }
        return new(Name, violations);
    }

    private static string In(GroupTraceEvent e) => e.Group is null ? "" : $" of {e.Group}'s group";
}

/// <summary>GROUPS.md: nothing is delivered twice: each member reads each message at most once (by MLS or key-share).</summary>
public sealed class ExactlyOnceReadChecker : IGroupChecker
{
    public string Name => "read_once";

    public GroupVerdict Check(GroupTrace trace) =>
        new(Name, [.. trace.Events.Where(e => e.Kind == GroupTraceKind.Read).GroupBy(e => (e.Member, e.MessageId)).Where(g => g.Count() > 1)
            .Select(g => $"{g.Key.Member} read message {g.Key.MessageId} {g.Count()} times (t={string.Join(",", g.Select(e => e.T))})")]);
}

/// <summary>
/// GROUPS.md: with key-share off, no message of a losing branch is ever sent to anyone (no key-share
/// datagram leaves a member); with it on, only to a verified identity that is a member of the
/// sender's group when it is sent. Judged from the datagrams' own kinds on the wire. And whatever the
/// policy, a member reads by key-share only a message it was a recipient of (in the tree of the epoch
/// the message was sent in, as its sender recorded when sending): a later joiner never had those keys
/// (RFC 9420 §16.2), so key-share must not give them to it.
/// </summary>
public sealed class KeySharePolicyChecker : IGroupChecker
{
    public string Name => "key_share_policy";

    public GroupVerdict Check(GroupTrace trace)
    {
        bool off = GroupChecks.Setting(trace, "key_share") == "off";
        var roster = GroupChecks.Roster(trace);
        var membership = new Dictionary<string, IReadOnlyList<string>>();
        var recipients = new Dictionary<string, (string Sender, IReadOnlyList<string> Members)>();
        var violations = new List<string>();
        foreach (var e in trace.Events)
        {
            if (e.Kind == GroupTraceKind.Epoch && e.Member is { } m && (e.Group is null || e.Group == m)) membership[m] = e.MemberList;
            if (e.Kind == GroupTraceKind.AppSent && e.Datagram is { } sent) recipients[sent] = (e.Member!, e.MemberList);
            if (e.Kind == GroupTraceKind.Read && e.Detail == "key_share" && e.Datagram is { } read && recipients.TryGetValue(read, out var to)
                && !to.Members.Contains(e.Member!) && to.Sender != e.Member)
                violations.Add($"{e.Member} read message {e.MessageId} by key-share, but {to.Sender} sent it to {string.Join(",", to.Members)} only (t={e.T})");
            if (e.Kind != GroupTraceKind.Send || e.DatagramKind != "keyshare") continue;
            if (off) violations.Add($"{e.Member} sent a key-share datagram {e.Datagram} to {e.Peer} with key-share off (t={e.T})");
            else if (!roster.Contains(e.Peer!)) violations.Add($"{e.Member} sent a key-share to {e.Peer}, not a verified identity (t={e.T})");
            else if (!membership.TryGetValue(e.Member!, out var now) || !now.Contains(e.Peer!))
                violations.Add($"{e.Member} sent a key-share to {e.Peer}, not a member of its group (t={e.T})");
        }
        return new(Name, violations);
    }
}
