namespace Sim.Simulator.Protocols;

/// <summary>
/// The invariants of PAIRMLS.md ("Invariants the simulator checks") a protocol claims. A checker
/// judges a world only when the world's protocol claims the checker's invariant (a baseline that
/// never promised epoch parity is not failed for lacking it; what it lacks is measured instead).
/// </summary>
[Flags]
public enum ProtocolClaims
{
    None = 0,
    Convergence = 1 << 0,
    Decryptability = 1 << 1,
    Parity = 1 << 2,
    ForkFreedom = 1 << 3,
    Integrity = 1 << 4,
    ExactlyOnce = 1 << 5,
    IdentityLiveness = 1 << 6,
    ForwardSecrecy = 1 << 7,
    PostCompromiseSecurity = 1 << 8,
    /// <summary>docs/RECOVERY.md: every rollback that splits the conversation is detected and recovered from within the Liveness bound.</summary>
    Recovery = 1 << 9,
    All = Convergence | Decryptability | Parity | ForkFreedom | Integrity | ExactlyOnce | IdentityLiveness | ForwardSecrecy | PostCompromiseSecurity | Recovery,
}
