using Sim.Engine.Identity;

namespace Sim.Engine.Pair;

/// <summary>Whose identity changed.</summary>
public enum PairMember
{
    Self,
    Peer,
}

/// <summary>An identity change (new card or new agent) that became committed in <paramref name="Epoch"/>.</summary>
public sealed record IdentityChange(PairMember Member, UpdateKind Kind, IdentityView View, ulong Epoch)
{
    public override string ToString() => $"IdentityChange({Member} {Kind} in epoch {Epoch}: {View})";
}
