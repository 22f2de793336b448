using BenchmarkDotNet.Running;
using Sim.Benchmarks.Engine;

// Run all: dotnet run -c Release --project benchmarks -- --filter '*'
// One class: dotnet run -c Release --project benchmarks -- --filter '*PrimitiveBenchmarks*'
// PairMLS time per datagram against its crypto floor: dotnet run -c Release --project benchmarks -- pair-floor [suite]
if (args.Length > 0 && args[0] == "pair-floor") PairFloor.Run(args[1..]);
else BenchmarkSwitcher.FromAssembly(typeof(Program).Assembly).Run(args);
