using Akka.Actor;
using Sim.Simulator.Protocols;
using Sim.Simulator.Trace;

namespace Sim.Simulator.Agents;

/// <summary>
/// The party's faults of the machine it runs on: crash points inside Send and Receive (Akka supervision restarts
/// the actor, which reloads its last persisted state), crash and restart, restore of an older save (a rollback,
/// by save count or by epoch), offline spells, and the disk the saves go to.
/// </summary>
public sealed partial class PartyActor
{
    /// <summary>A restart keeps the invitation (it lives outside the conversation, in <see cref="PartyMemory"/>).</summary>
    protected override void PreRestart(Exception reason, object message) { }

    /// <summary>
    /// After a crash point: the new instance reloads the last persisted state, as a restarted process
    /// does, and answers the request that crashed with what stays of it, the Crash and the Restart.
    /// </summary>
    protected override void PostRestart(Exception reason)
    {
        if (reason is not CrashPointReached crash) return;
        var events = new List<TraceEvent>(crash.Kept) { Draft<CrashEvent>() with { Point = crash.Point.Name() } };
        if (_memory.Disk.Count == 0) events.Add(Draft<RestartEvent>() with { NotJoined = true });
        else
        {
            var s = _session = Load(_memory.Disk[^1]);
            events.Add(Draft<RestartEvent>() with { Epoch = s.Epoch, CommitHash = CommitHashOf(s, s.Epoch) });
        }
        crash.ReplyTo.Tell(new PartyReply(events) { Lost = _memory.Offline ? "offline" : null });
    }

    private object OnArm(ArmCrashPoint m)
    {
        if (_down) return new PartyReply([]) { Skipped = "down" };
        if (_memory.Armed is not null) return new PartyReply([]) { Skipped = "a crash point is armed already" };
        _memory.Armed = m.Point;
        return new PartyReply([]);
    }

    /// <summary>Crashes here if <paramref name="point"/> is armed (disarming it): the supervisor restarts the actor.</summary>
    private void CrashIfArmed(CrashPoint point, IReadOnlyList<TraceEvent> kept)
    {
        if (_memory.Armed != point) return;
        _memory.Armed = null;
        throw new CrashPointReached(point, Sender, kept);
    }

    // ------------------------------------------------------------------ crash, restart, restore, offline

    private object OnCrash(Crash m)
    {
        if (_down) return new PartyReply([]) { Skipped = "already down" };
        _down = true;
        // Memory is lost; the disk (and an unused invitation, which lives outside the conversation) survive.
        _session = null;
        return new PartyReply([Draft<CrashEvent>() with { DownMs = m.DownMs }]);
    }

    private object OnRestart(bool byLiveness)
    {
        if (!_down) return new PartyReply([]) { Skipped = "not down" };
        _down = false;
        if (_memory.Disk.Count == 0) return new PartyReply([Draft<RestartEvent>() with { NotJoined = true, ByLiveness = byLiveness }]);
        var s = _session = Load(_memory.Disk[^1]);
        return new PartyReply([Draft<RestartEvent>() with { Epoch = s.Epoch, CommitHash = CommitHashOf(s, s.Epoch), ByLiveness = byLiveness }]);
    }

    private object OnRestore(Restore m)
    {
        if (_down) return new PartyReply([]) { Skipped = "down" };
        // Depth counts from either end (so generated scripts shrink well): 0 is the newest save, 1 the one
        // before; -1 is the oldest save the disk holds, -2 the one after it. Out of range: a no-op.
        if (m.ByEpoch) return RestoreByEpoch(m.Depth);
        int fromNewest = m.Depth >= 0 ? m.Depth : _memory.Saves + m.Depth;
        if (fromNewest < 0 || fromNewest >= _memory.Saves) return new PartyReply([]) { Skipped = $"depth {m.Depth} beyond {_memory.Saves} saves" };
        if (fromNewest >= _memory.Disk.Count) throw new InvalidOperationException($"{_me}: restore depth {m.Depth} beyond the disk's reach {_config.DiskReach}");
        int index = _memory.Disk.Count - 1 - fromNewest;
        var s = _session = Load(_memory.Disk[index]);
        // The newer saves are gone: the party now believes this is its latest state.
        _memory.Disk.RemoveRange(index + 1, _memory.Disk.Count - index - 1);
        _memory.DiskEpochs.RemoveRange(index + 1, _memory.DiskEpochs.Count - index - 1);
        _memory.Saves -= fromNewest;
        return new PartyReply([Draft<RestoreEvent>() with { Epoch = s.Epoch, CommitHash = CommitHashOf(s, s.Epoch), Depth = m.Depth, SavesLost = fromNewest, DesiredCardVersion = DesiredCardOf(s) }]);
    }

