using Sim.Engine.Crypto;
using Sim.Engine.Identity;
using Sim.Engine.Pair;
using Sim.Simulator.Protocols;

namespace Sim.Simulator.Agents;

/// <summary>
/// What a <see cref="PartyActor"/> is made of: who it is, its first card, the PairMLS options, its own
/// random source (derived from the world seed, so the seed fixes every key) and how many saved
/// states its disk keeps for <see cref="ScriptOp.Restore"/>.
/// <para>
/// <paramref name="DiskReach"/>: how many of the newest saves a restore can ever reach (1 + the sum of the
/// restore depths this party will be asked for; null: all <paramref name="DiskHistory"/>). The disk still
/// counts (and reports) up to DiskHistory saves, but holds only the bytes of the newest DiskReach: an older
/// save could only be reached by restores popping more saves than they add up to, so nothing changes.
/// </para>
/// <para>
/// <see cref="Protocol"/>: the conversation protocol the party runs (PairMLS with <paramref name="Options"/> unless set).
/// </para>
/// </summary>
public sealed record PartyConfig(Party Party, Card Card, PairOptions Options, IRandomSource Random, int DiskHistory = 32, int? DiskReach = null)
{
    private readonly IConversationProtocol? _protocol;

    public IConversationProtocol Protocol
    {
        get => _protocol ?? new PairMlsProtocol(Options);
        init => _protocol = value;
    }

    /// <summary>
    /// The display name on the card of the peer this party's user converses with (null: whoever accepts). PAIRMLS.md
    /// "Creating a conversation": an invitation may be shared with many people, so the inviter may be joined by
    /// several acceptors; each is a conversation of its own, and the world follows the one with this peer.
    /// </summary>
    public string? PeerName { get; init; }

    /// <summary>What survives the party actor's restarts (disk, invitation, offline): one per party per world.</summary>
    public PartyMemory Memory { get; init; } = new();
}
