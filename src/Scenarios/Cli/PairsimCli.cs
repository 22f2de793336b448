using System.CommandLine;

namespace Sim.Scenarios.Cli;

/// <summary>The `pairsim` command line: one subcommand per job.</summary>
public static class PairsimCli
{
    public static RootCommand Build()
    {
        var root = new RootCommand("pairsim: a simulation and fault-injection harness for decentralised MLS (PairMLS on RFC 9420).");
        root.Subcommands.Add(SuitesCommand.Build());
        root.Subcommands.Add(RunCommand.Build());
        root.Subcommands.Add(CheckCommand.Build());
        root.Subcommands.Add(ReplayCommand.Build());
        root.Subcommands.Add(SweepCommand.Build());
        root.Subcommands.Add(GroupsCommand.Build());
        return root;
    }
}
