using System.Diagnostics;
using System.Globalization;
using System.Net;
using Amp.Transports;

namespace Amp.Benchmarks.Streams;

/// <summary>
/// The <c>streamfair</c> mode: 64 small calls in flight over one loopback TCP connection, alone and while a
/// stream is being sent on the same connection, in interleaved rounds. Prints the small calls' latency
/// percentiles in each case, the stream's throughput, and the managed heap's growth while it runs (both
/// ends are in this process, so the growth counts the sender's buffers too).
/// </summary>
internal static class StreamFairnessRunner
{
    private const int InFlight = 64;

    public static async Task RunAsync(double seconds, int rounds, int windowBytes)
    {
        await using SocketListener listener = SocketListener.ListenTcp(IPAddress.Loopback, 0);
        Task<AmpTransport> accepting = listener.AcceptAsync().AsTask();
        AmpTransport clientTransport = await SocketTransport.ConnectTcpAsync("127.0.0.1", listener.Port).ConfigureAwait(false);
        var responders = new AmpResponders()
            .Add((SumCommand c) => new SumResult { Total = c.A + c.B })
            .Add<SinkCommand, BulkResult>(SinkResponder.DrainAsync);
        await using AmpConnection server = AmpConnection.Start(await accepting.ConfigureAwait(false), new AmpConnectionOptions { Responders = responders, StreamWindowBytes = windowBytes });
        await using AmpConnection client = AmpConnection.Start(clientTransport, new AmpConnectionOptions { StreamWindowBytes = windowBytes });

        TimeSpan slice = TimeSpan.FromSeconds(seconds / rounds);
        Print($"streamfair: {InFlight} Sum calls in flight, alone and beside one stream on the same loopback TCP connection; window {windowBytes / 1024} KiB; {seconds:0.#} s per case in {rounds} rounds");
        await MeasureAsync(client, TimeSpan.FromSeconds(0.5), withStream: false).ConfigureAwait(false);
        await MeasureAsync(client, TimeSpan.FromSeconds(0.5), withStream: true).ConfigureAwait(false);
        var alone = new List<double>();
        var beside = new List<double>();
        double streamed = 0, streamSeconds = 0;
        long heapGrowth = 0;
        for (int round = 0; round < rounds; round++)
        {
            Sample a = await MeasureAsync(client, slice, withStream: false).ConfigureAwait(false);
            Sample b = await MeasureAsync(client, slice, withStream: true).ConfigureAwait(false);
            alone.AddRange(a.Latencies);
            beside.AddRange(b.Latencies);
            streamed += b.StreamBytes;
            streamSeconds += slice.TotalSeconds;
            heapGrowth = Math.Max(heapGrowth, b.HeapGrowth);
            Print($"  round {round + 1}: p99 alone {Percentile(a.Latencies, 0.99):F0} us, beside the stream {Percentile(b.Latencies, 0.99):F0} us; stream {b.StreamBytes / 1e6 / slice.TotalSeconds:N0} MB/s");
        }

        Print($"{"case",-22} {"calls/s",10} {"median us",10} {"p99 us",9} {"p99.9 us",9}");
        Print($"{"alone",-22} {alone.Count / (rounds * slice.TotalSeconds),10:N0} {Percentile(alone, 0.5),10:F0} {Percentile(alone, 0.99),9:F0} {Percentile(alone, 0.999),9:F0}");
        Print($"{"beside a stream",-22} {beside.Count / (rounds * slice.TotalSeconds),10:N0} {Percentile(beside, 0.5),10:F0} {Percentile(beside, 0.99),9:F0} {Percentile(beside, 0.999),9:F0}");
        Print($"p99 beside / alone: {Percentile(beside, 0.99) / Percentile(alone, 0.99):F2}x; stream {streamed / 1e6 / streamSeconds:N0} MB/s; managed heap (garbage included) grew by at most {heapGrowth / (1024.0 * 1024):F1} MiB");
        await MeasureLiveMemoryAsync(client, server, slice).ConfigureAwait(false);
    }

