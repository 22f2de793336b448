using BenchmarkDotNet.Running;
using Sim.Benchmarks.Engine;
using Sim.Benchmarks.Simulator;

// Run all: dotnet run -c Release --project benchmarks -- --filter '*'
// One class: dotnet run -c Release --project benchmarks -- --filter '*PrimitiveBenchmarks*'
// PairMLS time per datagram against its crypto floor: dotnet run -c Release --project benchmarks -- pair-floor [suite] [--provider bouncycastle|libsodium|both] [--instrument FILE]
// PairMLS bytes allocated and primitive operations per datagram (load-independent, no timing): dotnet run -c Release --project benchmarks -- pair-alloc [suite] [--provider bouncycastle|libsodium|both] [--turns N]
// PairMLS saved-state size after 10 and 5,000 sends in one epoch: dotnet run -c Release --project benchmarks -- pair-state-size [suite]
// Simulator scale figures: dotnet run -c Release --project benchmarks -- sim-scale [run|overhead|cores|memory|all]
if (args.Length > 0 && args[0] == "pair-floor") return PairFloor.Run(args[1..]);
if (args.Length > 0 && args[0] == "pair-alloc") return PairAllocation.Run(args[1..]);
if (args.Length > 0 && args[0] == "sim-scale") return SimScale.Run(args[1..]);
if (args.Length > 0 && args[0] == "pair-state-size") return PairStateSize.Run(args[1..]);
BenchmarkSwitcher.FromAssembly(typeof(Program).Assembly).Run(args);
return 0;
