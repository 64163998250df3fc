using System.Diagnostics;
using System.Net;
using Amp.Benchmarks.Streams;
using Amp.Tls;
using Amp.Transports;

namespace Amp.Benchmarks.Bulk;

/// <summary>
/// One Amp.NET stream (the streams extension): a call whose <c>Stream</c> argument carries
/// <see cref="BytesPerPush"/> bytes, drained by the responder into 64 KiB reads, over one loopback TCP
/// connection with 0 or 1 TLS layers. The source hands out its buffer unfilled, as the pairs write one
/// buffer again and again: what is measured is the way the bytes travel.
/// </summary>
internal sealed class AmpStreamCase : IBulkCase
{
    /// <summary>What one push sends: 1 GiB.</summary>
    public const long BytesPerPush = 1L << 30;

    /// <summary>The receiver's window (AMP_BENCH_WINDOW_KIB, default the library's default).</summary>
    private static readonly int WindowBytes = int.TryParse(Environment.GetEnvironmentVariable("AMP_BENCH_WINDOW_KIB"), out int kib) ? kib * 1024 : new AmpConnectionOptions().StreamWindowBytes;

    private readonly SocketListener _listener;
    private readonly AmpConnection _server;
    private readonly AmpConnection _client;

    private AmpStreamCase(int layers, SocketListener listener, AmpConnection server, AmpConnection client)
    {
        Name = layers == 0 ? "Amp.NET 1 GiB stream plaintext" : "Amp.NET 1 GiB stream 1 TLS layer";
        _listener = listener;
        _server = server;
        _client = client;
    }

    public string Name { get; }

    public static async Task<AmpStreamCase> StartAsync(int layers, BulkCertificates certificates)
    {
        SocketListener listener = SocketListener.ListenTcp(IPAddress.Loopback, 0);
        Task<AmpTransport> accepting = listener.AcceptAsync().AsTask();
        AmpTransport clientTransport = await SocketTransport.ConnectTcpAsync("127.0.0.1", listener.Port).ConfigureAwait(false);
        var responders = new AmpResponders()
            .Add<SinkCommand, BulkResult>(SinkResponder.DrainAsync)
            .AddStartTls(certificates.ServerOptions);
        AmpConnection server = AmpConnection.Start(await accepting.ConfigureAwait(false), new AmpConnectionOptions { Name = "stream-server", Responders = responders, StreamWindowBytes = WindowBytes });
        AmpConnection client = AmpConnection.Start(clientTransport, new AmpConnectionOptions { Name = "stream-client" });
        for (int i = 0; i < layers; i++)
        {
            await client.StartTlsAsync(certificates.ClientOptions).ConfigureAwait(false);
        }

        await client.NegotiateExtensionsAsync().ConfigureAwait(false);
        return new AmpStreamCase(layers, listener, server, client);
    }

    /// <summary>Sends 1 GiB whatever <paramref name="duration"/> says: the issue asks for a 1 GiB stream.</summary>
    public async Task<BulkSample> PushAsync(TimeSpan duration)
    {
        long started = Stopwatch.GetTimestamp();
        BulkResult result = await _client.CallRemoteAsync(new SinkCommand { Data = new UnfilledStream(BytesPerPush) }).ConfigureAwait(false);
        double seconds = Stopwatch.GetElapsedTime(started).TotalSeconds;
        long received = (long)result.Length << 10;
        if (received != BytesPerPush)
        {
            throw new InvalidOperationException($"The responder read {received} bytes of {BytesPerPush}.");
        }

        return new BulkSample(received, seconds);
    }

    public async ValueTask DisposeAsync()
    {
        await _client.CloseAsync().ConfigureAwait(false);
        await _server.CloseAsync().ConfigureAwait(false);
        await _listener.DisposeAsync().ConfigureAwait(false);
    }
}
