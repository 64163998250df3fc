using System.Globalization;
using Amp.Benchmarks;
using BenchmarkDotNet.Running;

// "roundtrip [seconds] [--inmemory]": quick side-by-side round-trip figures without BenchmarkDotNet;
// --inmemory adds Amp.NET over in-memory pipes (no sockets), to separate transport from connection costs.
// Anything else goes to BenchmarkDotNet, e.g. --filter '*Box*' --job short.
if (args.Length > 0 && args[0] == "roundtrip")
{
    bool inMemory = args.Contains("--inmemory");
    string[] numbers = args.Skip(1).Where(a => a != "--inmemory").ToArray();
    double seconds = numbers.Length > 0 ? double.Parse(numbers[0], CultureInfo.InvariantCulture) : 5;
    await RoundTripRunner.RunAsync(seconds, inMemory).ConfigureAwait(false);
    return;
}

// "tls [seconds]": StartTLS latency and bulk throughput with 0, 1 and 2 TLS layers.
if (args.Length > 0 && args[0] == "tls")
{
    await TlsRunner.RunAsync(args.Length > 1 ? double.Parse(args[1], CultureInfo.InvariantCulture) : 5).ConfigureAwait(false);
    return;
}

BenchmarkSwitcher.FromAssembly(typeof(RoundTripBenchmarks).Assembly).Run(args);
