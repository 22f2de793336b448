using System.Globalization;
using System.Text;
using System.Text.Json.Nodes;

namespace Sim.Scenarios.Reports;

/// <summary>`pairsim groups` output: the figures of one world, the grid's JSON, and the report (README.md, table, charts).</summary>
public static class GroupsReport
{
    private static string F1(double v) => v.ToString("0.#", CultureInfo.InvariantCulture);

    private static string Ms(IReadOnlyList<double> xs) => xs.Count == 0 ? "-" :
        $"median {xs.Order().ElementAt(xs.Count / 2).ToString("0.00", CultureInfo.InvariantCulture)} ms, max {xs.Max().ToString("0.00", CultureInfo.InvariantCulture)} ms ({xs.Count})";

    public static IReadOnlyList<(string Name, string Value)> Figures(GroupsRun r)
    {
        var m = r.Metrics;
        var list = new List<(string, string)>
        {
            ("world", r.Label),
            ("messages sent", m.MessagesSent.ToString(CultureInfo.InvariantCulture)),
            ("messages lost (some member could not read by MLS)", m.MessagesLost.ToString(CultureInfo.InvariantCulture)),
            ("of those, recovered by key-share", m.MessagesRecovered.ToString(CultureInfo.InvariantCulture)),
            ("reads missing at the end", m.ReadsMissing.ToString(CultureInfo.InvariantCulture)),
            ("one state reached", m.Converged ? "yes" : "NO"),
            ("time to one state after the heal", m.TimeToOneStateMs is { } t ? $"{t} ms ({F1(m.RoundTripsToOneState ?? 0)} round trips)" : "-"),
            ("forks created / detected / healed", $"{m.ForksCreated} / {m.ForksDetected} / {m.ForksHealed}"),
            ("members on another state", m.MembersOnOtherState.ToString(CultureInfo.InvariantCulture)),
            ("rejoins", m.Rejoins.ToString(CultureInfo.InvariantCulture)),
            ("commits (per member per minute)", $"{m.Commits} ({F1(m.CommitsPerMemberPerMinute)})"),
            ("bytes on the wire per application message", F1(m.BytesPerMessage)),
            ("bytes on the wire per commit", F1(m.BytesPerUpdate)),
            ("control bytes (gossip, heal, key-share)", m.ControlBytes.ToString(CultureInfo.InvariantCulture)),
            ("storage bytes per member (states + served)", F1(m.StorageBytesPerMember)),
            ("of it, state bytes (current + retained states)", F1(m.StateBytesPerMember)),
            ("of it, served bytes (commit bodies for catch-ups and branch fetch, key-share plaintexts)", F1(m.ServedBytesPerMember)),
            ("retained states (max at the end / peak) / held messages (max)", $"{m.RetainedStatesMax} / {m.RetainedPeakMax} / {m.HeldMessagesMax}"),
            ("retained secrets zeroed when dropped", m.RetainedSecretsZeroed.ToString(CultureInfo.InvariantCulture)),
            ("forward-secrecy exposure of retention (longest kept)", $"{m.RetainedExposureMs} ms"),
            ("PCS: attacker with a copied state", Pcs(m)),
            ("virtual end", $"{r.EndMs} ms"),
        };
        if (r.CommitCreateMs.Count > 0 || r.CommitProcessMs.Count > 0)
        {
            list.Add(("commit create, wall clock, in the world", Ms(r.CommitCreateMs)));
            list.Add(("commit process, wall clock, in the world", Ms(r.CommitProcessMs)));
        }
        return list;
    }

    /// <summary>The PCS figure in words: whose state, when, and when (or whether) the attacker was locked out.</summary>
    public static string Pcs(Sim.Simulator.Groups.GroupMetrics m) => m.PcsTheftMs is not { } t ? "no theft" :
        $"{m.PcsVictim}'s state at {t} ms: " + (m.PcsLockoutMs is { } l
            ? $"locked out after {l} ms ({m.PcsCommitsToLockout} commits, {F1(m.PcsRoundTripsToLockout ?? 0)} round trips); read {m.PcsMessagesRead} of {m.PcsMessagesSeen} messages"
            : m.PcsNever ? $"never locked out: read {m.PcsMessagesRead} of {m.PcsMessagesSeen} messages, the last included" : "no message sent after the theft");

    private static string PcsCell(Sim.Simulator.Groups.GroupMetrics m) =>
        m.PcsTheftMs is null ? "-" : m.PcsLockoutMs is { } l ? $"{l} ({m.PcsCommitsToLockout})" : m.PcsNever ? "never" : "-";