    /// <summary>A stream alone: the live heap (after a full collection, every 250 ms) and the receiver's buffered credit, at their highest.</summary>
    private static async Task MeasureLiveMemoryAsync(AmpConnection client, AmpConnection server, TimeSpan duration)
    {
        long before = GC.GetTotalMemory(forceFullCollection: true);
        using var stop = new CancellationTokenSource();
        var source = new UnfilledStream(long.MaxValue);
        Task<BulkResult> streaming = client.CallRemoteAsync(new SinkCommand { Data = source }, stop.Token);
        long livePeak = before, bufferedPeak = 0;
        long end = Stopwatch.GetTimestamp() + (long)(duration.TotalSeconds * Stopwatch.Frequency);
        while (Stopwatch.GetTimestamp() < end)
        {
            await Task.Delay(250).ConfigureAwait(false);
            livePeak = Math.Max(livePeak, GC.GetTotalMemory(forceFullCollection: true));
            bufferedPeak = Math.Max(bufferedPeak, server.StreamBufferedBytes);
        }

        long sent = source.Position;
        stop.Cancel();
        try
        {
            await streaming.ConfigureAwait(false);
        }
        catch (OperationCanceledException)
        {
            // Cancelled at the end, as above.
        }

        Print($"stream alone: {sent / 1e6 / duration.TotalSeconds:N0} MB/s; live managed heap grew by at most {(livePeak - before) / (1024.0 * 1024):F1} MiB (both ends); the receiver's credit outstanding peaked at {bufferedPeak / 1024.0:N0} KiB");
    }

    private static async Task<Sample> MeasureAsync(AmpConnection client, TimeSpan duration, bool withStream)
    {
        GC.Collect();
        long heapBefore = GC.GetTotalMemory(forceFullCollection: true);
        using var stop = new CancellationTokenSource();
        var source = new UnfilledStream(long.MaxValue);
        Task<BulkResult>? streaming = withStream ? client.CallRemoteAsync(new SinkCommand { Data = source }, stop.Token) : null;
        long streamStart = source.Position;
        long heapPeak = heapBefore;
        var latencies = new List<double>[InFlight];
        long end = Stopwatch.GetTimestamp() + (long)(duration.TotalSeconds * Stopwatch.Frequency);
        var callers = new Task[InFlight];
        for (int c = 0; c < InFlight; c++)
        {
            var mine = latencies[c] = new List<double>(8192);
            callers[c] = Task.Run(async () =>
            {
                while (Stopwatch.GetTimestamp() < end)
                {
                    long started = Stopwatch.GetTimestamp();
                    await client.CallRemoteAsync(new SumCommand { A = 1, B = 2 }).ConfigureAwait(false);
                    mine.Add(Stopwatch.GetElapsedTime(started).TotalMicroseconds);
                }
            });
        }

        Task all = Task.WhenAll(callers);
        while (!all.IsCompleted)
        {
            heapPeak = Math.Max(heapPeak, GC.GetTotalMemory(forceFullCollection: false));
            await Task.WhenAny(all, Task.Delay(20)).ConfigureAwait(false);
        }

        await all.ConfigureAwait(false);
        long streamBytes = source.Position - streamStart;
        if (streaming is not null)
        {
            stop.Cancel();
            try
            {
                await streaming.ConfigureAwait(false);
            }
            catch (OperationCanceledException)
            {
                // The stream is cancelled at the end of each measurement.
            }
        }

        var merged = new List<double>();
        foreach (List<double> one in latencies)
        {
            merged.AddRange(one);
        }

        return new Sample(merged, streamBytes, heapPeak - heapBefore);
    }

    private static double Percentile(List<double> values, double quantile)
    {
        double[] sorted = [.. values];
        Array.Sort(sorted);
        return sorted.Length == 0 ? 0 : sorted[Math.Min(sorted.Length - 1, (int)(quantile * sorted.Length))];
    }

    private static void Print(FormattableString line) => Console.WriteLine(line.ToString(CultureInfo.InvariantCulture));

    private sealed record Sample(List<double> Latencies, long StreamBytes, long HeapGrowth);
}
