using System.Globalization;
using Amp.Benchmarks;
using BenchmarkDotNet.Running;

// "roundtrip [seconds]": quick side-by-side round-trip figures without BenchmarkDotNet.
// Anything else goes to BenchmarkDotNet, e.g. --filter '*Box*' --job short.
if (args.Length > 0 && args[0] == "roundtrip")
{
    double seconds = args.Length > 1 ? double.Parse(args[1], CultureInfo.InvariantCulture) : 5;
    await RoundTripRunner.RunAsync(seconds).ConfigureAwait(false);
    return;
}

BenchmarkSwitcher.FromAssembly(typeof(RoundTripBenchmarks).Assembly).Run(args);
