using Sim.Engine.Codec;
using Sim.Engine.Crypto;
using Sim.Engine.Framing;
using Sim.Engine.Group;
using Sim.Engine.Messages;

namespace Sim.Engine.Multi;

/// <summary>What the attacker made of one application message it saw on the wire (each distinct MLS message once).</summary>
public sealed record AttackerRead(string DatagramId, string Sender, bool Read);

/// <summary>
/// GROUPS.md "PCS": an attacker who copied a member's state (every group state it held, with the
/// retained ones and, for send groups, its kept PSK exports) and then sees every datagram on the wire.
/// It follows the group as a passive member would with the copy: every commit it can process (from
/// any state of that group and epoch it holds, so it follows forks too) gives it the next epoch;
/// every application message it tries with each state it holds. It never holds what the victim
/// made after the theft: new path secrets, new KeyPackages (so no Welcome opens for it), so once the
/// victim's own commit (or a commit that removes its old leaf, or a PSK from an epoch it cannot
/// reach) ends the chains it can follow, new messages stay unreadable: post-compromise security.
/// It computes every PSK a member could from what it holds: send groups' exports, and retention's merge
/// PSKs (the MLS-Exporter output, RFC 9420 §8.5, of the losing head that the PSK id names by epoch and
/// tip), so it follows a merge exactly when its copy holds (or has since followed) every head imported.
/// Real engine operations on real bytes; nothing here knows which messages "should" be readable.
/// </summary>
public sealed class PcsAttacker
{
    private const int StatesPerGroup = 8;
    private const int EpochsBehindKept = 4;

    private readonly CipherSuite _suite;
    private readonly IRandomSource _random;
    private readonly GroupOptions _options;
    /// <summary>A state the attacker holds and its chain tip: the hash of the commit that made its epoch, as the member's chain has it.</summary>
    private sealed record Held(MlsGroup Group, byte[] Tip);

    private readonly List<Held> _states = [];
    private readonly Dictionary<(string Owner, ulong Epoch), byte[]> _psks;
    private readonly HashSet<string> _tried = [];
    private readonly HashSet<string> _commitsSeen = [];

    /// <param name="savedStates">Each copied state with its chain tip (empty for a send group: its PSKs are named by owner and epoch).</param>
    internal PcsAttacker(string victim, CipherSuite suite, IEnumerable<(byte[] State, byte[] Tip)> savedStates, Dictionary<(string Owner, ulong Epoch), byte[]> psks,
        int pastEpochKeys, IRandomSource random)
    {
        Victim = victim;
        _suite = suite;
        _random = random;
        _psks = psks;
        _options = GroupOptions.Default with { PastEpochsRetained = Math.Max(0, pastEpochKeys), ExternalPsks = Resolve };
        foreach (var (bytes, tip) in savedStates) _states.Add(new Held(MlsGroup.Load(bytes, random, _options), [.. tip]));
        foreach (var s in _states) Export(s.Group);
        StatesCopied = _states.Count;
    }

    /// <summary>Whose state was copied.</summary>
    public string Victim { get; }

    /// <summary>Group states taken at the theft (current and retained, every group).</summary>
    public int StatesCopied { get; }

    /// <summary>Group states the attacker holds now (branches it follows).</summary>
    public int StatesHeld => _states.Count;

    /// <summary>Commits the attacker processed (entered their epoch with its copy).</summary>
    public int CommitsFollowed { get; private set; }

    /// <summary>
    /// A datagram sent on the wire. Commits are followed where possible; an application message not
    /// seen before is tried with every state and reported (read or not). Anything else, or bytes that
    /// do not parse, gives null. Never throws on bad bytes.
    /// </summary>
    public AttackerRead? Observe(ReadOnlySpan<byte> datagram)
    {
        if (!MultiDatagram.TryParse(datagram, out var d) || d is null) return null;
        if (d.Kind == MultiKind.Commit) { Follow(d.Body); return null; }
        if (d.Kind != MultiKind.Application) return null;
        string id = GroupMember.MessageRef(d.Body);
        if (!_tried.Add(id) || !Tls.TryDeserialize<MlsMessage>(d.Body, out var message) || message?.PrivateMessage is not { } pm) return null;
        foreach (var state in _states.Select(s => s.Group).Where(s => s.GroupId.AsSpan().SequenceEqual(pm.GroupId)))
        {
            try
            {
                if (state.Process(message) is ApplicationMessage) return new AttackerRead(id, d.Sender, true);
            }
            catch (ProcessMessageException) { }
        }
        return new AttackerRead(id, d.Sender, false);
    }

