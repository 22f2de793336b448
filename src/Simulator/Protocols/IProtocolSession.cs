using Sim.Engine.Identity;
using Sim.Engine.Pair;
using Sim.Simulator.Agents;

namespace Sim.Simulator.Protocols;

/// <summary>
/// One party's side of a running conversation, as the party actor drives it. Send and Receive build
/// the next state and hand back what to persist and transmit; Receive never throws on bad bytes and
/// changes nothing when it rejects (<see cref="ProtocolReceive.Changed"/> false).
/// </summary>
public interface IProtocolSession
{
    /// <summary>The epoch the party is in (0 for a protocol without epochs).</summary>
    ulong Epoch { get; }

    /// <summary>The party's own committed identity (card version, agent).</summary>
    IdentityView MyView { get; }

    /// <summary>
    /// The display name on the peer's committed card, as the user sees the conversation listed; null when the
    /// protocol has no cards. An inviter whose invitation several people accepted tells the conversations apart by it.
    /// </summary>
    string? PeerName => null;

    /// <summary>The user sends <paramref name="payload"/>, optionally with a card edit and/or an agent rollover.</summary>
    ProtocolSend Send(ReadOnlySpan<byte> payload, bool cardEdit, bool rollOver);

    /// <summary>A datagram arrived (from the peer, or from the delivery service).</summary>
    ProtocolReceive Receive(ReadOnlySpan<byte> datagram);

    /// <summary>The state to persist (holds private keys: never log it).</summary>
    byte[] Save();

    /// <summary>How <paramref name="epoch"/> started, while the party still knows; null if it does not (or the protocol has no epochs).</summary>
    EpochStart? StartOf(ulong epoch);

    /// <summary>The party's state in hashes and ids only, filled into <paramref name="summary"/>.</summary>
    PartySummary Describe(PartySummary summary);

    /// <summary>The protocol's own counters (commits made, refused, edits that waited, ...): names in snake_case.</summary>
    IReadOnlyDictionary<string, long> Metrics { get; }
}

/// <summary>The commit (or Welcome) that started an epoch: a hash of it and whether this party made it.</summary>
public sealed record EpochStart(byte[] CommitHash, bool ByMe);

/// <summary>
/// A datagram to hand to the network now: its <paramref name="Epoch"/>, the user payload it carries
/// (null for a pure handshake datagram, such as a commit sent to a delivery service) and, for a card
/// edit, the card version it asks the peer to commit.
/// </summary>
public sealed record Outgoing(byte[] Datagram, ulong Epoch, byte[]? Payload, ulong? CardVersion = null)
{
    /// <summary>A recovery envelope, as a transport with the sender's header keys reads the bytes: "offer", "request", or null (an ordinary body).</summary>
    public string? Envelope { get; init; }

    public override string ToString() => $"Outgoing(epoch {Epoch}, {Datagram.Length} bytes)";
}

/// <summary>
/// What a send produced: the datagrams to transmit, in order (none: the message waits for the peer),
/// the state persisted before they leave, and the peer's identity changes our commit made committed.
/// </summary>
public sealed record ProtocolSend(IReadOnlyList<Outgoing> Datagrams, byte[] State)
{
    public IReadOnlyList<IdentityChange> Committed { get; init; } = [];

    /// <summary>
    /// For the commit this send made: whether its MLS sender (RFC 9420 §6.1 FramedContent.sender, as the
    /// engine reports it) is this party's own leaf; null when it made none or the protocol cannot say.
    /// </summary>
    public bool? CommitByMe { get; init; }

    public override string ToString() => $"ProtocolSend({Datagrams.Count} datagrams)";
}

/// <summary>
/// What a receive produced: the outcome, whether the state changed (then it is persisted before
/// <paramref name="Datagrams"/> leave: a waiting message released, a commit retried).
/// </summary>
public sealed record ProtocolReceive(ReceiveOutcome Outcome, bool Changed)
{
    /// <summary>For the commit this receive processed: whether its MLS sender is this party's own leaf (null: none, or unknown).</summary>
    public bool? CommitByMe { get; init; }

    /// <summary>
    /// When the receive moved more than one epoch (the peer's commit, then a commit of ours on top, as a
    /// self-committing baseline makes for a card edit that waited): whether each epoch before the last was
    /// started by this party's own leaf, as <see cref="CommitByMe"/> says for the last. Empty: none.
    /// </summary>
    public IReadOnlyDictionary<ulong, bool> EarlierCommitsByMe { get; init; } = System.Collections.Immutable.ImmutableDictionary<ulong, bool>.Empty;

    public IReadOnlyList<Outgoing> Datagrams { get; init; } = [];

    /// <summary>
    /// The forks the protocol's own counter added for this receive (PairMLS: <c>PairSession.ForksDetected</c>, the figure a
    /// user of the engine reads); null when the protocol keeps no such counter (the party then counts its Fork outcomes).
    /// </summary>
    public int? ForksCounted { get; init; }
}
