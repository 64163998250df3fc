using System.Buffers;
using System.IO.Pipelines;
using System.Net;
using System.Net.Sockets;
using System.Text;
using Amp.Tests.TestUtilities;
using Amp.Tls;
using Amp.Transports;

namespace Amp.Tests.Tls;

/// <summary>
/// <see cref="TlsLayer"/> on its own, over any pipe or stream (no AMP): push TLS, TLS inside TLS, exchange
/// data, pop back to plaintext with the bytes written right behind each close_notify arriving intact,
/// whatever the segmentation of the transport, with either engine on either side, and the engines mixed
/// per layer in TLS inside TLS.
/// </summary>
[CancelAfter(60000)]
public sealed class TlsLayerStandaloneTests
{
    private static readonly TlsLayerOptions s_client = TestCertificates.ClientOptions(role: TlsRole.Client);
    private static readonly TlsLayerOptions s_server = TestCertificates.ServerOptions(role: TlsRole.Server);

    private static IEnumerable<(int? MaxBytesPerRead, int? Seed, string Name)> SegmentationsOnly()
    {
        yield return (null, null, "whole reads");
        yield return (1, null, "one byte per read");
        int seed = Environment.TickCount;
        yield return (null, seed, $"random splits, seed {seed}");
    }

    /// <summary>Every segmentation with each client engine against each server engine.</summary>
    public static IEnumerable<TestCaseData> Segmentations() =>
        from engines in EngineCases.PairValues()
        from split in SegmentationsOnly()
        select new TestCaseData(split.MaxBytesPerRead, split.Seed, engines.Client, engines.Server)
            .SetArgDisplayNames(split.Name, $"client {engines.Client}", $"server {engines.Server}");

    /// <summary>
    /// Every segmentation with the engines mixed per layer: BouncyCastle outside and the platform's inside, the
    /// reverse, and each layer with a different engine on each side.
    /// </summary>
    public static IEnumerable<TestCaseData> NestedSegmentations()
    {
        (TlsEngine, TlsEngine, TlsEngine, TlsEngine)[] layers =
        [
            (TlsEngine.SslStream, TlsEngine.SslStream, TlsEngine.SslStream, TlsEngine.SslStream),
            (TlsEngine.BouncyCastle, TlsEngine.BouncyCastle, TlsEngine.SslStream, TlsEngine.SslStream),
            (TlsEngine.SslStream, TlsEngine.SslStream, TlsEngine.BouncyCastle, TlsEngine.BouncyCastle),
            (TlsEngine.BouncyCastle, TlsEngine.SslStream, TlsEngine.SslStream, TlsEngine.BouncyCastle),
        ];
        return from engines in layers
               from split in SegmentationsOnly()
               select new TestCaseData(split.MaxBytesPerRead, split.Seed, engines.Item1, engines.Item2, engines.Item3, engines.Item4)
                   .SetArgDisplayNames(split.Name, $"outer {engines.Item1}-{engines.Item2}", $"inner {engines.Item3}-{engines.Item4}");
    }

    [TestCaseSource(nameof(Segmentations))]
    public async Task PushExchangeAndPopBackToPlaintextWithNothingLost(int? maxBytesPerRead, int? seed, TlsEngine clientEngine, TlsEngine serverEngine, CancellationToken cancellationToken)
    {
        TestContext.Out.WriteLine($"MaxBytesPerRead={maxBytesPerRead}, SplitSeed={seed}");
        var (initiator, acceptor) = InMemoryTransport.CreatePair(new InMemoryTransportOptions { MaxBytesPerRead = maxBytesPerRead, SplitSeed = seed });
        await using var _ = initiator;
        await using var __ = acceptor;

        (TlsLayer client, TlsLayer server) = await HandshakeAsync(initiator, acceptor, cancellationToken, clientEngine, serverEngine);
        Assert.That((client.Info.Engine, server.Info.Engine), Is.EqualTo((clientEngine, serverEngine)));
        Assert.That((client.Info.IsClient, server.Info.IsClient), Is.EqualTo((true, false)));
        Assert.That((client.Info.Depth, server.Info.Depth), Is.EqualTo((1, 1)));
        Assert.That(client.Below, Is.SameAs(initiator));
        Assert.That(server.Info.PeerCertificate!.Subject, Is.EqualTo("CN=amp-client"));
        Assert.That(client.Name, Does.StartWith("tls(1."));

        await ExchangeAsync(client, server, "inside TLS", cancellationToken);
        await PopWithPlaintextBehindCloseNotifyAsync(client, server, "plaintext right behind the client's close_notify", "plaintext right behind the server's close_notify", cancellationToken);

        await AssertOnlyTheseBytesRemainAsync(initiator, acceptor, cancellationToken);
    }

