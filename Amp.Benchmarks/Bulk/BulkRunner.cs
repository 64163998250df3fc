using System.Diagnostics;
using System.Globalization;

namespace Amp.Benchmarks.Bulk;

/// <summary>
/// Bulk throughput against this machine's ceilings, in one run: a bare socket pair and a bare
/// <see cref="System.Net.Security.SslStream"/> pair pushing 16 KiB writes, and Amp.NET bulk boxes
/// (16 KiB payload, <see cref="AmpBulkCase.InFlight"/> callers) with 0, 1 and 2 TLS layers. All cases are
/// connected at once and measured in interleaved rounds, the order rotating each round, so each Amp.NET
/// figure is compared with a ceiling measured seconds apart. Plaintext is compared with the socket pair,
/// TLS with the SslStream pair.
/// </summary>
internal static class BulkRunner
{
    public const int PayloadBytes = 16 * 1024;

    /// <param name="certificates">The TLS certificates of every case.</param>
    /// <param name="seconds">The time each case runs, in all.</param>
    /// <param name="rounds">The rounds it is split into.</param>
    /// <param name="streams">Measure 1 GiB Amp.NET streams (plaintext, one TLS layer) instead of bulk boxes.</param>
    public static async Task RunAsync(BulkCertificates certificates, double seconds, int rounds, bool streams = false)
    {
        var socketPair = await PairCeiling.StartSocketsAsync(PayloadBytes).ConfigureAwait(false);
        var tlsPair = await PairCeiling.StartTlsAsync(PayloadBytes, certificates).ConfigureAwait(false);
        var cases = new List<IBulkCase> { socketPair, tlsPair };
        IBulkCase[] ceilingOf;
        if (streams)
        {
            cases.Add(await AmpStreamCase.StartAsync(0, certificates).ConfigureAwait(false));
            cases.Add(await AmpStreamCase.StartAsync(1, certificates).ConfigureAwait(false));
            ceilingOf = [socketPair, tlsPair, socketPair, tlsPair];
        }
        else
        {
            for (int layers = 0; layers <= 2; layers++)
            {
                cases.Add(await AmpBulkCase.StartAsync(layers, PayloadBytes, certificates).ConfigureAwait(false));
            }

            ceilingOf = [socketPair, tlsPair, socketPair, tlsPair, tlsPair];
        }

        await MeasureAsync(cases, ceilingOf, seconds, rounds).ConfigureAwait(false);
    }

    /// <summary>
    /// Measures <paramref name="cases"/> in interleaved rounds and prints each one's MB/s and its share of
    /// <paramref name="ceilingOf"/> (the case at the same index; itself for a ceiling); disposes them all.
    /// </summary>
    public static async Task MeasureAsync(List<IBulkCase> cases, IBulkCase[] ceilingOf, double seconds, int rounds)
    {
        try
        {
            TimeSpan slice = TimeSpan.FromSeconds(seconds / rounds);
            Print($"bulk: {PayloadBytes / 1024} KiB writes/boxes, {AmpBulkCase.InFlight} Amp.NET callers in flight, pairs drain into {PairCeiling.ReadBufferBytes / 1024} KiB reads; {seconds:0.#} s per case in {rounds} interleaved rounds of {slice.TotalSeconds:0.##} s");
            var totals = cases.ConvertAll(c => new Totals(c.Name));
            foreach (IBulkCase one in cases)
            {
                await one.PushAsync(TimeSpan.FromSeconds(Math.Min(1, slice.TotalSeconds))).ConfigureAwait(false);
            }

            for (int round = 0; round < rounds; round++)
            {
                for (int k = 0; k < cases.Count; k++)
                {
                    int i = (k + round) % cases.Count;
                    TimeSpan cpuBefore = CpuTime();
                    BulkSample sample = await cases[i].PushAsync(slice).ConfigureAwait(false);
                    totals[i].Add(sample, CpuTime() - cpuBefore);
                }
            }

            Print($"{"case",-48} {"MB/s min",9} {"median",9} {"max",9} {"overall",9} {"CPU us/MB",10}  of ceiling per round (min / median / max)");
            for (int i = 0; i < cases.Count; i++)
            {
                Totals t = totals[i];
                int c = cases.IndexOf(ceilingOf[i]);
                string share = c == i ? "(ceiling)" : $"{Share(t, totals[c])} of {totals[c].Name.Split(' ')[0]} pair";
                Print($"{t.Name,-48} {t.Rate(0),9:N0} {t.Rate(0.5),9:N0} {t.Rate(1),9:N0} {t.Overall,9:N0} {t.CpuPerMegabyte,10:N0}  {share}");
            }
        }
        finally
        {
            foreach (IBulkCase one in cases)
            {
                await one.DisposeAsync().ConfigureAwait(false);
            }
        }
    }