    /// <param name="expectedHashMatches">A replay with --expect-hash: whether the one world's trace hash matched (null: not asked).</param>
    public static string Json(IReadOnlyList<GroupsRun> runs, bool? expectedHashMatches = null)
    {
        var array = new JsonArray();
        foreach (var r in runs)
        {
            var m = r.Metrics;
            array.Add(new JsonObject
            {
                ["scenario"] = r.Params.Scenario, ["strategy"] = GroupsGrid.Name(r.Params.Strategy), ["members"] = r.Params.Members,
                ["partition_ms"] = r.Params.PartitionMs, ["loss"] = r.Params.Loss, ["seed"] = r.Params.Seed,
                ["messages_sent"] = m.MessagesSent, ["messages_lost"] = m.MessagesLost, ["messages_recovered"] = m.MessagesRecovered,
                ["reads_missing"] = m.ReadsMissing, ["converged"] = m.Converged, ["time_to_one_state_ms"] = m.TimeToOneStateMs,
                ["round_trips_to_one_state"] = m.RoundTripsToOneState, ["forks_created"] = m.ForksCreated, ["forks_detected"] = m.ForksDetected,
                ["forks_healed"] = m.ForksHealed, ["members_on_other_state"] = m.MembersOnOtherState, ["rejoins"] = m.Rejoins, ["commits"] = m.Commits,
                ["bytes_per_message"] = m.BytesPerMessage, ["bytes_per_commit"] = m.BytesPerUpdate, ["control_bytes"] = m.ControlBytes,
                ["state_bytes_per_member"] = m.StateBytesPerMember, ["served_bytes_per_member"] = m.ServedBytesPerMember,
                ["storage_bytes_per_member"] = m.StorageBytesPerMember, ["retained_states_max"] = m.RetainedStatesMax,
                ["retained_exposure_ms"] = m.RetainedExposureMs, ["retained_states_peak"] = m.RetainedPeakMax, ["retained_secrets_zeroed"] = m.RetainedSecretsZeroed,
                ["pcs_victim"] = m.PcsVictim, ["pcs_theft_ms"] = m.PcsTheftMs, ["pcs_lockout_ms"] = m.PcsLockoutMs, ["pcs_never"] = m.PcsNever,
                ["pcs_commits_to_lockout"] = m.PcsCommitsToLockout, ["pcs_round_trips_to_lockout"] = m.PcsRoundTripsToLockout,
                ["pcs_messages_seen"] = m.PcsMessagesSeen, ["pcs_messages_read"] = m.PcsMessagesRead, ["invariants_held"] = r.Held, ["trace_hash"] = r.TraceHash, ["replay"] = r.Replay,
                ["commit_create_ms"] = new JsonArray([.. r.CommitCreateMs.Select(x => (JsonNode)x)]),
                ["commit_process_ms"] = new JsonArray([.. r.CommitProcessMs.Select(x => (JsonNode)x)]),
            });
            if (expectedHashMatches is { } matches) ((JsonObject)array[^1]!)["expected_hash_matches"] = matches;
        }
        return array.ToJsonString(new System.Text.Json.JsonSerializerOptions { WriteIndented = true });
    }

