namespace Sim.Engine.Identity;

/// <summary>The outcome of an accepted leaf change: its kind (for ranking) and the member's new verified identity.</summary>
internal sealed record IdentityUpdate(UpdateKind Kind, IdentityView View);
