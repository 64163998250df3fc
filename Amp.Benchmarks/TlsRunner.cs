using System.Diagnostics;
using System.Globalization;
using System.Net;
using Amp.Dispatch;
using Amp.Tls;
using Amp.Transports;

namespace Amp.Benchmarks;

/// <summary>
/// "tls [seconds]": StartTLS latency over loopback TCP (handshake included, then StopTLS back to
/// plaintext), and bulk throughput of 16 KiB boxes with 0, 1 and 2 TLS layers, side by side.
/// </summary>
internal static class TlsRunner
{
    private const int PayloadBytes = 16 * 1024;
    private const int InFlight = 16;

    public static async Task RunAsync(double seconds)
    {
        var authority = DevelopmentCertificates.CreateAuthority("Bench CA");
        var server = new TlsLayerOptions { LocalCertificate = DevelopmentCertificates.Issue(authority, "bench-server"), TrustedAuthorities = [authority] };
        var client = new TlsLayerOptions { LocalCertificate = DevelopmentCertificates.Issue(authority, "bench-client"), TrustedAuthorities = [authority], TargetHost = "localhost" };

        await using SocketListener listener = SocketListener.ListenTcp(IPAddress.Loopback, 0);
        Task<AmpTransport> accepting = listener.AcceptAsync().AsTask();
        AmpTransport clientTransport = await SocketTransport.ConnectTcpAsync("127.0.0.1", listener.Port);
        var responders = new AmpResponders()
            .Add((BulkCommand c) => new BulkResult { Length = c.Data.Length })
            .AddStartTls(server)
            .AddStopTls();
        await using AmpConnection serverConnection = AmpConnection.Start(await accepting, new AmpConnectionOptions { Responders = responders });
        await using AmpConnection connection = AmpConnection.Start(clientTransport, new AmpConnectionOptions { Responders = new AmpResponders().AddStartTls(client).AddStopTls() });

        Console.WriteLine($"TLS over loopback TCP; {Environment.ProcessorCount} cores, .NET {Environment.Version}");
        await StartTlsLatencyAsync(connection, client, TimeSpan.FromSeconds(seconds));

        TimeSpan duration = TimeSpan.FromSeconds(seconds);
        Console.WriteLine($"bulk: {PayloadBytes / 1024} KiB per box, {InFlight} calls in flight");
        Console.WriteLine("layers   calls/s      MB/s (payload, one way)");
        for (int layers = 0; layers <= 2; layers++)
        {
            while (connection.LayerDepth < layers)
            {
                await connection.StartTlsAsync(client);
            }

            await BulkAsync(connection, TimeSpan.FromSeconds(1));
            long calls = await BulkAsync(connection, duration);
            double perSecond = calls / duration.TotalSeconds;
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"{layers,6} {perSecond,9:N0} {perSecond * PayloadBytes / 1e6,9:N1}"));
        }
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

    private static async Task<long> BulkAsync(AmpConnection connection, TimeSpan duration)
    {
        byte[] payload = new byte[PayloadBytes];
        long calls = 0;
        var watch = Stopwatch.StartNew();
        var workers = new Task[InFlight];
        for (int i = 0; i < workers.Length; i++)
        {
            workers[i] = Task.Run(async () =>
            {
                while (watch.Elapsed < duration)
                {
                    await connection.CallRemoteAsync(new BulkCommand { Data = payload });
                    Interlocked.Increment(ref calls);
                }
            });
        }

        await Task.WhenAll(workers);
        return calls;
    }
}
