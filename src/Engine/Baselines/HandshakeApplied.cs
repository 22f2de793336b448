using Sim.Engine.Identity;
using Sim.Engine.Pair;

namespace Sim.Engine.Baselines;

/// <summary>
/// A baseline datagram that carried only a handshake message (a commit, fanned out by the server or
/// sent by the peer): applied, no payload. <see cref="Committed"/>: the identity changes it committed.
/// </summary>
public sealed record HandshakeApplied(ulong Epoch) : ReceiveOutcome
{
    public IReadOnlyList<IdentityChange> Committed { get; init; } = [];
}
