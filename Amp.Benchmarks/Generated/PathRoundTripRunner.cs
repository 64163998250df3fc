using System.Diagnostics;
using System.Globalization;
using Amp.Descriptors;
using Amp.Transports;

namespace Amp.Benchmarks.Generated;

/// <summary>
/// <c>paths [seconds] [--rounds N]</c>: Sum round trips over an in-memory pair, one call in flight, with the
/// command described by generated code and by reflection, in interleaved rounds (the order alternates).
/// Prints calls/s and bytes allocated per call (the whole process: both ends) for each path and round.
/// </summary>
internal static class PathRoundTripRunner
{
    public static async Task RunAsync(double seconds, int rounds)
    {
        CommandDescriptor.SetForBenchmarks(typeof(ReflectedSumCommand), CommandDescriptor<ReflectedSumCommand, SumResult>.CreateByReflection());
        bool generated = CommandDescriptor.For(typeof(SumCommand)).IsGenerated;
        bool reflected = !CommandDescriptor.For(typeof(ReflectedSumCommand)).IsGenerated;
        if (!generated || !reflected)
        {
            throw new InvalidOperationException("The two commands are not described by the two paths.");
        }

        var (generatedClient, generatedServer) = Start(new AmpResponders().Add((SumCommand c) => new SumResult { Total = c.A + c.B }));
        var (reflectedClient, reflectedServer) = Start(new AmpResponders().Add((ReflectedSumCommand c) => new SumResult { Total = c.A + c.B }));
        Func<Task> callGenerated = () => generatedClient.CallRemoteAsync(new SumCommand { A = 1, B = 2 });
        Func<Task> callReflected = () => reflectedClient.CallRemoteAsync(new ReflectedSumCommand { A = 1, B = 2 });
        await MeasureAsync(callGenerated, 0.5).ConfigureAwait(false); // warm up both
        await MeasureAsync(callReflected, 0.5).ConfigureAwait(false);

        var results = new Dictionary<string, List<(double PerSecond, double Bytes)>> { ["generated"] = [], ["reflection"] = [] };
        for (int round = 0; round < rounds; round++)
        {
            foreach (string path in round % 2 == 0 ? new[] { "generated", "reflection" } : ["reflection", "generated"])
            {
                var result = await MeasureAsync(path == "generated" ? callGenerated : callReflected, seconds).ConfigureAwait(false);
                results[path].Add(result);
                Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"round {round + 1} {path,-10} {result.PerSecond,10:F0} calls/s {result.Bytes,8:F0} B/call"));
            }
        }

        foreach (var (path, list) in results)
        {
            double[] rates = [.. list.Select(r => r.PerSecond).Order()];
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"{path,-10} median {rates[rates.Length / 2],8:F0} calls/s (min {rates[0]:F0}, max {rates[^1]:F0}), {list.Average(r => r.Bytes):F0} B/call"));
        }

        await generatedClient.CloseAsync().ConfigureAwait(false);
        await generatedServer.CloseAsync().ConfigureAwait(false);
        await reflectedClient.CloseAsync().ConfigureAwait(false);
        await reflectedServer.CloseAsync().ConfigureAwait(false);
    }

    private static (AmpConnection Client, AmpConnection Server) Start(AmpResponders responders)
    {
        var (initiator, acceptor) = InMemoryTransport.CreatePair();
        AmpConnection server = AmpConnection.Start(acceptor, new AmpConnectionOptions { Responders = responders });
        return (AmpConnection.Start(initiator), server);
    }

    private static async Task<(double PerSecond, double Bytes)> MeasureAsync(Func<Task> call, double seconds)
    {
        long calls = 0;
        long allocated = GC.GetTotalAllocatedBytes(precise: true);
        long started = Stopwatch.GetTimestamp();
        long until = started + (long)(seconds * Stopwatch.Frequency);
        while (Stopwatch.GetTimestamp() < until)
        {
            for (int i = 0; i < 256; i++)
            {
                await call().ConfigureAwait(false);
            }

            calls += 256;
        }

        double elapsed = Stopwatch.GetElapsedTime(started).TotalSeconds;
        return (calls / elapsed, (double)(GC.GetTotalAllocatedBytes(precise: true) - allocated) / calls);
    }
}
