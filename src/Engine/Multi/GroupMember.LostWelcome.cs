namespace Sim.Engine.Multi;

/// <summary>
/// A joiner whose Welcome was lost (RFC 9420 §12.4.3.1 sends it once, and nothing re-sends it): the group
/// holds its leaf, encrypts to it and gossips to it, but it holds no state. It notices from the group's own
/// traffic: after handing out a KeyPackage it holds no group, yet members send it what they send only to
/// the leaves of their tree (heads, application messages, commits). It then asks for what lets it in,
/// through the path each strategy already has for a member that fell off:
/// <list type="bullet">
/// <item>uncoordinated and retention: a GroupInfo from the member it heard, then an external commit
/// (§12.4.3.2) that removes its own unused leaf, the losers' rejoin path (<see cref="OnGroupInfo"/>, whose
/// resync rule <see cref="IsResync"/> every member already accepts);</item>
/// <item>send groups: a re-add by the owner it heard (the path a receiver that can no longer follow uses);</item>
/// <item>sequenced: a catch-up from the delivery service (RFC 9420 §14), whose log holds the commit with the
/// Welcome inline, from the epoch the KeyPackage was asked in.</item>
/// </list>
/// It asks only the party whose traffic showed the group holds it; the answer is verified as always (a
/// GroupInfo's signature and tree against the identity layer, a Welcome against our KeyPackages).
/// </summary>
public sealed partial class GroupMember
{
    /// <summary>The asker's epoch when we last handed out a KeyPackage while holding no group (a Welcome is due); null otherwise.</summary>
    private ulong? _invitedAt;
    private string _heardFrom = "";
    private long? _heardSinceMs;
    private long? _askedInMs;

    /// <summary>We hand out a KeyPackage while outside: a Welcome may follow (and may be lost).</summary>
    private void ExpectWelcome(ulong askerEpoch)
    {
        if (!IsMember) _invitedAt = Math.Min(_invitedAt ?? askerEpoch, askerEpoch);
    }

    /// <summary>A datagram members send only to the leaves of their tree (or the sequencer relays) reached us while we hold no group.</summary>
    private void HeardAsOutsider(MultiDatagram d)
    {
        if (!_options.RecoverLostWelcome || IsMember || _invitedAt is null || d.Kind is not (MultiKind.Head or MultiKind.Application or MultiKind.Commit)) return;
        if (!_roster.ContainsKey(d.Sender)) return;
        _heardFrom = d.Sender;
        _heardSinceMs ??= _now;
    }

    /// <summary>
    /// Every tick: once we heard the group for a retry period (a Welcome merely slower than the gossip arrives
    /// meanwhile), ask to be let in; again every four retry periods while still outside.
    /// </summary>
    private void AskInWhenDue()
    {
        if (IsMember) { _invitedAt = null; _heardSinceMs = null; _askedInMs = null; return; }
        if (_invitedAt is not { } epoch || _heardSinceMs is not { } since || _now - since < _options.RetryMs) return;
        if (_askedInMs is { } asked && _now - asked < 4 * _options.RetryMs) return;
        if (_joinAt is not null) return; // a GroupInfo came: the rejoin path asks for a fresh one when its wait is over
        _askedInMs = _now;
        switch (_options.Strategy)
        {
            case MultiStrategy.Sequenced: Send(Sequencer.Name, Datagram(MultiKind.CatchUp) with { Epoch = epoch }); break;
            case MultiStrategy.SendGroups: Send(_heardFrom, Datagram(MultiKind.CatchUp) with { Target = _heardFrom, Epoch = ReaddAsk }); break;
            default: Send(_heardFrom, Datagram(MultiKind.CatchUp) with { Epoch = ulong.MaxValue }); break;
        }
    }
}
