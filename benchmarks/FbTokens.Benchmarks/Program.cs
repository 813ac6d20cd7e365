using BenchmarkDotNet.Running;

// dotnet run -c Release --project benchmarks/FbTokens.Benchmarks -- --filter '*'
// Add "--job short" for a quick look.
BenchmarkSwitcher.FromAssembly(typeof(Program).Assembly).Run(args);
