using System.Diagnostics;
using System.Globalization;

namespace Amp.Benchmarks;

/// <summary>
/// The quick <c>roundtrip</c> mode. All libraries are connected at once and measured in interleaved
/// rounds (the order rotating each round), so a shared machine's good and bad moments fall on each of
/// them alike and every ratio compares libraries measured seconds apart. In each round each library
/// runs with 1 call in flight (every call timed with <see cref="Stopwatch.GetTimestamp"/>), then with 64
/// callers looping. Prints calls/s, latency percentiles, bytes allocated and CPU time per call (whole
/// process, both ends), the per-round throughput ratios against StreamJsonRpc and gRPC, and the per-round
/// median latency against a bare socket ping-pong (which runs with 1 call in flight only), beside the
/// project's goals for them.
/// </summary>
internal static class RoundTripRunner
{
    private const int InFlight = 64;
    private const int MaxSamples = 1 << 22;

    // The project's goals: with 64 in flight at least this many times StreamJsonRpc's and gRPC's calls/s;
    // with 1 in flight a median at most this many times the bare socket ping-pong's.
    private const double GoalOverJsonRpc = 5;
    private const double GoalOverGrpc = 10;
    private const double GoalOverPingPong = 1.2;

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
        fixtures.Add(await GrpcRoundTripFixture.StartAsync().ConfigureAwait(false));
        fixtures.Add(await PingPongRoundTripFixture.StartAsync().ConfigureAwait(false));
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
                if (!fixture.OneInFlightOnly)
                {
                    await ConcurrentAsync(fixture, warmUp, new CaseTotals(fixture.Name, 0)).ConfigureAwait(false);
                }
            }

            for (int round = 0; round < rounds; round++)
            {
                for (int k = 0; k < fixtures.Count; k++)
                {
                    int i = (k + round) % fixtures.Count;
                    await SequentialAsync(fixtures[i], slice, sequential[i]).ConfigureAwait(false);
                    if (!fixtures[i].OneInFlightOnly)
                    {
                        await ConcurrentAsync(fixtures[i], slice, concurrent[i]).ConfigureAwait(false);
                    }
                }
            }

            Print($"{"library",-18} {"case",-12} {"calls/s",10} {"median us",10} {"p99 us",9} {"p99.9 us",9} {"B/call",8} {"CPU us/call",11}");
            for (int i = 0; i < fixtures.Count; i++)
            {
                CaseTotals one = sequential[i];
                Print($"{one.Name,-18} {"1 in flight",-12} {one.CallsPerSecond,10:N0} {one.Micros(0.5),10:F1} {one.Micros(0.99),9:F1} {one.Micros(0.999),9:F1} {one.BytesPerCall,8:F0} {one.CpuPerCall,11:F1}");
                CaseTotals many = concurrent[i];
                if (fixtures[i].OneInFlightOnly)
                {
                    continue;
                }

                Print($"{many.Name,-18} {"64 in flight",-12} {many.CallsPerSecond,10:N0} {"",10} {"",9} {"",9} {many.BytesPerCall,8:F0} {many.CpuPerCall,11:F1}");
            }

            int jsonRpc = fixtures.FindIndex(f => f.Name == JsonRpcRoundTripFixture.LibraryName);
            int grpc = fixtures.FindIndex(f => f.Name == GrpcRoundTripFixture.LibraryName);
            int pingPong = fixtures.FindIndex(f => f.Name == PingPongRoundTripFixture.LibraryName);
            for (int i = 0; i < fixtures.Count; i++)
            {
                if (i != jsonRpc && !fixtures[i].OneInFlightOnly)
                {
                    PrintRatios("64 in flight", concurrent[i], concurrent[jsonRpc]);
                }
            }

            PrintRatios("64 in flight", concurrent[0], concurrent[grpc]);
            for (int i = 0; i < fixtures.Count; i++)
            {
                if (i != pingPong)
                {
                    PrintMedianRatios(sequential[i], sequential[pingPong]);
                }
            }

            PrintGoals(concurrent[0], concurrent[jsonRpc], concurrent[grpc], sequential[0], sequential[pingPong]);

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

    /// <summary>
    /// Amp.NET alone with 64 calls in flight for <paramref name="seconds"/> (<paramref name="target"/> <c>tcp</c> or <c>inmemory</c>),
    /// or one call in flight (<c>tcp1</c>: Amp.NET over TCP; <c>pingpong</c>: the bare socket ping-pong): something steady for a
    /// profiler to sample.
    /// </summary>
    public static async Task LoopAsync(string target, double seconds)
    {
        IRoundTripFixture fixture = target switch
        {
            "inmemory" => InMemoryRoundTripFixture.Start(),
            "pingpong" => await PingPongRoundTripFixture.StartAsync().ConfigureAwait(false),
            _ => await AmpRoundTripFixture.StartAsync().ConfigureAwait(false),
        };
        await using (fixture.ConfigureAwait(false))
        {
            if (fixture.OneInFlightOnly || target == "tcp1")
            {
                // One call in flight: the latency path, for strace -c or perf beside the ping-pong's.
                var one = new CaseTotals(fixture.Name, MaxSamples);
                await SequentialAsync(fixture, TimeSpan.FromSeconds(seconds), one).ConfigureAwait(false);
                Print($"{fixture.Name}: 1 in flight, {one.CallsPerSecond:N0} calls/s, median {one.Micros(0.5):F1} us, {one.CpuPerCall:F2} CPU us/call, {one.BytesPerCall:F0} B/call");
                return;
            }

            var totals = new CaseTotals(fixture.Name, 0);
            await ConcurrentAsync(fixture, TimeSpan.FromSeconds(seconds), totals).ConfigureAwait(false);
            Print($"{fixture.Name}: 64 in flight, {totals.CallsPerSecond:N0} calls/s, {totals.CpuPerCall:F2} CPU us/call, {totals.BytesPerCall:F0} B/call");
        }
    }

    /// <summary>One call at a time for <paramref name="duration"/>, every call timed.</summary>
    private static async Task SequentialAsync(IRoundTripFixture fixture, TimeSpan duration, CaseTotals totals)
    {
        totals.StartRound();
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

    /// <summary>1 in flight: the median latency of <paramref name="ours"/> over that of <paramref name="floor"/>, per round and overall (lower is better).</summary>
    private static void PrintMedianRatios(CaseTotals ours, CaseTotals floor)
    {
        double[] ratios = ours.RoundMedians().Zip(floor.RoundMedians(), (a, b) => a / b).Order().ToArray();
        Print($"1 in flight median, {ours.Name} / {floor.Name} per round: min {ratios[0]:F2}x, median {ratios[ratios.Length / 2]:F2}x, max {ratios[^1]:F2}x; overall {ours.Micros(0.5) / floor.Micros(0.5):F2}x");
    }

    /// <summary>Amp.NET's three ratios round by round, then overall against the project's goals.</summary>
    private static void PrintGoals(CaseTotals amp, CaseTotals jsonRpc, CaseTotals grpc, CaseTotals ampOne, CaseTotals pingPong)
    {
        IReadOnlyList<double> ampMedians = ampOne.RoundMedians();
        IReadOnlyList<double> floorMedians = pingPong.RoundMedians();
        Print($"{amp.Name} round by round: 64 in flight, calls/s over StreamJsonRpc's and gRPC's; 1 in flight, median latency over the ping-pong's");
        Print($"{"round",5} {"/ StreamJsonRpc",16} {"/ gRPC",8} {"median us",10} {"ping-pong us",13} {"/ ping-pong",12}");
        for (int round = 0; round < amp.RoundRates.Count; round++)
        {
            Print($"{round + 1,5} {amp.RoundRates[round] / jsonRpc.RoundRates[round],15:F2}x {amp.RoundRates[round] / grpc.RoundRates[round],7:F2}x {ampMedians[round],10:F1} {floorMedians[round],13:F1} {ampMedians[round] / floorMedians[round],11:F2}x");
        }

        double overJsonRpc = amp.CallsPerSecond / jsonRpc.CallsPerSecond;
        double overGrpc = amp.CallsPerSecond / grpc.CallsPerSecond;
        double overPingPong = ampOne.Micros(0.5) / pingPong.Micros(0.5);
        Print($"Goals, overall: 64 in flight {overJsonRpc:F2}x StreamJsonRpc (goal {GoalOverJsonRpc:0.#}x: {Verdict(overJsonRpc >= GoalOverJsonRpc)}), {overGrpc:F2}x gRPC (goal {GoalOverGrpc:0.#}x: {Verdict(overGrpc >= GoalOverGrpc)}); 1 in flight median {overPingPong:F2}x the ping-pong's (goal at most {GoalOverPingPong:0.0#}x: {Verdict(overPingPong <= GoalOverPingPong)})");
    }

    private static string Verdict(bool met) => met ? "met" : "not met";

    private static void Print(FormattableString line) => Console.WriteLine(line.ToString(CultureInfo.InvariantCulture));

    /// <summary>What one library did in one case, summed over the rounds.</summary>
    private sealed class CaseTotals(string name, int maxSamples)
    {
        private readonly long[] _samples = new long[maxSamples];
        private readonly List<int> _roundStarts = [];
        private List<double>? _roundMedians;
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

        /// <summary>Marks the start of a round: the samples from here on belong to it (see <see cref="RoundMedians"/>).</summary>
        public void StartRound() => _roundStarts.Add(_sampleCount);

        /// <summary>The median latency of each round in microseconds, in round order (computed after the run, off the clock).</summary>
        public IReadOnlyList<double> RoundMedians() => _roundMedians ??= ComputeRoundMedians();

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
                // Sorting in place mixes the rounds: take their medians first.
                RoundMedians();
                Array.Sort(_samples, 0, _sampleCount);
                _sorted = true;
            }

            int index = Math.Min(_sampleCount - 1, (int)(quantile * _sampleCount));
            return _samples[index] * 1_000_000.0 / Stopwatch.Frequency;
        }

        private List<double> ComputeRoundMedians()
        {
            var medians = new List<double>(_roundStarts.Count);
            for (int round = 0; round < _roundStarts.Count; round++)
            {
                int start = _roundStarts[round];
                int end = round + 1 < _roundStarts.Count ? _roundStarts[round + 1] : _sampleCount;
                long[] slice = _samples[start..end];
                Array.Sort(slice);
                medians.Add(slice.Length == 0 ? double.NaN : slice[slice.Length / 2] * 1_000_000.0 / Stopwatch.Frequency);
            }

            return medians;
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
