using System.Diagnostics;
using System.Net;
using Amp.Tls;
using Amp.Transports;

namespace Amp.Benchmarks.Bulk;

/// <summary>
/// Amp.NET bulk boxes: <see cref="InFlight"/> callers each sending <see cref="BulkCommand"/> with a 16 KiB
/// payload in a loop, over one loopback TCP connection with 0, 1 or 2 TLS layers of one engine (StartTLS made
/// before the run).
/// </summary>
internal sealed class AmpBulkCase : IBulkCase
{
    public const int InFlight = 16;

    private readonly SocketListener _listener;
    private readonly AmpConnection _server;
    private readonly AmpConnection _client;
    private readonly byte[] _payload;

    private AmpBulkCase(int layers, TlsEngine engine, SocketListener listener, AmpConnection server, AmpConnection client, int payloadBytes)
    {
        Name = layers == 0 ? "Amp.NET plaintext" : $"Amp.NET {layers} TLS layer{(layers == 1 ? "" : "s")}";
        if (layers > 0 && engine != TlsEngine.SslStream)
        {
            Name += $" ({engine})";
        }

        _listener = listener;
        _server = server;
        _client = client;
        _payload = new byte[payloadBytes];
    }

    public string Name { get; }

    /// <summary>The calling side.</summary>
    public AmpConnection Client => _client;

    public static async Task<AmpBulkCase> StartAsync(int layers, int payloadBytes, BulkCertificates certificates, bool stopTls = false, TlsEngine engine = TlsEngine.SslStream)
    {
        SocketListener listener = SocketListener.ListenTcp(IPAddress.Loopback, 0);
        Task<AmpTransport> accepting = listener.AcceptAsync().AsTask();
        AmpTransport clientTransport = await SocketTransport.ConnectTcpAsync("127.0.0.1", listener.Port).ConfigureAwait(false);
        var responders = new AmpResponders()
            .Add((BulkCommand c) => new BulkResult { Length = c.Data.Length })
            .AddStartTls(certificates.ServerOptionsFor(engine));
        if (stopTls)
        {
            responders.AddStopTls();
        }

        AmpConnection server = AmpConnection.Start(await accepting.ConfigureAwait(false), new AmpConnectionOptions { Name = "bulk-server", Responders = responders });
        AmpConnection client = AmpConnection.Start(clientTransport, new AmpConnectionOptions
        {
            Name = "bulk-client",
            Responders = stopTls ? new AmpResponders().AddStartTls(certificates.ClientOptionsFor(engine)).AddStopTls() : new AmpResponders(),
        });
        for (int i = 0; i < layers; i++)
        {
            await client.StartTlsAsync(certificates.ClientOptionsFor(engine)).ConfigureAwait(false);
        }

        BulkResult check = await client.CallRemoteAsync(new BulkCommand { Data = new byte[payloadBytes] }).ConfigureAwait(false);
        if (check.Length != payloadBytes)
        {
            throw new InvalidOperationException($"Bulk answered {check.Length} for {payloadBytes} bytes");
        }

        return new AmpBulkCase(layers, engine, listener, server, client, payloadBytes);
    }

    public async Task<BulkSample> PushAsync(TimeSpan duration)
    {
        long started = Stopwatch.GetTimestamp();
        long end = started + (long)(duration.TotalSeconds * Stopwatch.Frequency);
        var callers = new Task<long>[InFlight];
        for (int i = 0; i < callers.Length; i++)
        {
            callers[i] = Task.Run(async () =>
            {
                long calls = 0;
                while (Stopwatch.GetTimestamp() < end)
                {
                    await _client.CallRemoteAsync(new BulkCommand { Data = _payload }).ConfigureAwait(false);
                    calls++;
                }

                return calls;
            });
        }

        long total = 0;
        foreach (Task<long> caller in callers)
        {
            total += await caller.ConfigureAwait(false);
        }

        // Every answered call counts, up to the last caller's last answer.
        return new BulkSample(total * _payload.Length, Stopwatch.GetElapsedTime(started).TotalSeconds);
    }

    public async ValueTask DisposeAsync()
    {
        await _client.CloseAsync().ConfigureAwait(false);
        await _server.CloseAsync().ConfigureAwait(false);
        await _listener.DisposeAsync().ConfigureAwait(false);
    }
}
