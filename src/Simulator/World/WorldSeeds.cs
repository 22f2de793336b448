using Sim.Engine.Crypto;

namespace Sim.Simulator;

/// <summary>
/// One root seed, every other source derived from it by name (the VOPR way): the network's delays,
/// its fault decisions, each party's keys, and the script's payload filler. Same seed, same world.
/// </summary>
public sealed class WorldSeeds
{
    public WorldSeeds(ulong seed)
    {
        Seed = seed;
        var root = new DeterministicRandomSource(seed);
        Network = root.Derive("network");
        Faults = root.Derive("faults");
        Alice = root.Derive("party/alice");
        Bob = root.Derive("party/bob");
        Script = root.Derive("script");
    }

    public ulong Seed { get; }
    public DeterministicRandomSource Network { get; }
    public DeterministicRandomSource Faults { get; }
    public DeterministicRandomSource Alice { get; }
    public DeterministicRandomSource Bob { get; }
    public DeterministicRandomSource Script { get; }
}
