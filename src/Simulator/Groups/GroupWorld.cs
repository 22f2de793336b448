using Akka.Actor;
using Sim.Engine.Crypto;
using Sim.Engine.Multi;
using Sim.Simulator.Network;

namespace Sim.Simulator.Groups;

/// <summary>
/// A group of N members as a discrete-event simulation (DESIGN.md "Simulator"): one root seed, a
/// virtual clock, an event queue ordered by (time, sequence), one <see cref="GroupMemberActor"/> per
/// member, a <see cref="SequencerActor"/> for the sequenced strategy and a
/// <see cref="GroupNetworkActor"/>. The world pops one event, asks the actor concerned and waits for
/// the reply, so the same options give the same trace, byte for byte.
/// <para>
/// Phases: safety (script, link faults, partitions, members offline) until
/// <see cref="GroupWorldOptions.SafetyPhaseEndMs"/>; then liveness (no faults, every partition healed,
/// everyone online) until every member holds one state and a settling time has passed, or the budget
/// runs out. State events close each phase.
/// </para>
/// </summary>
public sealed partial class GroupWorld
{
    private static readonly TimeSpan AskTimeout = TimeSpan.FromMinutes(5);
    private const long SettleMs = 3_000;
    private const long ProbeMs = 500;
    private static long _worldCounter;

    private abstract record Due;
    private sealed record ScriptDue(GroupOp Op) : Due;
    private sealed record DeliveryDue(GroupNetworkActor.Delivery Delivery) : Due;
    private sealed record TickDue : Due;
    private sealed record OnlineDue(string Member) : Due;
    private sealed record TheftDue : Due;

    private readonly ActorSystem? _system;
    private readonly EventQueue<Due> _queue = new();
    private readonly GroupTrace _trace = new();
    private readonly Dictionary<string, IActorRef> _members = [];
    private readonly HashSet<string> _offline = [];
    private readonly List<double> _createMs = [];
    private readonly List<double> _processMs = [];
    private IActorRef _network = ActorRefs.Nobody;
    private IActorRef _sequencer = ActorRefs.Nobody;
    private PcsAttacker? _attacker;
    private DeterministicRandomSource? _attackerRandom;
    private long _now;
    private long _nextMessageId;
    private bool _liveness;
    private int _ran;

    public GroupWorld(GroupWorldOptions options, ActorSystem? system = null)
    {
        Options = options ?? throw new ArgumentNullException(nameof(options));
        if (options.Founders.Count < 1) throw new ArgumentException("a group needs a founder", nameof(options));
        if (options.Everyone.Distinct().Count() != options.Everyone.Count || options.Everyone.Contains(Sequencer.Name))
            throw new ArgumentException($"member names must be distinct and not '{Sequencer.Name}'", nameof(options));
        _system = system;
    }

    public GroupWorldOptions Options { get; }

    public static GroupWorldResult Run(GroupWorldOptions options) => new GroupWorld(options).RunAsync().GetAwaiter().GetResult();

