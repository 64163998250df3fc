using System.Diagnostics;
using System.Globalization;

namespace Amp.Benchmarks;

/// <summary>
/// The quick <c>roundtrip</c> mode. All libraries are connected at once and measured in interleaved
/// rounds (the order rotating each round), so a shared machine's good and bad moments fall on each of
/// them alike and every ratio compares libraries measured seconds apart. In each round each library
/// runs with 1 call in flight (every call timed with <see cref="Stopwatch.GetTimestamp"/>), then with 64
/// callers looping. Prints calls/s, latency percentiles, bytes allocated and CPU time per call (whole
/// process, both ends), and the per-round throughput ratios against StreamJsonRpc.
/// </summary>
internal static class RoundTripRunner
{
    private const int InFlight = 64;
    private const int MaxSamples = 1 << 22;

    public static async Task RunAsync(double seconds, int rounds, bool inMemory, bool poolSend, bool noRate, bool extensions = false)
    {
        TimeSpan slice = TimeSpan.FromSeconds(seconds / rounds);
        TimeSpan warmUp = TimeSpan.FromSeconds(Math.Min(1, seconds / 4));
        var fixtures = new List<IRoundTripFixture> { await AmpRoundTripFixture.StartAsync().ConfigureAwait(false) };
        if (poolSend)
        {
            fixtures.Add(await AmpRoundTripFixture.StartAsync(sendInline: false).ConfigureAwait(false));
        }

        if (noRate)
        {
            fixtures.Add(await AmpRoundTripFixture.StartAsync(watchReceiveRate: false).ConfigureAwait(false));
        }

        if (extensions)
        {
            fixtures.Add(await AmpRoundTripFixture.StartAsync(extensions: AmpExtensions.None).ConfigureAwait(false));
            fixtures.Add(await AmpRoundTripFixture.StartAsync(cancellable: true).ConfigureAwait(false));
        }

        fixtures.Add(await JsonRpcRoundTripFixture.StartAsync().ConfigureAwait(false));
        if (inMemory)
        {
            fixtures.Add(InMemoryRoundTripFixture.Start());
        }

        try
        {
            Print($"Round trips over loopback TCP: {seconds:0.#} s per case in {rounds} interleaved rounds of {slice.TotalSeconds:0.##} s, after {warmUp.TotalSeconds:0.#} s warm-up; {Environment.ProcessorCount} cores, .NET {Environment.Version}, server GC {System.Runtime.GCSettings.IsServerGC}");
            var sequential = fixtures.ConvertAll(f => new CaseTotals(f.Name, MaxSamples));
            var concurrent = fixtures.ConvertAll(f => new CaseTotals(f.Name, 0));
            foreach (IRoundTripFixture fixture in fixtures)
            {
                await SequentialAsync(fixture, warmUp, new CaseTotals(fixture.Name, MaxSamples)).ConfigureAwait(false);
                await ConcurrentAsync(fixture, warmUp, new CaseTotals(fixture.Name, 0)).ConfigureAwait(false);
            }

            for (int round = 0; round < rounds; round++)
            {
                for (int k = 0; k < fixtures.Count; k++)
                {
                    int i = (k + round) % fixtures.Count;
                    await SequentialAsync(fixtures[i], slice, sequential[i]).ConfigureAwait(false);
                    await ConcurrentAsync(fixtures[i], slice, concurrent[i]).ConfigureAwait(false);
                }
            }

            Print($"{"library",-18} {"case",-12} {"calls/s",10} {"median us",10} {"p99 us",9} {"p99.9 us",9} {"B/call",8} {"CPU us/call",11}");
            for (int i = 0; i < fixtures.Count; i++)
            {
                CaseTotals one = sequential[i];
                Print($"{one.Name,-18} {"1 in flight",-12} {one.CallsPerSecond,10:N0} {one.Micros(0.5),10:F1} {one.Micros(0.99),9:F1} {one.Micros(0.999),9:F1} {one.BytesPerCall,8:F0} {one.CpuPerCall,11:F1}");
                CaseTotals many = concurrent[i];
                Print($"{many.Name,-18} {"64 in flight",-12} {many.CallsPerSecond,10:N0} {"",10} {"",9} {"",9} {many.BytesPerCall,8:F0} {many.CpuPerCall,11:F1}");
            }

            CaseTotals yardstick = concurrent.Find(c => c.Name == JsonRpcRoundTripFixture.LibraryName)!;
            foreach (CaseTotals many in concurrent)
            {
                if (many != yardstick)
                {
                    PrintRatios("64 in flight", many, yardstick);
                }
            }

            if (noRate)
            {
                // The receive watch's cost: the same code with and without it, round by round.
                int off = fixtures.FindIndex(f => f.Name == "Amp.NET no-rate");
                PrintRatios("64 in flight", concurrent[off], concurrent[0]);
                PrintRatios("1 in flight", sequential[off], sequential[0]);
            }
        }
        finally
        {
            foreach (IRoundTripFixture fixture in fixtures)
            {
                await fixture.DisposeAsync().ConfigureAwait(false);
            }
        }
    }

