using System.Diagnostics;
using System.Net;
using System.Security.Authentication;
using Amp.Benchmarks.Bulk;
using Amp.Tls;
using Amp.Transports;

namespace Amp.Benchmarks.Engines;

/// <summary>
/// One handshake case: a TLS engine on both sides at one version, mutual certificates (ECDSA P-256 from the
/// bench CA, verified against it). Each handshake runs over a fresh loopback TCP connection, made before the
/// clock starts: the time is from the client's and the server's <see cref="TlsLayer.StartAsync(System.IO.Pipelines.IDuplexPipe, TlsLayerOptions, TlsRole, CancellationToken)"/>
/// until both layers are up, the layer StartTLS pushes.
/// </summary>
internal sealed class HandshakeLatency(TlsEngine engine, SslProtocols version, BulkCertificates certificates)
{
    private readonly TlsLayerOptions _client = certificates.ClientOptionsFor(engine) with { EnabledProtocols = version, HandshakeLimiter = null };
    private readonly TlsLayerOptions _server = certificates.ServerOptionsFor(engine) with { EnabledProtocols = version, HandshakeLimiter = null };

    public string Name { get; } = $"{engine}, TLS {(version == SslProtocols.Tls13 ? "1.3" : "1.2")}";

    /// <summary>Milliseconds per handshake, in the order measured.</summary>
    public List<double> Samples { get; } = [];

    /// <summary>Process CPU spent in the measured handshakes (both ends).</summary>
    public TimeSpan Cpu { get; private set; }

    /// <summary>Runs <paramref name="count"/> handshakes; only those after <paramref name="record"/> is true are kept.</summary>
    public async Task RunAsync(SocketListener listener, int count, bool record)
    {
        for (int i = 0; i < count; i++)
        {
            Task<AmpTransport> accepting = listener.AcceptAsync().AsTask();
            await using AmpTransport clientTransport = await SocketTransport.ConnectTcpAsync("127.0.0.1", listener.Port).ConfigureAwait(false);
            await using AmpTransport serverTransport = await accepting.ConfigureAwait(false);

            TimeSpan cpu = Process.GetCurrentProcess().TotalProcessorTime;
            long start = Stopwatch.GetTimestamp();
            Task<TlsLayer> serving = TlsLayer.StartAsync(serverTransport, _server, TlsRole.Server);
            TlsLayer client = await TlsLayer.StartAsync(clientTransport, _client, TlsRole.Client).ConfigureAwait(false);
            TlsLayer server = await serving.ConfigureAwait(false);
            double elapsed = Stopwatch.GetElapsedTime(start).TotalMilliseconds;
            if (record)
            {
                Samples.Add(elapsed);
                Cpu += Process.GetCurrentProcess().TotalProcessorTime - cpu;
            }

            if (client.Info.Engine != engine || server.Info.Protocol != version)
            {
                throw new InvalidOperationException($"{Name}: negotiated {server.Info}");
            }

            await client.DisposeAsync().ConfigureAwait(false);
            await server.DisposeAsync().ConfigureAwait(false);
        }
    }
}
