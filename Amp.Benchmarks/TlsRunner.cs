using System.Diagnostics;
using System.Globalization;
using Amp.Benchmarks.Bulk;
using Amp.Tls;

namespace Amp.Benchmarks;

/// <summary>
/// "tls [seconds] [--rounds N]": StartTLS latency over loopback TCP (handshake included, then StopTLS back
/// to plaintext), then bulk throughput against the machine's ceilings (<see cref="BulkRunner"/>).
/// </summary>
internal static class TlsRunner
{
    public static async Task RunAsync(double seconds, int rounds)
    {
        var certificates = new BulkCertificates();
        Console.WriteLine($"TLS over loopback TCP; {Environment.ProcessorCount} cores, .NET {Environment.Version}");
        await using (AmpBulkCase latency = await AmpBulkCase.StartAsync(0, BulkRunner.PayloadBytes, certificates, stopTls: true))
        {
            await StartTlsLatencyAsync(latency.Client, certificates.ClientOptions, TimeSpan.FromSeconds(Math.Min(seconds, 4)));
        }

        await BulkRunner.RunAsync(certificates, seconds, rounds);
    }
    private static async Task StartTlsLatencyAsync(AmpConnection connection, TlsLayerOptions client, TimeSpan duration)
    {
        var samples = new List<double>();
        var watch = Stopwatch.StartNew();
        while (watch.Elapsed < duration || samples.Count < 20)
        {
            long start = Stopwatch.GetTimestamp();
            TlsConnectionInfo info = await connection.StartTlsAsync(client);
            samples.Add(Stopwatch.GetElapsedTime(start).TotalMilliseconds);
            if (samples.Count == 1)
            {
                Console.WriteLine($"negotiated: {info}");
            }

            await connection.StopTlsAsync();
        }

        samples.Sort();
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"StartTLS (call + mutual-certificate handshake), {samples.Count} runs: median {samples[samples.Count / 2]:F2} ms, p90 {samples[samples.Count * 9 / 10]:F2} ms"));
    }
}
