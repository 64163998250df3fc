using System.Globalization;
using System.Net;
using System.Security.Authentication;
using Amp.Benchmarks.Bulk;
using Amp.Tls;
using Amp.Transports;

namespace Amp.Benchmarks.Engines;

/// <summary>
/// "engines [seconds] [--rounds N] [--handshakes N]": the two TLS engines in one run. Handshake latency
/// (median, p99) of N handshakes per engine and version over loopback TCP, interleaved in rounds; then bulk
/// boxes in one TLS layer per engine beside the bare <see cref="System.Net.Security.SslStream"/> pair, in
/// interleaved rounds (<see cref="BulkRunner.MeasureAsync"/>).
/// </summary>
internal static class EngineRunner
{
    public static async Task RunAsync(double seconds, int rounds, int handshakes)
    {
        var certificates = new BulkCertificates();
        Console.WriteLine($"TLS engines over loopback TCP; {Environment.ProcessorCount} cores, .NET {Environment.Version}, BouncyCastle.Cryptography {BouncyCastleVersion()}");
        await HandshakesAsync(certificates, rounds, handshakes).ConfigureAwait(false);

        var tlsPair = await PairCeiling.StartTlsAsync(BulkRunner.PayloadBytes, certificates).ConfigureAwait(false);
        var cases = new List<IBulkCase> { tlsPair };
        foreach (TlsEngine engine in Enum.GetValues<TlsEngine>())
        {
            cases.Add(await AmpBulkCase.StartAsync(1, BulkRunner.PayloadBytes, certificates, engine: engine).ConfigureAwait(false));
        }

        await BulkRunner.MeasureAsync(cases, [tlsPair, tlsPair, tlsPair], seconds, rounds).ConfigureAwait(false);
    }

    private static async Task HandshakesAsync(BulkCertificates certificates, int rounds, int handshakes)
    {
        var cases = new List<HandshakeLatency>();
        foreach (TlsEngine engine in Enum.GetValues<TlsEngine>())
        {
            foreach (SslProtocols version in new[] { SslProtocols.Tls13, SslProtocols.Tls12 })
            {
                cases.Add(new HandshakeLatency(engine, version, certificates));
            }
        }

        await using SocketListener listener = SocketListener.ListenTcp(IPAddress.Loopback, 0);
        foreach (HandshakeLatency one in cases)
        {
            await one.RunAsync(listener, 20, record: false).ConfigureAwait(false);
        }

        int perRound = Math.Max(1, handshakes / rounds);
        for (int round = 0; round < rounds; round++)
        {
            for (int k = 0; k < cases.Count; k++)
            {
                await cases[(k + round) % cases.Count].RunAsync(listener, perRound, record: true).ConfigureAwait(false);
            }
        }

        Print($"handshakes: mutual certificates (ECDSA P-256), a fresh loopback TCP connection each, both ends in this process; {perRound * rounds} per case in {rounds} interleaved rounds");
        Print($"{"case",-26} {"median ms",10} {"p99 ms",8} {"mean ms",8} {"CPU ms/handshake",17}");
        foreach (HandshakeLatency one in cases)
        {
            double[] sorted = [.. one.Samples];
            Array.Sort(sorted);
            double p99 = sorted[Math.Min(sorted.Length - 1, (int)Math.Ceiling(sorted.Length * 0.99) - 1)];
            Print($"{one.Name,-26} {sorted[sorted.Length / 2],10:F2} {p99,8:F2} {sorted.Average(),8:F2} {one.Cpu.TotalMilliseconds / sorted.Length,17:F2}");
        }
    }

    private static string? BouncyCastleVersion() =>
        (Attribute.GetCustomAttribute(typeof(Org.BouncyCastle.Tls.TlsProtocol).Assembly, typeof(System.Reflection.AssemblyInformationalVersionAttribute))
            as System.Reflection.AssemblyInformationalVersionAttribute)?.InformationalVersion.Split('+')[0];

    private static void Print(FormattableString line) => Console.WriteLine(line.ToString(CultureInfo.InvariantCulture));
}