    [TestCaseSource(nameof(NestedSegmentations))]
    public async Task TlsInsideTlsPoppedInnermostFirstBackToPlaintext(int? maxBytesPerRead, int? seed,
        TlsEngine outerClientEngine, TlsEngine outerServerEngine, TlsEngine innerClientEngine, TlsEngine innerServerEngine, CancellationToken cancellationToken)
    {
        TestContext.Out.WriteLine($"MaxBytesPerRead={maxBytesPerRead}, SplitSeed={seed}");
        var (initiator, acceptor) = InMemoryTransport.CreatePair(new InMemoryTransportOptions { MaxBytesPerRead = maxBytesPerRead, SplitSeed = seed });
        await using var _ = initiator;
        await using var __ = acceptor;

        (TlsLayer outerClient, TlsLayer outerServer) = await HandshakeAsync(initiator, acceptor, cancellationToken, outerClientEngine, outerServerEngine);
        (TlsLayer innerClient, TlsLayer innerServer) = await HandshakeAsync(outerClient, outerServer, cancellationToken, innerClientEngine, innerServerEngine);
        Assert.That((innerClient.Info.Depth, innerServer.Info.Depth), Is.EqualTo((2, 2)));
        Assert.That((outerClient.Info.Engine, innerServer.Info.Engine), Is.EqualTo((outerClientEngine, innerServerEngine)));
        Assert.That(innerClient.Below, Is.SameAs(outerClient));

        await ExchangeAsync(innerClient, innerServer, "two layers deep", cancellationToken);
        await PopWithPlaintextBehindCloseNotifyAsync(innerClient, innerServer, "outer TLS, client", "outer TLS, server", cancellationToken);
        await ExchangeAsync(outerClient, outerServer, "back in the outer layer", cancellationToken);
        await PopWithPlaintextBehindCloseNotifyAsync(outerClient, outerServer, "plaintext, client", "plaintext, server", cancellationToken);

        await AssertOnlyTheseBytesRemainAsync(initiator, acceptor, cancellationToken);
    }

    [TestCaseSource(typeof(EngineCases), nameof(EngineCases.Pairs))]
    public async Task PushAgainAfterAPopOnTheSamePipe(TlsEngine clientEngine, TlsEngine serverEngine, CancellationToken cancellationToken)
    {
        var (initiator, acceptor) = InMemoryTransport.CreatePair(new InMemoryTransportOptions { MaxBytesPerRead = 7 });
        await using var _ = initiator;
        await using var __ = acceptor;
        for (int round = 0; round < 3; round++)
        {
            (TlsLayer client, TlsLayer server) = await HandshakeAsync(initiator, acceptor, cancellationToken, clientEngine, serverEngine);
            await ExchangeAsync(client, server, $"round {round}", cancellationToken);
            await PopWithPlaintextBehindCloseNotifyAsync(client, server, $"client after round {round}", $"server after round {round}", cancellationToken);
        }
    }

    [TestCaseSource(typeof(EngineCases), nameof(EngineCases.Pairs))]
    public async Task OverStreamsThePlaintextAfterThePopIsReadFromBelow(TlsEngine clientEngine, TlsEngine serverEngine, CancellationToken cancellationToken)
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        using var clientSocket = new TcpClient();
        Task connecting = clientSocket.ConnectAsync(IPAddress.Loopback, ((IPEndPoint)listener.LocalEndpoint).Port, cancellationToken).AsTask();
        using TcpClient serverSocket = await listener.AcceptTcpClientAsync(cancellationToken);
        await connecting;
        await using NetworkStream clientStream = clientSocket.GetStream();
        await using NetworkStream serverStream = serverSocket.GetStream();

        Task<TlsLayer> serverStarting = TlsLayer.StartAsync(serverStream, s_server with { Engine = serverEngine }, TlsRole.Server, cancellationToken);
        TlsLayer client = await TlsLayer.StartAsync(clientStream, s_client with { Engine = clientEngine }, TlsRole.Client, cancellationToken);
        TlsLayer server = await serverStarting;
        await ExchangeAsync(client, server, "over a NetworkStream", cancellationToken);
        await PopWithPlaintextBehindCloseNotifyAsync(client, server, "client, plaintext again", "server, plaintext again", cancellationToken);

