using BenchmarkDotNet.Running;

// Run all: dotnet run -c Release --project benchmarks -- --filter '*'
// One class: dotnet run -c Release --project benchmarks -- --filter '*PrimitiveBenchmarks*'
BenchmarkSwitcher.FromAssembly(typeof(Program).Assembly).Run(args);