    /// <summary>
    /// One case alone for <paramref name="seconds"/>: <c>pair</c>, <c>sslpair</c>, the number of TLS layers under
    /// Amp.NET, <c>bc1</c> or <c>bc2</c> for that many layers of the BouncyCastle engine.
    /// </summary>
    public static async Task LoopAsync(string which, double seconds)
    {
        var certificates = new BulkCertificates();
        IBulkCase one = which switch
        {
            "pair" => await PairCeiling.StartSocketsAsync(PayloadBytes).ConfigureAwait(false),
            "sslpair" => await PairCeiling.StartTlsAsync(PayloadBytes, certificates).ConfigureAwait(false),
            "stream0" or "stream1" => await AmpStreamCase.StartAsync(which[^1] - '0', certificates).ConfigureAwait(false),
            "bc1" or "bc2" => await AmpBulkCase.StartAsync(which[^1] - '0', PayloadBytes, certificates, engine: Amp.Tls.TlsEngine.BouncyCastle).ConfigureAwait(false),
            _ => await AmpBulkCase.StartAsync(int.Parse(which, CultureInfo.InvariantCulture), PayloadBytes, certificates).ConfigureAwait(false),
        };
        await using (one.ConfigureAwait(false))
        {
            TimeSpan cpuBefore = CpuTime();
            long allocatedBefore = GC.GetTotalAllocatedBytes(precise: true);
            int collectionsBefore = GC.CollectionCount(0);
            BulkSample sample = await one.PushAsync(TimeSpan.FromSeconds(seconds)).ConfigureAwait(false);
            double megabytes = sample.Bytes / 1e6;
            double writes = sample.Bytes / (double)PayloadBytes;
            Print($"{one.Name}: {megabytes / sample.Seconds:N0} MB/s, {(CpuTime() - cpuBefore).TotalMicroseconds / megabytes:N0} CPU us/MB, {(GC.GetTotalAllocatedBytes(precise: true) - allocatedBefore) / writes:N0} B allocated and {(GC.CollectionCount(0) - collectionsBefore) / writes:F3} gen0 GCs per 16 KiB");
        }
    }

    private static string Share(Totals ours, Totals ceiling)
    {
        var ratios = new double[ours.Rates.Count];
        for (int r = 0; r < ratios.Length; r++)
        {
            ratios[r] = ours.Rates[r] / ceiling.Rates[r];
        }

        Array.Sort(ratios);
        return string.Create(CultureInfo.InvariantCulture, $"{ratios[0]:P0} / {ratios[ratios.Length / 2]:P0} / {ratios[^1]:P0}");
    }

    private static TimeSpan CpuTime()
    {
        using var process = Process.GetCurrentProcess();
        return process.TotalProcessorTime;
    }

    private static void Print(FormattableString line) => Console.WriteLine(line.ToString(CultureInfo.InvariantCulture));

    /// <summary>One case's rounds: MB/s per round in round order, and totals.</summary>
    private sealed class Totals(string name)
    {
        private long _bytes;
        private double _seconds;
        private double _cpuMicroseconds;

        public string Name { get; } = name;

        public List<double> Rates { get; } = [];

        public double Overall => _bytes / _seconds / 1e6;

        public double CpuPerMegabyte => _cpuMicroseconds / (_bytes / 1e6);

        public void Add(BulkSample sample, TimeSpan cpu)
        {
            _bytes += sample.Bytes;
            _seconds += sample.Seconds;
            _cpuMicroseconds += cpu.TotalMicroseconds;
            Rates.Add(sample.Bytes / sample.Seconds / 1e6);
        }

        /// <summary>The per-round rate at <paramref name="quantile"/> (0 the slowest round, 1 the fastest).</summary>
        public double Rate(double quantile)
        {
            var sorted = Rates.ToArray();
            Array.Sort(sorted);
            return sorted[(int)Math.Round(quantile * (sorted.Length - 1))];
        }
    }
}
