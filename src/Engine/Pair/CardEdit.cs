using Sim.Engine.Identity;

namespace Sim.Engine.Pair;

/// <summary>A change to our card: the next version with a new display name and/or fields (unchanged parts kept).</summary>
public sealed record CardEdit(string? DisplayName = null, IReadOnlyList<CardField>? Fields = null)
{
    public Card ApplyTo(Card card) => (card ?? throw new ArgumentNullException(nameof(card))).Next(DisplayName, Fields);
}
