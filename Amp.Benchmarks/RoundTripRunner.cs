using System.Diagnostics;
using System.Globalization;

namespace Amp.Benchmarks;

/// <summary>
/// The quick <c>roundtrip</c> mode: each library in turn, a warm-up, then a fixed time with 1 call in
/// flight (every call timed with <see cref="Stopwatch.GetTimestamp"/>) and a fixed time with 64 callers
/// looping. Prints calls/s, latency percentiles, and bytes allocated and CPU time used per call (whole process, both
/// ends); CPU time per call is the figure least disturbed by other work on a shared machine.
/// </summary>
internal static class RoundTripRunner
{
    private const int InFlight = 64;
    private const int MaxSamples = 1 << 22;

    public static async Task RunAsync(double seconds, bool inMemory)
    {
        TimeSpan duration = TimeSpan.FromSeconds(seconds);
        TimeSpan warmUp = TimeSpan.FromSeconds(Math.Min(2, seconds / 2));
        Print($"Round trips over loopback TCP, {duration.TotalSeconds:0.#} s per case after {warmUp.TotalSeconds:0.#} s warm-up; {Environment.ProcessorCount} cores, .NET {Environment.Version}, server GC {System.Runtime.GCSettings.IsServerGC}");
        Print($"{"library",-14} {"case",-12} {"calls/s",10} {"median us",10} {"p99 us",9} {"p99.9 us",9} {"B/call",8} {"CPU us/call",11}");

        await RunOneAsync(await AmpRoundTripFixture.StartAsync().ConfigureAwait(false), duration, warmUp).ConfigureAwait(false);
        await RunOneAsync(await AmpRoundTripFixture.StartAsync(sendInline: false).ConfigureAwait(false), duration, warmUp).ConfigureAwait(false);
        await RunOneAsync(await JsonRpcRoundTripFixture.StartAsync().ConfigureAwait(false), duration, warmUp).ConfigureAwait(false);
        if (inMemory)
        {
            await RunOneAsync(InMemoryRoundTripFixture.Start(), duration, warmUp).ConfigureAwait(false);
        }
    }

    private static async Task RunOneAsync(IRoundTripFixture fixture, TimeSpan duration, TimeSpan warmUp)
    {
        await using (fixture.ConfigureAwait(false))
        {
            long[] samples = new long[MaxSamples];
            await SequentialAsync(fixture, warmUp, samples).ConfigureAwait(false);
            await ConcurrentAsync(fixture, warmUp).ConfigureAwait(false);
            GC.Collect();

            long allocated = GC.GetTotalAllocatedBytes(precise: true);
            TimeSpan cpu = CpuTime();
            long start = Stopwatch.GetTimestamp();
            int count = await SequentialAsync(fixture, duration, samples).ConfigureAwait(false);
            double elapsed = Stopwatch.GetElapsedTime(start).TotalSeconds;
            long bytes = GC.GetTotalAllocatedBytes(precise: true) - allocated;
            double cpuPerCall = (CpuTime() - cpu).TotalMicroseconds / count;
            Array.Sort(samples, 0, count);
            Print($"{fixture.Name,-14} {"1 in flight",-12} {count / elapsed,10:N0} {Micros(samples, count, 0.5),10:F1} {Micros(samples, count, 0.99),9:F1} {Micros(samples, count, 0.999),9:F1} {bytes / (double)count,8:F0} {cpuPerCall,11:F1}");

            GC.Collect();
            allocated = GC.GetTotalAllocatedBytes(precise: true);
            cpu = CpuTime();
            start = Stopwatch.GetTimestamp();
            long calls = await ConcurrentAsync(fixture, duration).ConfigureAwait(false);
            elapsed = Stopwatch.GetElapsedTime(start).TotalSeconds;
            bytes = GC.GetTotalAllocatedBytes(precise: true) - allocated;
            cpuPerCall = (CpuTime() - cpu).TotalMicroseconds / calls;
            Print($"{fixture.Name,-14} {"64 in flight",-12} {calls / elapsed,10:N0} {"",10} {"",9} {"",9} {bytes / (double)calls,8:F0} {cpuPerCall,11:F1}");
        }
    }

    /// <summary>One call at a time until <paramref name="duration"/> has passed; returns the number of samples.</summary>
    private static async Task<int> SequentialAsync(IRoundTripFixture fixture, TimeSpan duration, long[] samples)
    {
        long end = Stopwatch.GetTimestamp() + (long)(duration.TotalSeconds * Stopwatch.Frequency);
        int count = 0;
        while (count < samples.Length)
        {
            long before = Stopwatch.GetTimestamp();
            await fixture.CallAsync().ConfigureAwait(false);
            long after = Stopwatch.GetTimestamp();
            samples[count++] = after - before;
            if (after >= end)
            {
                break;
            }
        }

        return count;
    }

    /// <summary>64 callers, each calling in a loop until <paramref name="duration"/> has passed; returns the total calls.</summary>
    private static async Task<long> ConcurrentAsync(IRoundTripFixture fixture, TimeSpan duration)
    {
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
        return counts.Sum();
    }

    /// <summary>User plus kernel CPU time of this process (both ends of the connection, all threads).</summary>
    private static TimeSpan CpuTime()
    {
        using var process = Process.GetCurrentProcess();
        return process.TotalProcessorTime;
    }

    private static double Micros(long[] sorted, int count, double quantile)
    {
        int index = Math.Min(count - 1, (int)(quantile * count));
        return sorted[index] * 1_000_000.0 / Stopwatch.Frequency;
    }

    private static void Print(FormattableString line) => Console.WriteLine(line.ToString(CultureInfo.InvariantCulture));
}
