using Akka.Actor;
using Sim.Engine.Multi;

namespace Sim.Simulator.Groups;

/// <summary>The event loop: script ops, deliveries (partitions judged on arrival), ticks, and what each step produced.</summary>
public sealed partial class GroupWorld
{
    private async Task RunUntil(long limitMs, CancellationToken ct)
    {
        while (_queue.TryDequeue(limitMs, out long at, out var next))
        {
            ct.ThrowIfCancellationRequested();
            _now = Math.Max(_now, at);
            switch (next)
            {
                case ScriptDue s: await RunOp(s.Op).ConfigureAwait(false); break;
                case DeliveryDue d: await Deliver(d.Delivery).ConfigureAwait(false); break;
                case TickDue:
                    foreach (var name in Options.Everyone)
                        if (!_offline.Contains(name)) await Step(name, new GroupMemberActor.Tick(_now)).ConfigureAwait(false);
                    _queue.Schedule(_now + Options.TickMs, new TickDue());
                    break;
                case OnlineDue o: Online(o.Member); break;
                case TheftDue: await Steal().ConfigureAwait(false); break;
            }
        }
    }

    private async Task RunOp(GroupOp op)
    {
        if (!_members.ContainsKey(op.Member) || _offline.Contains(op.Member)) return;
        if (op.Kind == GroupOpKind.Offline)
        {
            _offline.Add(op.Member);
            Append(new GroupTraceEvent(_now, 0, GroupTraceKind.Offline) { Member = op.Member, Detail = $"down_ms={op.DurationMs}" });
            _queue.Schedule(_now + Math.Max(0, op.DurationMs), new OnlineDue(op.Member));
            return;
        }
        long id = op.Kind == GroupOpKind.Send ? ++_nextMessageId : 0;
        await Step(op.Member, new GroupMemberActor.Act(op, _now, id)).ConfigureAwait(false);
    }

    /// <summary>PCS: the attacker copies the victim's state; from now on it sees every datagram sent (<see cref="Transmit"/>).</summary>
    private async Task Steal()
    {
        string victim = Options.PcsVictimName();
        if (!_members.TryGetValue(victim, out var actor)) return;
        _attacker = await actor.Ask<PcsAttacker>(new GroupMemberActor.Compromise(_attackerRandom!), AskTimeout).ConfigureAwait(false);
        Append(new GroupTraceEvent(_now, 0, GroupTraceKind.Theft) { Member = victim, Detail = $"states={_attacker.StatesCopied}" });
    }

    private void Online(string member)
    {
        if (_offline.Remove(member)) Append(new GroupTraceEvent(_now, 0, GroupTraceKind.Online) { Member = member });
    }

    private async Task Deliver(GroupNetworkActor.Delivery d)
    {
        if (!_liveness && Options.Partitions.FirstOrDefault(p => p.Cuts(d.From, d.To, _now)) is { } cut)
        {
            if (Options.PartitionMode == PartitionMode.Hold)
            {
                long at = Math.Min(cut.HealMs, Options.SafetyPhaseEndMs);
                Append(new GroupTraceEvent(_now, 0, GroupTraceKind.Fault) { Member = d.From, Peer = d.To, Datagram = d.Id, Fault = "partition_hold", Detail = $"until_ms={at}" });
                _queue.Schedule(Math.Max(at, _now + 1), new DeliveryDue(d));
            }
            else Append(new GroupTraceEvent(_now, 0, GroupTraceKind.Fault) { Member = d.From, Peer = d.To, Datagram = d.Id, Fault = "partition_drop" });
            return;
        }
        if (_offline.Contains(d.To))
        {
            Append(new GroupTraceEvent(_now, 0, GroupTraceKind.Fault) { Member = d.From, Peer = d.To, Datagram = d.Id, Fault = "offline", Detail = "receiver offline" });
            return;
        }
        Append(new GroupTraceEvent(_now, 0, GroupTraceKind.Deliver) { Member = d.To, Peer = d.From, Datagram = d.Id, Detail = $"latency_ms={_now - d.SentMs}" + (d.Via is { } v ? $" via={v}" : "") });
        if (d.To == Sequencer.Name)
        {
            var relayed = await _sequencer.Ask<SequencerActor.Relayed>(new SequencerActor.Arrive(d.Bytes), AskTimeout).ConfigureAwait(false);
            await Transmit(Sequencer.Name, relayed.Sends).ConfigureAwait(false);
        }
        else await Step(d.To, new GroupMemberActor.Arrive(d.Bytes, _now)).ConfigureAwait(false);
    }

    private async Task Step(string member, object request)
    {
        var reply = await _members[member].Ask(request, AskTimeout).ConfigureAwait(false);
        if (reply is Status.Failure f) throw new InvalidOperationException($"member {member} failed", f.Cause);
        var stepped = (GroupMemberActor.Stepped)reply;
        Record(member, stepped);
        await Transmit(member, stepped.Step.Sends).ConfigureAwait(false);
    }

