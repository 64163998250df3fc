using System.Buffers;
using System.IO.Pipelines;
using Amp.Tls;

namespace Amp.Tests.Tls;

/// <summary>
/// The connection cut inside the header of the peer's next TLS record (the first bytes of its
/// close_notify, during StopTLS) is a truncation, reported as one: before, the layer ended as if closed
/// cleanly and left those bytes to the layer below, which read them as a box with a bad key length
/// (issue 10, item 8).
/// </summary>
[CancelAfter(30000)]
public sealed class TlsTruncationTests
{
    public static IEnumerable<TestCaseData> Cuts() =>
        from engine in Enum.GetValues<TlsEngine>()
        from delivered in new[] { 1, 2, 3, 4 }
        select new TestCaseData(delivered, engine);

    [TestCaseSource(nameof(Cuts))]
    public async Task ACutInsideTheCloseNotifysHeaderIsATruncation(int bytesDelivered, TlsEngine engine, CancellationToken cancellationToken)
    {
        await using var wires = new Wires();
        (TlsLayer client, TlsLayer server) = await HandshakeAsync(wires, engine, cancellationToken);

        await wires.StopServerToClientAsync();
        await server.CloseWritingAsync(cancellationToken);
        byte[] closeNotify = await wires.TakeFromServerAsync(cancellationToken);
        Assert.That(closeNotify.Length, Is.GreaterThan(5), "the close_notify record");
        await wires.ClientInput.Writer.WriteAsync(closeNotify.AsMemory(0, bytesDelivered), cancellationToken);
        await wires.ClientInput.Writer.CompleteAsync();

        AmpTlsException failure = Assert.ThrowsAsync<AmpTlsException>(async () => await client.Input.ReadAsync(cancellationToken))!;
        Assert.That(failure.Failure, Is.EqualTo(TlsFailure.PeerClosed));
        Assert.That(failure.Message, Does.Contain("TLS record"));
        ReadResult below = await client.Below.Input.ReadAsync(cancellationToken);
        Assert.That(below.Buffer.Length, Is.Zero, "the cut record's bytes were left for the layer below");
    }

    [TestCaseSource(typeof(EngineCases), nameof(EngineCases.Each))]
    public async Task ACutAtARecordBoundaryEndsTheInputAsAClose(TlsEngine engine, CancellationToken cancellationToken)
    {
        await using var wires = new Wires();
        (TlsLayer client, _) = await HandshakeAsync(wires, engine, cancellationToken);

        await wires.StopServerToClientAsync();
        await wires.ClientInput.Writer.CompleteAsync();

        ReadResult result = await client.Input.ReadAsync(cancellationToken);
        Assert.That((result.IsCompleted, result.Buffer.Length), Is.EqualTo((true, 0L)));
    }

    private static async Task<(TlsLayer Client, TlsLayer Server)> HandshakeAsync(Wires wires, TlsEngine engine, CancellationToken cancellationToken)
    {
        Task<TlsLayer> server = TlsLayer.StartAsync(wires.ServerSide, TestCertificates.ServerOptions(role: TlsRole.Server, engine: engine), TlsRole.Server, cancellationToken);
        TlsLayer client = await TlsLayer.StartAsync(wires.ClientSide, TestCertificates.ClientOptions(role: TlsRole.Client, engine: engine), TlsRole.Client, cancellationToken);
        return (client, await server);
    }

    /// <summary>Two pipes between a client and a server, the server-to-client one relayed until told to stop.</summary>
    private sealed class Wires : IAsyncDisposable
    {
        private readonly Pipe _clientToServer = new();
        private readonly Pipe _serverToClient = new();
        private readonly CancellationTokenSource _stopRelay = new();
        private readonly Task _relay;

        public Wires()
        {
            ClientSide = new DuplexPipe(ClientInput.Reader, _clientToServer.Writer);
            ServerSide = new DuplexPipe(_clientToServer.Reader, _serverToClient.Writer);
            _relay = RelayAsync();
        }

        public Pipe ClientInput { get; } = new();

        public IDuplexPipe ClientSide { get; }

        public IDuplexPipe ServerSide { get; }

        public async Task StopServerToClientAsync()
        {
            await _stopRelay.CancelAsync();
            await _relay;
        }

        public async Task<byte[]> TakeFromServerAsync(CancellationToken cancellationToken)
        {
            ReadResult result = await _serverToClient.Reader.ReadAsync(cancellationToken);
            byte[] bytes = result.Buffer.ToArray();
            _serverToClient.Reader.AdvanceTo(result.Buffer.End);
            return bytes;
        }

        public async ValueTask DisposeAsync()
        {
            await _stopRelay.CancelAsync();
            await _relay;
            _stopRelay.Dispose();
        }

        private async Task RelayAsync()
        {
            try
            {
                while (true)
                {
                    ReadResult result = await _serverToClient.Reader.ReadAsync(_stopRelay.Token);
                    foreach (ReadOnlyMemory<byte> segment in result.Buffer)
                    {
                        await ClientInput.Writer.WriteAsync(segment);
                    }

                    _serverToClient.Reader.AdvanceTo(result.Buffer.End);
                }
            }
            catch (OperationCanceledException)
            {
            }
        }
    }

    private sealed record DuplexPipe(PipeReader Input, PipeWriter Output) : IDuplexPipe;
}