    /// <summary>
    /// The newest save whose epoch is at least <paramref name="epochsBack"/> below the newest save's (0: the newest
    /// save); negative counts from the oldest epoch the disk holds (-1: the newest save of that epoch). Out of range: a no-op.
    /// </summary>
    private object RestoreByEpoch(int epochsBack)
    {
        var epochs = _memory.DiskEpochs;
        if (epochs.Count == 0) return new PartyReply([]) { Skipped = "nothing saved" };
        long target = epochsBack >= 0 ? (long)epochs[^1] - epochsBack : (long)epochs.Min() + (-(long)epochsBack - 1);
        int index = epochs.FindLastIndex(e => (long)e <= target);
        if (index < 0 || target > (long)epochs[^1]) return new PartyReply([]) { Skipped = $"no save {epochsBack} epochs back (epochs {epochs.Min()}..{epochs[^1]} on disk)" };
        int fromNewest = _memory.Disk.Count - 1 - index;
        var s = _session = Load(_memory.Disk[index]);
        _memory.Disk.RemoveRange(index + 1, _memory.Disk.Count - index - 1);
        _memory.DiskEpochs.RemoveRange(index + 1, _memory.DiskEpochs.Count - index - 1);
        _memory.Saves -= fromNewest;
        return new PartyReply([Draft<RestoreEvent>() with { Epoch = s.Epoch, CommitHash = CommitHashOf(s, s.Epoch), Depth = fromNewest, EpochsBack = epochsBack, SavesLost = fromNewest, DesiredCardVersion = DesiredCardOf(s) }]);
    }

    /// <summary>The card version a loaded state wants, as its summary says (null for a protocol without cards).</summary>
    private ulong? DesiredCardOf(IProtocolSession s) => s.Describe(new PartySummary(_me, true)).DesiredCardVersion;

    private object OnGoOffline(GoOffline m)
    {
        if (_memory.Offline) return new PartyReply([]) { Skipped = "already offline" };
        _memory.Offline = true;
        return new PartyReply([Draft<OfflineEvent>() with { DurationMs = m.DurationMs }]);
    }

    private object OnComeBack()
    {
        if (!_memory.Offline) return new PartyReply([]) { Skipped = "not offline" };
        _memory.Offline = false;
        return new PartyReply([Draft<OnlineEvent>()]);
    }

    private object OnRevive()
    {
        // Faults stop: an armed crash point that never fired is dropped.
        _memory.Armed = null;
        var events = new List<TraceEvent>();
        if (_down) events.AddRange(((PartyReply)OnRestart(byLiveness: true)).Events);
        if (_memory.Offline) events.AddRange(((PartyReply)OnComeBack()).Events);
        return new PartyReply(events);
    }

    /// <summary>Stores a save on the disk, with the epoch of the session that made it (for restores by epoch).</summary>
    private void Persist(byte[] state)
    {
        int history = Math.Max(1, _config.DiskHistory);
        _memory.Disk.Add(state);
        _memory.DiskEpochs.Add(_session?.Epoch ?? 0);
        if (_memory.Disk.Count > Math.Clamp(_config.DiskReach ?? history, 1, history))
        {
            _memory.Disk.RemoveAt(0);
            _memory.DiskEpochs.RemoveAt(0);
        }
        _memory.Saves = Math.Min(_memory.Saves + 1, history);
    }
}