        // The streams stayed open: plaintext goes on through Below, and nothing else arrives.
        await WriteAsync(client.Below.Output, "QUIT", cancellationToken);
        Assert.That(await ReadTextAsync(server.Below.Input, "QUIT".Length, cancellationToken), Is.EqualTo("QUIT"));
        await client.Below.Output.CompleteAsync();
        clientSocket.Client.Shutdown(SocketShutdown.Send);
        Assert.That(await ReadToEndAsync(server.Below.Input, cancellationToken), Is.Empty);
    }

    [Test]
    public void TheRoleMustBeClientOrServer()
    {
        var below = new DuplexPipe(new Pipe(), new Pipe());
        var automatic = Assert.ThrowsAsync<ArgumentException>(() => TlsLayer.StartAsync(below, s_client, TlsRole.Automatic));
        Assert.That(automatic!.ParamName, Is.EqualTo("role"));
        var contradicting = Assert.ThrowsAsync<ArgumentException>(() => TlsLayer.StartAsync(below, s_client, TlsRole.Server));
        Assert.That(contradicting!.Message, Does.Contain("TlsLayerOptions.Role"));
        Assert.ThrowsAsync<ArgumentException>(() => TlsLayer.StartAsync(new MemoryStream([], writable: false), s_client, TlsRole.Client));
        Assert.ThrowsAsync<ArgumentNullException>(() => TlsLayer.StartAsync((Stream)null!, s_client, TlsRole.Client));
    }

    [TestCaseSource(typeof(EngineCases), nameof(EngineCases.Pairs))]
    public async Task DataArrivingWhileStoppingIsAnErrorNotALoss(TlsEngine clientEngine, TlsEngine serverEngine, CancellationToken cancellationToken)
    {
        var (initiator, acceptor) = InMemoryTransport.CreatePair();
        await using var _ = initiator;
        await using var __ = acceptor;
        (TlsLayer client, TlsLayer server) = await HandshakeAsync(initiator, acceptor, cancellationToken, clientEngine, serverEngine);
        await WriteAsync(client.Output, "late data", cancellationToken);

        var error = Assert.ThrowsAsync<AmpTlsException>(() => server.StopAsync(cancellationToken));
        Assert.That(error!.Failure, Is.EqualTo(TlsFailure.DataBeforeCloseNotify));
        Assert.That(error.Message, Does.Contain("9 bytes"));
        Assert.That(error.DisconnectReason, Is.EqualTo(AmpDisconnectReason.TlsFailure));
        Assert.ThrowsAsync<ObjectDisposedException>(() => server.StopAsync(cancellationToken), "the layer is disposed whatever the outcome");
        await client.DisposeAsync();
    }

    [TestCaseSource(typeof(EngineCases), nameof(EngineCases.Pairs))]
    public async Task APeerEndingTheConnectionInsteadOfSendingCloseNotifyFailsTheStop(TlsEngine clientEngine, TlsEngine serverEngine, CancellationToken cancellationToken)
    {
        var (initiator, acceptor) = InMemoryTransport.CreatePair();
        await using var _ = initiator;
        await using var __ = acceptor;
        (TlsLayer client, TlsLayer server) = await HandshakeAsync(initiator, acceptor, cancellationToken, clientEngine, serverEngine);
        Task stopping = server.StopAsync(cancellationToken);
        await initiator.Output.CompleteAsync();

        var error = Assert.ThrowsAsync<AmpTlsException>(() => stopping);
        Assert.That(error!.Failure, Is.EqualTo(TlsFailure.PeerClosed));
        Assert.That(error.Message, Does.Contain("without sending its close_notify"));
        await client.DisposeAsync();
    }

    [TestCaseSource(typeof(EngineCases), nameof(EngineCases.Pairs))]
    public async Task WithoutStopTheInputEndsAtThePeersCloseNotifyAndTheLayerBelowGoesOn(TlsEngine clientEngine, TlsEngine serverEngine, CancellationToken cancellationToken)
    {
        // CloseWritingAsync alone is the half-close: the peer's input ends, and it may keep writing until it stops too.
        var (initiator, acceptor) = InMemoryTransport.CreatePair();
        await using var _ = initiator;
        await using var __ = acceptor;
        (TlsLayer client, TlsLayer server) = await HandshakeAsync(initiator, acceptor, cancellationToken, clientEngine, serverEngine);
        await client.CloseWritingAsync(cancellationToken);
        await client.CloseWritingAsync(cancellationToken);
        Assert.That(await ReadToEndAsync(server.Input, cancellationToken), Is.Empty);
        await WriteAsync(server.Output, "still talking", cancellationToken);
        Assert.That(await ReadTextAsync(client.Input, "still talking".Length, cancellationToken), Is.EqualTo("still talking"));
        await Task.WhenAll(client.StopAsync(cancellationToken), server.StopAsync(cancellationToken));
    }

    internal static async Task<(TlsLayer Client, TlsLayer Server)> HandshakeAsync(IDuplexPipe clientBelow, IDuplexPipe serverBelow, CancellationToken cancellationToken,
        TlsEngine clientEngine = TlsEngine.SslStream, TlsEngine serverEngine = TlsEngine.SslStream)
    {
        Task<TlsLayer> server = TlsLayer.StartAsync(serverBelow, s_server with { Engine = serverEngine }, TlsRole.Server, cancellationToken);
        Task<TlsLayer> client = TlsLayer.StartAsync(clientBelow, s_client with { Engine = clientEngine }, TlsRole.Client, cancellationToken);
        return (await client, await server);
    }

    internal static async Task ExchangeAsync(TlsLayer client, TlsLayer server, string text, CancellationToken cancellationToken)
    {
        string large = new('x', 40000);
        await WriteAsync(client.Output, text + large, cancellationToken);
        await WriteAsync(server.Output, large + text, cancellationToken);
        Assert.That(await ReadTextAsync(server.Input, text.Length + large.Length, cancellationToken), Is.EqualTo(text + large));
        Assert.That(await ReadTextAsync(client.Input, text.Length + large.Length, cancellationToken), Is.EqualTo(large + text));
    }

    /// <summary>
    /// Each side sends close_notify and writes plaintext in the layer below at once, before the peer has read
    /// anything; then each stops and must find exactly the peer's plaintext in the layer below.
    /// </summary>
    internal static async Task PopWithPlaintextBehindCloseNotifyAsync(TlsLayer client, TlsLayer server, string fromClient, string fromServer, CancellationToken cancellationToken)
    {
        IDuplexPipe clientBelow = client.Below;
        IDuplexPipe serverBelow = server.Below;
        await client.CloseWritingAsync(cancellationToken);
        await WriteAsync(clientBelow.Output, fromClient, cancellationToken);
        await server.CloseWritingAsync(cancellationToken);
        await WriteAsync(serverBelow.Output, fromServer, cancellationToken);
        await Task.WhenAll(client.StopAsync(cancellationToken), server.StopAsync(cancellationToken));
        Assert.That(await ReadTextAsync(serverBelow.Input, fromClient.Length, cancellationToken), Is.EqualTo(fromClient));
        Assert.That(await ReadTextAsync(clientBelow.Input, fromServer.Length, cancellationToken), Is.EqualTo(fromServer));
    }

    internal static async Task WriteAsync(PipeWriter writer, string text, CancellationToken cancellationToken) =>
        await writer.WriteAsync(Encoding.UTF8.GetBytes(text), cancellationToken);

    internal static async Task<string> ReadTextAsync(PipeReader reader, int count, CancellationToken cancellationToken)
    {
        while (true)
        {
            ReadResult result = await reader.ReadAsync(cancellationToken);
            ReadOnlySequence<byte> buffer = result.Buffer;
            if (buffer.Length >= count)
            {
                string text = Encoding.UTF8.GetString(buffer.Slice(0, count));
                reader.AdvanceTo(buffer.GetPosition(count));
                return text;
            }

            reader.AdvanceTo(buffer.Start, buffer.End);
            if (result.IsCompleted)
            {
                Assert.Fail($"The stream ended after {buffer.Length} of {count} bytes: '{Encoding.UTF8.GetString(buffer)}'");
            }
        }
    }

    internal static async Task<byte[]> ReadToEndAsync(PipeReader reader, CancellationToken cancellationToken)
    {
        while (true)
        {
            ReadResult result = await reader.ReadAsync(cancellationToken);
            if (result.IsCompleted)
            {
                byte[] rest = result.Buffer.ToArray();
                reader.AdvanceTo(result.Buffer.End);
                return rest;
            }

            reader.AdvanceTo(result.Buffer.Start, result.Buffer.End);
        }
    }

    private static async Task AssertOnlyTheseBytesRemainAsync(InMemoryTransport initiator, InMemoryTransport acceptor, CancellationToken cancellationToken)
    {
        // Nothing duplicated: once both sides stop writing, neither has anything left to read.
        await initiator.Output.CompleteAsync();
        await acceptor.Output.CompleteAsync();
        Assert.That(await ReadToEndAsync(acceptor.Input, cancellationToken), Is.Empty);
        Assert.That(await ReadToEndAsync(initiator.Input, cancellationToken), Is.Empty);
    }
}