    private void Follow(byte[] body)
    {
        if (!Tls.TryDeserialize<MlsMessage>(body, out var message) || message?.PublicMessage is not { } pub || pub.Content.ContentType != ContentType.Commit) return;
        if (!_commitsSeen.Add(GroupMember.MessageRef(body))) return;
        byte[] tip = _suite.Hash(body); // the member's chain names the new epoch by this hash (GroupMember.OnCommit)
        var next = new List<Held>();
        var removes = pub.Content.Commit?.Proposals.Select(p => p.Proposal).OfType<RemoveProposal>().Select(r => r.Removed).ToHashSet() ?? [];
        foreach (var state in _states.Select(s => s.Group).Where(s => s.Epoch == pub.Content.Epoch && s.GroupId.AsSpan().SequenceEqual(pub.Content.GroupId)).ToList())
        {
            // The victim's resync (an external commit removing its old leaf, RFC 9420 §12.4.3.2) takes the copy's own leaf away.
            if (pub.Content.Sender.SenderType == SenderType.NewMemberCommit && removes.Contains(state.OwnLeafIndex)) continue;
            try
            {
                if (state.Process(message) is not StagedCommit staged || staged.Removed) continue;
                var moved = MlsGroup.FromState(state.State, _random);
                moved.Merge(staged);
                if (!_states.Concat(next).Any(s => s.Group.GroupId.AsSpan().SequenceEqual(moved.GroupId) && s.Group.EpochAuthenticator.AsSpan().SequenceEqual(moved.EpochAuthenticator)))
                    next.Add(new Held(moved, tip));
            }
            catch (ProcessMessageException) { }
        }
        if (next.Count == 0) return;
        CommitsFollowed++;
        _states.AddRange(next);
        foreach (var s in next) Export(s.Group);
        Prune(pub.Content.GroupId);
    }

    /// <summary>Keeps, per group, the newest states (a few epochs back, for late commits of other branches).</summary>
    private void Prune(byte[] groupId)
    {
        var same = _states.Where(s => s.Group.GroupId.AsSpan().SequenceEqual(groupId)).ToList();
        ulong newest = same.Max(s => s.Group.Epoch);
        var drop = same.Where(s => s.Group.Epoch + EpochsBehindKept < newest).Concat(same.OrderByDescending(s => s.Group.Epoch).Skip(StatesPerGroup)).ToHashSet();
        _states.RemoveAll(drop.Contains);
    }

    /// <summary>Send groups: the PSK every member exports from each epoch it enters (the attacker, a member with the copy, can too).</summary>
    private void Export(MlsGroup state)
    {
        string id = System.Text.Encoding.UTF8.GetString(state.GroupId);
        if (id.StartsWith("send/", StringComparison.Ordinal)) _psks.TryAdd((id[5..], state.Epoch), state.Export(GroupMember.SendPskLabel, [], _suite.HashLength));
    }

    /// <summary>An external PSK (RFC 9420 §8.4) the copy can compute: a send group's export, or a retention merge's, from the held state of that epoch and tip.</summary>
    private byte[]? Resolve(PreSharedKeyId id)
    {
        if (id.PskType != PskType.External) return null;
        if (GroupMember.TryParseSendPskId(id.PskId, out string owner, out ulong epoch)) return _psks.TryGetValue((owner, epoch), out var v) ? v.ToArray() : null;
        if (!GroupMember.TryParseMergePskId(id.PskId, out ulong headEpoch, out var tip)) return null;
        var head = _states.FirstOrDefault(s => s.Group.Epoch == headEpoch && s.Tip.AsSpan().SequenceEqual(tip));
        return head?.Group.Export(GroupMember.RetentionPskLabel, [], _suite.HashLength);
    }
}