    /// <summary>Amp.NET alone with 64 calls in flight for <paramref name="seconds"/>: something steady for a profiler to sample.</summary>
    public static async Task LoopAsync(bool inMemory, double seconds)
    {
        IRoundTripFixture fixture = inMemory ? InMemoryRoundTripFixture.Start() : await AmpRoundTripFixture.StartAsync().ConfigureAwait(false);
        await using (fixture.ConfigureAwait(false))
        {
            var totals = new CaseTotals(fixture.Name, 0);
            await ConcurrentAsync(fixture, TimeSpan.FromSeconds(seconds), totals).ConfigureAwait(false);
            Print($"{fixture.Name}: 64 in flight, {totals.CallsPerSecond:N0} calls/s, {totals.CpuPerCall:F2} CPU us/call, {totals.BytesPerCall:F0} B/call");
        }
    }

    /// <summary>One call at a time for <paramref name="duration"/>, every call timed.</summary>
    private static async Task SequentialAsync(IRoundTripFixture fixture, TimeSpan duration, CaseTotals totals)
    {
        using Measurement measurement = Measurement.Start(totals);
        long end = Stopwatch.GetTimestamp() + (long)(duration.TotalSeconds * Stopwatch.Frequency);
        long calls = 0;
        while (true)
        {
            long before = Stopwatch.GetTimestamp();
            await fixture.CallAsync().ConfigureAwait(false);
            long after = Stopwatch.GetTimestamp();
            totals.AddSample(after - before);
            calls++;
            if (after >= end)
            {
                break;
            }
        }

        measurement.Calls = calls;
    }

    /// <summary>64 callers, each calling in a loop for <paramref name="duration"/>.</summary>
    private static async Task ConcurrentAsync(IRoundTripFixture fixture, TimeSpan duration, CaseTotals totals)
    {
        using Measurement measurement = Measurement.Start(totals);
        long end = Stopwatch.GetTimestamp() + (long)(duration.TotalSeconds * Stopwatch.Frequency);
        var callers = new Task<long>[InFlight];
        for (int i = 0; i < callers.Length; i++)
        {
            callers[i] = Task.Run(async () =>
            {
                long calls = 0;
                while (Stopwatch.GetTimestamp() < end)
                {
                    await fixture.CallAsync().ConfigureAwait(false);
                    calls++;
                }

                return calls;
            });
        }

        long[] counts = await Task.WhenAll(callers).ConfigureAwait(false);
        measurement.Calls = counts.Sum();
    }

    private static void PrintRatios(string label, CaseTotals ours, CaseTotals theirs)
    {
        double[] ratios = ours.RoundRates.Zip(theirs.RoundRates, (a, b) => a / b).Order().ToArray();
        Print($"{label}, {ours.Name} / {theirs.Name} per round: min {ratios[0]:F2}x, median {ratios[ratios.Length / 2]:F2}x, max {ratios[^1]:F2}x; overall {ours.CallsPerSecond / theirs.CallsPerSecond:F2}x");
    }

    private static void Print(FormattableString line) => Console.WriteLine(line.ToString(CultureInfo.InvariantCulture));

    /// <summary>What one library did in one case, summed over the rounds.</summary>
    private sealed class CaseTotals(string name, int maxSamples)
    {
        private readonly long[] _samples = new long[maxSamples];
        private int _sampleCount;
        private bool _sorted;

        public string Name { get; } = name;

        public long Calls { get; set; }

        public double Seconds { get; set; }

        public long Bytes { get; set; }

        public double CpuMicroseconds { get; set; }

        /// <summary>Calls per second in each round, in round order.</summary>
        public List<double> RoundRates { get; } = [];

        public double CallsPerSecond => Calls / Seconds;

        public double BytesPerCall => Bytes / (double)Calls;

        public double CpuPerCall => CpuMicroseconds / Calls;

        public void AddSample(long ticks)
        {
            if (_sampleCount < _samples.Length)
            {
                _samples[_sampleCount++] = ticks;
            }
        }

        public double Micros(double quantile)
        {
            if (!_sorted)
            {
                Array.Sort(_samples, 0, _sampleCount);
                _sorted = true;
            }

            int index = Math.Min(_sampleCount - 1, (int)(quantile * _sampleCount));
            return _samples[index] * 1_000_000.0 / Stopwatch.Frequency;
        }
    }

    /// <summary>Wall time, allocation and CPU time of one round of one case, added to its totals when disposed.</summary>
    private sealed class Measurement : IDisposable
    {
        private readonly CaseTotals _totals;
        private readonly long _start;
        private readonly long _allocated;
        private readonly TimeSpan _cpu;

        private Measurement(CaseTotals totals)
        {
            _totals = totals;
            GC.Collect();
            _allocated = GC.GetTotalAllocatedBytes(precise: true);
            _cpu = CpuTime();
            _start = Stopwatch.GetTimestamp();
        }

        public long Calls { get; set; }

        public static Measurement Start(CaseTotals totals) => new(totals);

        public void Dispose()
        {
            double elapsed = Stopwatch.GetElapsedTime(_start).TotalSeconds;
            _totals.Calls += Calls;
            _totals.Seconds += elapsed;
            _totals.Bytes += GC.GetTotalAllocatedBytes(precise: true) - _allocated;
            _totals.CpuMicroseconds += (CpuTime() - _cpu).TotalMicroseconds;
            _totals.RoundRates.Add(Calls / elapsed);
        }

        /// <summary>User plus kernel CPU time of this process (both ends of the connection, all threads).</summary>
        private static TimeSpan CpuTime()
        {
            using var process = Process.GetCurrentProcess();
            return process.TotalProcessorTime;
        }
    }
}
