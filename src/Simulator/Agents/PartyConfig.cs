using Sim.Engine.Crypto;
using Sim.Engine.Identity;
using Sim.Engine.Pair;

namespace Sim.Simulator.Agents;

/// <summary>
/// What a <see cref="PartyActor"/> is made of: who it is, its first card, the PairMLS options, its own
/// random source (derived from the world seed, so the seed fixes every key) and how many saved
/// states its disk keeps for <see cref="ScriptOp.Restore"/>.
/// </summary>
public sealed record PartyConfig(Party Party, Card Card, PairOptions Options, IRandomSource Random, int DiskHistory = 32);
