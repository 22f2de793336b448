using Sim.Scenarios.Cli;

return PairsimCli.Build().Parse(args).Invoke();
