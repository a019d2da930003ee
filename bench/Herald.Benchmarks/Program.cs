using BenchmarkDotNet.Running;

// dotnet run -c Release --project bench/Herald.Benchmarks -- --filter '*'
BenchmarkSwitcher.FromAssembly(typeof(Program).Assembly).Run(args);
