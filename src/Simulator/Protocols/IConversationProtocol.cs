using Sim.Engine.Crypto;
using Sim.Engine.Identity;

namespace Sim.Simulator.Protocols;

/// <summary>
/// A two-party conversation protocol as the party actor runs it (DESIGN.md "Protocols behind one
/// seam"): PairMLS (<see cref="PairMlsProtocol"/>) and the baselines of PAIRMLS.md "Baselines". The
/// same users and faults run over each one; a protocol declares which invariants it claims
/// (<see cref="Claims"/>), so the checkers judge only those. Every implementation runs real
/// cryptography on the real engine: no stand-in ever runs in a world.
/// </summary>
public interface IConversationProtocol
{
    /// <summary>The name used on the command line and in the Options line (lower case, no spaces).</summary>
    string Name { get; }

    /// <summary>The invariants this protocol claims to keep.</summary>
    ProtocolClaims Claims { get; }

    /// <summary>True when the parties' datagrams go to a delivery service that forwards them, not to the peer.</summary>
    bool UsesDeliveryService { get; }

    /// <summary>The inviter (Alice) makes what she shares out of band (PAIRMLS.md "Creating a conversation", step 1).</summary>
    IProtocolInvitation CreateInvitation(Card card, IRandomSource random);

    /// <summary>The acceptor (Bob) starts the conversation from the inviter's public part.</summary>
    IProtocolSession Accept(object invitation, Card card, IRandomSource random);

    /// <summary>A session from <see cref="IProtocolSession.Save"/>'s bytes (restart, rollback, or an attacker's stolen copy).</summary>
    IProtocolSession Load(ReadOnlySpan<byte> state, IRandomSource random);

    /// <summary>
    /// An attacker holding a copy of a party's saved state (PAIRMLS.md "FS / PCS"): it tries every
    /// captured datagram with the keys in those bytes, by real decryption, as an attacker would run
    /// the protocol (following its commits), without the party's own replay bookkeeping.
    /// </summary>
    IStateThief Steal(ReadOnlySpan<byte> state, IRandomSource random);
}

/// <summary>An attacker with a stolen state: it opens what the stolen keys open.</summary>
public interface IStateThief
{
    /// <summary>The user payload, if the stolen keys (and what it learnt since) open <paramref name="datagram"/>; null otherwise.</summary>
    byte[]? Open(ReadOnlySpan<byte> datagram);
}

/// <summary>A thief that runs the protocol's own receive path on the stolen state: it follows commits the stolen keys open, and consumed keys are really gone.</summary>
public sealed class FollowingThief(IProtocolSession session) : IStateThief
{
    public byte[]? Open(ReadOnlySpan<byte> datagram) => session.Receive(datagram).Outcome is Sim.Engine.Pair.Delivered d ? d.Payload : null;
}

/// <summary>The inviter before she joins: her invitation's private part.</summary>
public interface IProtocolInvitation : IDisposable
{
    /// <summary>What travels out of band to the acceptor (public values only).</summary>
    object Public { get; }

    /// <summary>Joins from the acceptor's first datagram that reaches her; null (with the outcome) if it does not start the conversation.</summary>
    IProtocolSession? TryJoin(ReadOnlySpan<byte> datagram, out ProtocolReceive received);
}