    private async Task Transmit(string from, IReadOnlyList<Outgoing> sends)
    {
        if (sends.Count == 0) return;
        foreach (var s in sends)
        {
            Append(new GroupTraceEvent(_now, 0, GroupTraceKind.Send) { Member = from, Peer = s.To, DatagramKind = KindName(s.Bytes), Datagram = Sim.Simulator.Trace.TraceLog.IdOf(s.Bytes), Bytes = s.Bytes.Length });
            if (_attacker?.Observe(s.Bytes) is { } tried)
                Append(new GroupTraceEvent(_now, 0, GroupTraceKind.Attack) { Member = _attacker.Victim, Peer = tried.Sender, Datagram = tried.DatagramId, Detail = tried.Read ? "read" : "unreadable" });
        }
        var sent = await _network.Ask<GroupNetworkActor.Transmitted>(new GroupNetworkActor.Transmit(_now, from, sends), AskTimeout).ConfigureAwait(false);
        foreach (var f in sent.Faults)
            Append(new GroupTraceEvent(_now, 0, GroupTraceKind.Fault) { Member = f.From, Peer = f.To, Datagram = f.Id, Fault = f.Fault, Detail = f.Detail });
        foreach (var d in sent.Deliveries) _queue.Schedule(d.AtMs, new DeliveryDue(d));
    }

    /// <summary>The kind a datagram says it is (decoded from its bytes: the trace records what the message says about itself).</summary>
    private static string KindName(byte[] bytes) =>
        MultiDatagram.TryParse(bytes, out var d) && d is not null ? d.Kind.ToString().ToLowerInvariant() : "malformed";

    private void Record(string member, GroupMemberActor.Stepped stepped)
    {
        foreach (var o in stepped.Step.Observations)
        {
            var e = new GroupTraceEvent(_now, 0, GroupTraceKind.Rejected) { Member = member };
            Append(o switch
            {
                MemberObservation.EpochEntered x => e with
                {
                    Kind = GroupTraceKind.Epoch, Epoch = x.Epoch, Commit = GroupMemberActor.Hex(x.CommitHash), EpochAuth = GroupMemberActor.Hex(x.EpochAuthenticatorHash),
                    Members = string.Join(",", x.Members), Detail = $"{x.How}:{x.Committer}", Group = x.Group,
                },
                MemberObservation.Delivered x => e with { Kind = GroupTraceKind.Read, Peer = x.Sender, Datagram = x.DatagramId, MessageId = x.MessageId, Epoch = x.Epoch, Detail = x.ViaKeyShare ? "key_share" : null, Group = x.Group,
                    Commit = x.EpochId is { } id ? GroupMemberActor.Hex(id) : null },
                MemberObservation.BranchHeld x => e with
                {
                    Kind = GroupTraceKind.Branch, Epoch = x.Epoch, Commit = GroupMemberActor.Hex(x.CommitHash), EpochAuth = GroupMemberActor.Hex(x.EpochAuthenticatorHash),
                    Members = string.Join(",", x.Members), Detail = "branch:" + x.Committer,
                },
                MemberObservation.Merged x => e with { Kind = GroupTraceKind.Merge, Epoch = x.Epoch, Detail = "imported=" + string.Join(",", x.Imported.Select(GroupMemberActor.Hex)) },
                MemberObservation.Sent x => e with { Kind = GroupTraceKind.AppSent, Datagram = x.DatagramId, MessageId = x.MessageId, Epoch = x.Epoch, Members = string.Join(",", x.Recipients) },
                MemberObservation.Rejected x => e with { Datagram = x.DatagramId, DatagramKind = x.Kind.ToString().ToLowerInvariant(), Detail = x.Reason },
                MemberObservation.ForkDetected x => e with { Kind = GroupTraceKind.Fork, Epoch = x.Epoch, Peer = x.Peer, Detail = x.How },
                MemberObservation.Rejoined x => e with { Kind = GroupTraceKind.Rejoin, Epoch = x.ToEpoch, Detail = $"{x.How} from_epoch={x.FromEpoch}" },
                MemberObservation.KeyShareSent x => e with { Kind = GroupTraceKind.KeyShare, Peer = x.To, Datagram = x.DatagramId },
                MemberObservation.Reproposed x => e with { Kind = GroupTraceKind.Repropose, Detail = x.Intent },
                _ => throw new InvalidOperationException($"unknown observation {o}"),
            });
            if (Options.MeasureCommits && o is MemberObservation.EpochEntered entered)
            {
                if (entered.How == "own") _createMs.Add(stepped.ElapsedMs);
                else if (entered.How == "commit") _processMs.Add(stepped.ElapsedMs);
            }
        }
    }
}