    public async Task<GroupWorldResult> RunAsync(CancellationToken ct = default)
    {
        if (Interlocked.Exchange(ref _ran, 1) != 0) throw new InvalidOperationException("a world runs once; make a new GroupWorld to run again");
        var system = _system ?? SimulatorActorSystem.Create("groups");
        try { return await RunIn(system, ct).ConfigureAwait(false); }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            throw new InvalidOperationException(EngineBug.Describe("group world", _now, Options.Describe(), e), e);
        }
        finally
        {
            foreach (var a in _members.Values.Append(_network).Append(_sequencer)) if (!a.IsNobody()) system.Stop(a);
            if (_system is null) await system.Terminate().ConfigureAwait(false);
        }
    }

    private async Task<GroupWorldResult> RunIn(ActorSystem system, CancellationToken ct)
    {
        long n = Interlocked.Increment(ref _worldCounter);
        var root = new DeterministicRandomSource(Options.Seed);
        // Members are built and the group founded here, in a fixed order, before any actor runs.
        var members = Options.Everyone.Select(name => new GroupMember(name, Options.Member, root.Derive("member/" + name))).ToList();
        var identities = members.Select(m => m.Identity).ToList();
        foreach (var m in members) m.Verify(identities);
        bool sendGroups = Options.Member.Strategy == MultiStrategy.SendGroups;
        if (sendGroups) GroupMember.FoundSendGroups(members.Take(Options.Founders.Count).ToList());
        else GroupMember.Found(members[0], members.Take(Options.Founders.Count).Skip(1).ToList(), System.Text.Encoding.UTF8.GetBytes($"group-{Options.Seed}"));
        foreach (var m in members) _members[m.Name] = system.ActorOf(GroupMemberActor.Props(m), $"g{n}-{m.Name}");
        if (Options.Member.Strategy == MultiStrategy.Sequenced)
            _sequencer = system.ActorOf(SequencerActor.Props(new Sequencer(Options.Everyone, 1)), $"g{n}-ds");
        _network = system.ActorOf(GroupNetworkActor.Props(Options.Links, Options.Drops, root.Derive("faults"), root.Derive("network")), $"g{n}-net");

        Append(new GroupTraceEvent(0, 0, GroupTraceKind.Options) { Detail = Options.Describe() });
        Append(new GroupTraceEvent(0, 0, GroupTraceKind.Phase) { Detail = "safety" });
        foreach (var m in members.Take(Options.Founders.Count))
            if (sendGroups) AppendSendGroupsFounded(m, members);
            else Append(new GroupTraceEvent(0, 0, GroupTraceKind.Epoch) { Member = m.Name, Epoch = m.Epoch, Commit = GroupMemberActor.Hex(m.Chain.Tip), EpochAuth = EpochAuthHash(m), Members = string.Join(",", m.Members), Detail = "founded:" + members[0].Name });

        foreach (var op in Options.Script.OrderBy(o => o.AtMs)) _queue.Schedule(op.AtMs, new ScriptDue(op));
        _queue.Schedule(0, new TickDue());
        if (Options.PcsTheftMs is { } theft)
        {
            _attackerRandom = root.Derive("attacker");
            _queue.Schedule(theft, new TheftDue());
        }
        await RunUntil(Options.SafetyPhaseEndMs, ct).ConfigureAwait(false);
        _now = Math.Max(_now, Options.SafetyPhaseEndMs);
        await WriteStates(withBytes: false).ConfigureAwait(false);

        // Liveness: faults off, partitions over, everyone back, script done; what is in flight still arrives.
        _liveness = true;
        Append(new GroupTraceEvent(_now, 0, GroupTraceKind.Phase) { Detail = "liveness" });
        await _network.Ask<GroupNetworkActor.UseFaults>(new GroupNetworkActor.UseFaults(LinkFaults.None), AskTimeout).ConfigureAwait(false);
        _queue.RemoveWhere(e => e is ScriptDue or OnlineDue);
        foreach (var m in _offline.Order().ToList()) Online(m);
        long budgetEnd = _now + Options.LivenessBudgetMs;
        long? oneStateAt = null;
        while (_now < budgetEnd)
        {
            long next = Math.Min(_now + ProbeMs, budgetEnd);
            await RunUntil(next, ct).ConfigureAwait(false);
            _now = next;
            bool one = OneState(await Reports(withBytes: false).ConfigureAwait(false));
            if (!one) oneStateAt = null;
            else if (oneStateAt is null) oneStateAt = _now;
            else if (_now - oneStateAt >= SettleMs) break;
        }
        var reports = await WriteStates(withBytes: true).ConfigureAwait(false);
        return new GroupWorldResult(Options, _trace, _trace.Hash(), reports)
        {
            EndMs = _now,
            Converged = OneState(reports),
            CommitCreateMs = _createMs,
            CommitProcessMs = _processMs,
        };
    }

    /// <summary>
    /// True when every member that holds itself a member agrees on the epoch authenticator and the
    /// membership, and every party with a leaf in that tree holds that state (the one_state checker's
    /// rule: a joiner whose Welcome was lost is in the tree but not in the state).
    /// </summary>
    internal static bool OneState(IReadOnlyList<MemberReport> reports)
    {
        var members = reports.Where(r => r.IsMember).ToList();
        return members.Count > 0 && members.All(r => r.EpochAuth == members[0].EpochAuth && r.Members.SequenceEqual(members[0].Members))
            && members[0].Members.All(name => members.Any(r => r.Name == name));
    }

    private async Task<IReadOnlyList<MemberReport>> Reports(bool withBytes)
    {
        var list = new List<MemberReport>();
        foreach (var name in Options.Everyone)
            list.Add(await _members[name].Ask<MemberReport>(new GroupMemberActor.GetReport(_now, withBytes), AskTimeout).ConfigureAwait(false));
        return list;
    }

    private async Task<IReadOnlyList<MemberReport>> WriteStates(bool withBytes)
    {
        var reports = await Reports(withBytes).ConfigureAwait(false);
        foreach (var r in reports)
            Append(new GroupTraceEvent(_now, 0, GroupTraceKind.State)
            {
                Member = r.Name, Epoch = r.Epoch, EpochAuth = r.EpochAuth, Members = string.Join(",", r.Members),
                Detail = $"member={(r.IsMember ? "true" : "false")} retained={r.RetainedStates} retained_longest_ms={r.RetainedLongestMs} held={r.HeldMessages} " +
                         $"unreadable={r.UnreadableMessages} state_bytes={r.StateBytes} served_bytes={r.ServedBytes} retained_peak={r.RetainedPeak} secrets_zeroed={r.SecretsZeroed} leaves={string.Join(",", r.Leaves)}" + (_offline.Contains(r.Name) ? " offline=true" : ""),
            });
        return reports;
    }

    /// <summary>Send groups: one Epoch event per group the member holds after founding (the commit is the group owner's founding commit).</summary>
    private void AppendSendGroupsFounded(GroupMember m, IReadOnlyList<GroupMember> members)
    {
        foreach (var (owner, epoch, auth, names) in m.SendGroupViews())
            Append(new GroupTraceEvent(0, 0, GroupTraceKind.Epoch)
            {
                Member = m.Name, Group = owner, Epoch = epoch, Commit = GroupMemberActor.Hex(members.First(x => x.Name == owner).Chain.Tip),
                EpochAuth = GroupMemberActor.Hex(m.Options.Suite.Hash(auth)), Members = string.Join(",", names), Detail = "founded:" + owner,
            });
    }

    private static string EpochAuthHash(GroupMember m) => GroupMemberActor.Hex(m.Options.Suite.Hash(m.EpochAuthenticator));

    private void Append(GroupTraceEvent e) => _trace.Append(e with { Seq = _trace.NextSeq });
}