    /// <summary>Writes README.md (command first, findings, table) and the charts to <paramref name="outDir"/>; returns the README's path.</summary>
    /// <param name="outDir">Where the files go.</param>
    /// <param name="commandOut">The --out DIR the reproducing command names (null: none, the report went only to the results folder).</param>
    public static string Write(IReadOnlyList<GroupsRun> runs, GroupsGrid grid, string outDir, string? commandOut)
    {
        ArgumentNullException.ThrowIfNull(grid);
        Directory.CreateDirectory(outDir);
        var charts = GroupsCharts.RenderAll(runs, outDir);
        var md = new StringBuilder();
        md.AppendLine("# Decentralised MLS groups of N: strategies under partitions (GROUPS.md)").AppendLine();
        md.AppendLine("Produced by (from the repository root, `pairsim` is `dotnet run --project src/Scenarios -c Release --`):").AppendLine();
        md.AppendLine("```bash").AppendLine(grid.CommandLine(commandOut)).AppendLine("```").AppendLine();
        md.AppendLine($"{runs.Count} worlds of the `{grid.Scenario}` scenario, {grid.Messages} application messages each, key-share {(grid.KeyShare == Sim.Engine.Multi.KeySharePolicy.Off ? "off" : "on (verified members only)")}, {grid.Retained} retained states" +
            (grid.Strategies.Contains(Sim.Engine.Multi.MultiStrategy.Retention) ? $" (retention: states kept {grid.RetentionMs} ms)" : "") + ". ")
          .AppendLine("Every figure is in virtual time and is reproduced exactly by the same command (same seed, same traces, same figures).").AppendLine();
        md.AppendLine("## Findings").AppendLine();
        foreach (var s in runs.GroupBy(r => r.Params.Strategy))
        {
            int sent = s.Sum(r => r.Metrics.MessagesSent), lost = s.Sum(r => r.Metrics.MessagesLost), rec = s.Sum(r => r.Metrics.MessagesRecovered);
            var times = s.Where(r => r.Metrics.TimeToOneStateMs is not null).Select(r => r.Metrics.TimeToOneStateMs!.Value).ToList();
            var locked = s.Where(r => r.Metrics.PcsLockoutMs is not null).Select(r => r.Metrics.PcsLockoutMs!.Value).ToList();
            md.AppendLine($"- **{GroupsGrid.Name(s.Key)}**: one state in {s.Count(r => r.Metrics.Converged)} of {s.Count()} worlds; invariants held in {s.Count(r => r.Held)}; " +
                          $"{lost} of {sent} messages lost by MLS, {rec} of them recovered by key-share; forks created {s.Sum(r => r.Metrics.ForksCreated)}, detected {s.Sum(r => r.Metrics.ForksDetected)}, healed {s.Sum(r => r.Metrics.ForksHealed)}; " +
                          $"time to one state after the heal {(times.Count == 0 ? "-" : $"{times.Min()}..{times.Max()} ms")}; " +
                          $"PCS: the attacker with a copied state was locked out in {locked.Count} of {s.Count(r => r.Metrics.PcsTheftMs is not null)} worlds" +
                          (locked.Count == 0 ? "" : $" ({locked.Min()}..{locked.Max()} ms after the theft)") + $", never in {s.Count(r => r.Metrics.PcsNever)}.");
        }
        md.AppendLine().AppendLine("## Charts").AppendLine();
        foreach (var c in charts) md.AppendLine($"### {c.Title}").AppendLine().AppendLine($"![{c.Title}]({Path.GetFileName(c.PngPath)})").AppendLine();
        md.AppendLine("## Table").AppendLine();
        md.AppendLine("| strategy | N | partition ms | loss | sent | lost | recovered | one state | ms to one state | round trips | forks c/d/h | rejoins | bytes/msg | bytes/commit | storage bytes/member | of it served | retained peak / exposure ms | PCS lockout ms (commits) | invariants |");
        md.AppendLine("|---|---|---|---|---|---|---|---|---|---|---|---|---|---|---|---|---|---|---|");
        foreach (var r in runs)
        {
            var m = r.Metrics;
            md.AppendLine($"| {GroupsGrid.Name(r.Params.Strategy)} | {r.Params.Members} | {r.Params.PartitionMs} | {GroupsGrid.F(r.Params.Loss)} | {m.MessagesSent} | {m.MessagesLost} | {m.MessagesRecovered} | " +
                          $"{(m.Converged ? "yes" : "no")} | {m.TimeToOneStateMs?.ToString(CultureInfo.InvariantCulture) ?? "-"} | {(m.RoundTripsToOneState is { } rt ? F1(rt) : "-")} | " +
                          $"{m.ForksCreated}/{m.ForksDetected}/{m.ForksHealed} | {m.Rejoins} | {F1(m.BytesPerMessage)} | {F1(m.BytesPerUpdate)} | {F1(m.StorageBytesPerMember)} | {F1(m.ServedBytesPerMember)} | {m.RetainedPeakMax} / {m.RetainedExposureMs} | {PcsCell(m)} | " +
                          $"{(r.Held ? "held" : string.Join("; ", r.Verdicts.Where(v => !v.Passed).Select(v => v.Checker)))} |");
        }
        md.AppendLine().AppendLine("## Definitions").AppendLine();
        md.AppendLine("- *lost*: a message that some recipient (a member in the sender's view when sent, still a member at the end) never read by MLS; *recovered*: every such recipient then got it by key-share (re-encrypted with HPKE to the requester's verified key, only to verified members).");
        md.AppendLine("- *time to one state*: from the heal (last partition heal or return from offline) to the last epoch change, when every member ends with one epoch authenticator and membership and every party with a leaf in that tree holds that state (a joiner whose Welcome was lost counts until it is in); *round trips*: that time over 2 × the links' minimum one-way delay.");
        md.AppendLine("- *forks created*: extra commits seen starting an epoch already started by another; *detected*: epochs some member reported a fork at; *healed*: forks created in a world that ended in one state.");
        md.AppendLine("- *PCS lockout*: an attacker copies the state of the first member to ask for an update after the theft time (every group state it holds, retained ones and kept PSK exports included), then sees every datagram sent and follows every commit it can with the copy (real MLS processing, forks included); the figure is the virtual time from the theft to the first message of the final run of messages it could not read, with the commits entered in between; *never*: it still read the last message.");
        md.AppendLine("- *bytes*: every copy on the wire (fan-out and sequencer relay included), per application message and per commit; *storage bytes*: what a member stores at the end, averaged over every party: its states (the saved size of the current state plus every retained one, send groups and kept PSK exports) and what it keeps only to serve others (*served*: the commit bodies of its catch-up log and, with retention, of the branches it held, each commit once, and the plaintexts held for key-share).");
        md.AppendLine("- *retained peak / exposure*: the most states of left epochs (and, for retention, of other branches) any member held at once, and the longest any was kept before deletion (the forward-secrecy exposure: a copy of the member's storage reads that far back).");
        File.WriteAllText(Path.Combine(outDir, "README.md"), md.ToString());
        return Path.Combine(outDir, "README.md");
    }
}
