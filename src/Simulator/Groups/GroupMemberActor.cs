using System.Diagnostics;
using Akka.Actor;
using Sim.Engine.Crypto;
using Sim.Engine.Multi;

namespace Sim.Simulator.Groups;

/// <summary>One member of a group world: an actor holding a <see cref="GroupMember"/>; every request is answered with what it did.</summary>
public sealed class GroupMemberActor : ReceiveActor
{
    /// <summary>The user's action. Reply: <see cref="Stepped"/>.</summary>
    public sealed record Act(GroupOp Op, long NowMs, long MessageId);
    /// <summary>Time passes. Reply: <see cref="Stepped"/>.</summary>
    public sealed record Tick(long NowMs);
    /// <summary>A datagram arrives. Reply: <see cref="Stepped"/>.</summary>
    public sealed record Arrive(byte[] Bytes, long NowMs);
    /// <summary>PCS: copy the member's secret state for an attacker. Reply: <see cref="PcsAttacker"/>.</summary>
    public sealed record Compromise(IRandomSource Random);
    /// <summary>Reply: <see cref="MemberReport"/>.</summary>
    public sealed record GetReport(long NowMs, bool WithStateBytes);

    /// <summary>What the member did, and the wall-clock time the engine took for it (measurements only: never traced).</summary>
    public sealed record Stepped(MemberStep Step, double ElapsedMs);

    private readonly GroupMember _member;

    public GroupMemberActor(GroupMember member)
    {
        _member = member ?? throw new ArgumentNullException(nameof(member));
        Receive<Act>(m => Reply(() => m.Op.Kind switch
        {
            GroupOpKind.Send => _member.SendApplication(m.MessageId, m.Op.PayloadBytes, m.NowMs),
            GroupOpKind.Update => _member.Update(m.NowMs),
            GroupOpKind.Add => _member.Add(m.Op.Target!, m.NowMs),
            GroupOpKind.Remove => _member.Remove(m.Op.Target!, m.NowMs),
            _ => MemberStep.Empty,
        }));
        Receive<Tick>(m => Reply(() => _member.Tick(m.NowMs)));
        Receive<Compromise>(m => Sender.Tell(_member.Compromise(m.Random)));
        Receive<Arrive>(m => Reply(() => _member.Receive(m.Bytes, m.NowMs)));
        Receive<GetReport>(m => Sender.Tell(new MemberReport(_member.Name, _member.IsMember, _member.Epoch, _member.IsMember || _member.Epoch > 0 ? Hex(_member.Options.Suite.Hash(_member.EpochAuthenticator)) : "", _member.Members,
            _member.RetainedStateCount, _member.RetainedLongestMs, _member.HeldMessages, _member.UnreadableMessages,
            m.WithStateBytes ? _member.StateBytes() : 0, _member.RetainedPeak, _member.SecretsZeroed) { Leaves = _member.MemberLeaves, ServedBytes = m.WithStateBytes ? _member.ServedBytes() : 0 }));
    }

    /// <summary>The member is built (keys, founding) by the world before the actor starts, so setup order is fixed.</summary>
    public static Props Props(GroupMember member) => Akka.Actor.Props.Create(() => new GroupMemberActor(member));

    private void Reply(Func<MemberStep> run)
    {
        object reply;
        long start = Stopwatch.GetTimestamp();
        try { reply = new Stepped(run(), Stopwatch.GetElapsedTime(start).TotalMilliseconds); }
        catch (Exception e) { reply = new Status.Failure(e); }
        Sender.Tell(reply);
    }

    internal static string Hex(byte[] bytes) => bytes.Length == 0 ? "" : Convert.ToHexString(bytes.AsSpan(0, Math.Min(8, bytes.Length))).ToLowerInvariant();
}

/// <summary>A member's state (hashes only) and what it holds: retained states, held messages (key-share), unread ones, state bytes.</summary>
public sealed record MemberReport(string Name, bool IsMember, ulong Epoch, string EpochAuth, IReadOnlyList<string> Members,
    int RetainedStates, long RetainedLongestMs, int HeldMessages, int UnreadableMessages, long StateBytes, int RetainedPeak = 0, int SecretsZeroed = 0)
{
    /// <summary>The leaf index of each of <see cref="Members"/>, in the same order.</summary>
    public IReadOnlyList<uint> Leaves { get; init; } = [];

    /// <summary>Bytes kept only to serve others (commit bodies for catch-ups and branch fetch, key-share plaintexts): <see cref="GroupMember.ServedBytes"/>.</summary>
    public long ServedBytes { get; init; }
}

/// <summary>The sequencer (GROUPS.md strategy 1) as an actor around <see cref="Sequencer"/>.</summary>
public sealed class SequencerActor : ReceiveActor
{
    public sealed record Arrive(byte[] Bytes);
    public sealed record Relayed(IReadOnlyList<Outgoing> Sends);

    public SequencerActor(Sequencer sequencer)
    {
        ArgumentNullException.ThrowIfNull(sequencer);
        Receive<Arrive>(m => Sender.Tell(new Relayed(sequencer.Receive(m.Bytes))));
    }

    public static Props Props(Sequencer sequencer) => Akka.Actor.Props.Create(() => new SequencerActor(sequencer));
}
